"""Paths and settings, read in one place.

The store path comes from, in order: an explicit argument (the CLI's ``--db``),
the ``VOC_DB`` environment variable, then ``data/voc.duckdb`` in the project.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
DEFAULT_DB = DATA_DIR / "voc.duckdb"
PRESETS_DIR = Path(__file__).resolve().parent / "ingest" / "presets"
# Named mappings a user saves live beside the store, not inside the package.
USER_MAPPINGS_DIR = PROJECT_DIR / "mappings"

# Figures from fewer responses than this are greyed out (methodology note).
MIN_N_SHARE = 30
MIN_N_COMPARE = 100


def demo_scale() -> float:
    """Size of the demo store a first start builds (1.0 = ~88k rows); tests use less."""
    return float(os.environ.get("VOC_DEMO_SCALE", "1.0"))


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Where the DuckDB store lives."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("VOC_DB")
    if env:
        return Path(env)
    return DEFAULT_DB


def mappings_dir() -> Path:
    env = os.environ.get("VOC_MAPPINGS")
    return Path(env) if env else USER_MAPPINGS_DIR
