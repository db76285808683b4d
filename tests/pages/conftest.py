"""Page tests run the real app (AppTest) on a small demo store built once per session.

Filters are chosen through session state before the first run, and each filter
set gets its own AppTest: that is how a user arrives at a page with a selection,
and it keeps each test independent of widget order in the sidebar.
"""

from __future__ import annotations

import shutil
import sys

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def _keep_main_module():
    """AppTest runs the app as ``__main__`` and leaves it there. A process pool started later in
    this test process (through the forkserver: AppTest leaves threads running) then re-ran
    app.py in every worker, which opened the store the parent was writing to and killed the
    worker (BrokenProcessPool in whichever test came next)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def demo_db(demo_store):
    return demo_store(0.1)


@pytest.fixture
def store(demo_db, monkeypatch, tmp_path):
    """A private copy of the demo store, so an import in one test stays in that test."""
    db = tmp_path / "voc.duckdb"
    shutil.copy(demo_db, db)
    monkeypatch.setenv("VOC_DB", str(db))
    monkeypatch.setenv("VOC_MAPPINGS", str(tmp_path / "mappings"))
    return db


def open_page(page: str | None = None, **filters: list[str]) -> AppTest:
    """Run the app with sidebar filters chosen, then go to ``page`` (None: the default page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for dim, values in filters.items():
        at.session_state[f"flt_{dim}"] = values
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(page)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def metric_value(at: AppTest, label: str) -> str:
    for m in at.metric:
        if m.label == label:
            return m.value
    raise AssertionError(f"no metric {label!r}; have {[m.label for m in at.metric]}")
