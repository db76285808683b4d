"""The DuckDB store: schema, migrations and connection handling."""

from vocsrc.store.connection import data_version, open_store, store_exists

__all__ = ["open_store", "store_exists", "data_version"]
