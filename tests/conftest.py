"""Shared fixtures: paths to real external data and small real stores."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
# CI clones the repository with shared/ beside it; so does every developer checkout.
EXTERNAL = ROOT.parent / "shared" / "data" / "external"


@pytest.fixture(scope="session")
def external() -> Path:
    assert EXTERNAL.is_dir(), f"real test data missing: {EXTERNAL}"
    return EXTERNAL


_DEMO_STORES: dict[float, Path] = {}


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory):
    """A built demo store per scale, shared by every test in this worker that only reads it.

    Call it with a scale; copy the file before writing to it.
    """

    def build(scale: float) -> Path:
        if scale not in _DEMO_STORES:
            from vocsrc.demo_store import build_demo_store

            path = tmp_path_factory.mktemp(f"demo{scale}") / "voc.duckdb"
            build_demo_store(path, scale=scale)
            _DEMO_STORES[scale] = path
        return _DEMO_STORES[scale]

    return build


@pytest.fixture(scope="module")
def demo_con(demo_store):
    """A read-only connection to the half-size demo store (the customer base tests' data)."""
    con = duckdb.connect(str(demo_store(0.5)), read_only=True)
    yield con
    con.close()
