"""Make every page run through app.py, even when a browser opens a page's URL first."""

from __future__ import annotations

import runpy

import streamlit as st

from vocsrc import config


def ensure_navigation() -> None:
    """Route a page run that bypassed app.py through app.py's st.navigation.

    Until some session has run app.py, Streamlit still routes by the old pages/
    folder convention: a first request for /segments runs pages/segments.py on its
    own, with no sidebar filters and no first-start demo build (AppTest runs every
    page this way). Turning that routing off, as st.navigation itself does, and
    running app.py in this same run sends the request to the same page with the
    sidebar, and keeps this run's widget events (a rerun would drop a button click).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(config.PROJECT_DIR / "app.py"), run_name="__main__")
        st.stop()
