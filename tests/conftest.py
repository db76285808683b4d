"""Shared fixtures: paths to real external data and small real stores."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# CI clones the repository with shared/ beside it; so does every developer checkout.
EXTERNAL = ROOT.parent / "shared" / "data" / "external"


@pytest.fixture(scope="session")
def external() -> Path:
    assert EXTERNAL.is_dir(), f"real test data missing: {EXTERNAL}"
    return EXTERNAL
