"""Make every page run through app.py, even when a browser opens a page's URL first."""

from __future__ import annotations

import streamlit as st


def ensure_navigation() -> None:
    """Route a direct page URL through app.py's st.navigation.

    Until some session has run app.py, Streamlit still routes by the old pages/
    folder convention: a first request for /segments runs pages/segments.py on its
    own, with no sidebar filters and no first-start demo build. Turning that
    routing off (what st.navigation itself does) and running again sends the
    request through app.py to the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
