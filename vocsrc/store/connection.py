"""Opening the store safely from several processes.

DuckDB lets one process write a file or several read it, never both. The
dashboard therefore opens a short read-only connection per rerun, and a
writer (CLI import, demo build) retries for a while when the file is locked,
then says plainly what to do instead of failing with a driver error.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from vocsrc import config
from vocsrc.errors import StoreBusy, VocError
from vocsrc.store.schema import MIGRATIONS, SCHEMA_VERSION

LOCK_WAIT_SECONDS = float(os.environ.get("VOC_LOCK_WAIT", "15"))


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() or "different configuration" in text


def _connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            # Its progress bar would write to our stdout (the CLI's JSON) and slow long statements.
            con.execute("SET enable_progress_bar = false")
            return con
        except (duckdb.IOException, duckdb.ConnectionException) as exc:
            if not _is_lock_error(exc):
                raise VocError(f"{path}: cannot open the store: {exc}") from exc
            if time.monotonic() >= deadline:
                if read_only:
                    msg = (f"{path} is being written by another program (an import is probably "
                           "running). The figures will appear when it finishes; reload in a moment.")
                else:
                    msg = (f"{path} is in use by another program (the dashboard or another import) "
                           f"and stayed locked for {wait:.0f} s. Wait for that import to finish and "
                           "run the command again, or stop the other program.")
                raise StoreBusy(msg) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def migrate(con: duckdb.DuckDBPyConnection, path: Path | str = "store") -> int:
    """Bring a store up to the current schema; return the version it is at."""
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise VocError(f"{path} was made by a newer version of this tool (schema {current}, "
                       f"this version knows {SCHEMA_VERSION}); upgrade before opening it")
    for version in range(current + 1, SCHEMA_VERSION + 1):
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in MIGRATIONS[version - 1]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return SCHEMA_VERSION


def store_exists(path: Path | str | None = None) -> bool:
    return config.db_path(path).exists()


@contextmanager
def open_store(path: Path | str | None = None, *, read_only: bool = False,
               wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the store, migrated when opened for writing; closed on exit."""
    db = config.db_path(path)
    if read_only and not db.exists():
        raise VocError(f"{db}: no store here yet; run `python -m vocsrc demo` or import a file")
    db.parent.mkdir(parents=True, exist_ok=True)
    con = _connect(db, read_only, LOCK_WAIT_SECONDS if wait is None else wait)
    try:
        if not read_only:
            migrate(con, db)
        yield con
    finally:
        con.close()


def data_version(path: Path | str | None = None) -> tuple[int, int]:
    """Changes whenever the store file changes: a cache key that needs no connection."""
    db = config.db_path(path)
    parts = []
    for p in (db, Path(str(db) + ".wal")):
        try:
            st = p.stat()
            parts.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            parts.append((0, 0))
    return (hash(tuple(parts)), parts[0][1])
