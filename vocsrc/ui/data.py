"""Cached, lock-aware reads of the store for pages.

Each call opens a short read-only connection (so a CLI import can get the
write lock between reruns) and caches the result under the store file's
version, so new data shows up without a restart and unchanged data is not
recomputed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from vocsrc import config
from vocsrc.errors import StoreBusy, VocError
from vocsrc.store import data_version, open_store, store_exists

READ_WAIT_SECONDS = 8.0


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(fn_path: str, version: tuple, db: str, args: tuple, kwargs: tuple) -> Any:
    module, name = fn_path.rsplit(":", 1)
    fn = getattr(importlib.import_module(module), name)
    with open_store(db, read_only=True, wait=READ_WAIT_SECONDS) as con:
        return fn(con, *args, **dict(kwargs))


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run ``fn(con, *args)`` against the store, cached per store version and arguments."""
    db = str(config.db_path())
    try:
        return _cached(f"{fn.__module__}:{fn.__qualname__}", data_version(db), db, args,
                       tuple(sorted(kwargs.items())))
    except StoreBusy as exc:
        st.warning(str(exc))
        st.stop()


def deferred(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[[], Any]:
    """``fn(con, *args)`` as a callable for later (a download built when it is clicked). It runs
    outside the script, so it opens its own read-only connection and shows no warnings."""
    db = str(config.db_path())

    def run() -> Any:
        with open_store(db, read_only=True, wait=READ_WAIT_SECONDS) as con:
            return fn(con, *args, **kwargs)

    return run


def ensure_store() -> None:
    """On the first start, build the demo store with a progress bar."""
    if st.session_state.get("_store_ready"):
        return
    db = config.db_path()
    if not store_exists(db) or _is_empty(db):
        from vocsrc.ui.jobs import run_cli

        bar = st.progress(0.0, text="First start: building the demo store…")
        try:
            run_cli(["demo", "--scale", str(config.demo_scale())],
                    lambda f, m: bar.progress(f, text=f"First start, building the demo store: {m}"))
        except VocError as exc:
            st.error(str(exc))
            st.stop()
        bar.empty()
    st.session_state["_store_ready"] = True


def _is_empty(db: Any) -> bool:
    try:
        with open_store(db, read_only=True, wait=READ_WAIT_SECONDS) as con:
            return con.execute("SELECT count(*) FROM imports").fetchone()[0] == 0
    except VocError:
        return False


def unscored_notice() -> None:
    """A warning above every page while some texts have no score (an import stopped while
    scoring them), so no sentiment figure passes for the whole store unnoticed."""
    from vocsrc import queries

    texts = query(queries.unscored_texts)
    if texts["unscored"]:
        st.warning(f"{texts['unscored']:,} of {texts['distinct']:,} distinct texts are not scored yet: sentiment, "
                   "CX scores and themes leave them out.", icon=":material/warning:")
        st.page_link("pages/data.py", label="Score them on the Data page", icon=":material/upload_file:")
