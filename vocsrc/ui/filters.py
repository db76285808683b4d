"""The global filters, drawn once in the sidebar by app.py and read by every page."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from vocsrc import queries
from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.ui.data import query

_SHOWN = ("kind", "source", "function", "channel", "region")


def sidebar_filters() -> Filters:
    """Draw the filter widgets and return the chosen Filters (kept across pages)."""
    lo, hi = query(queries.date_bounds)
    with st.sidebar:
        st.subheader("Filters")
        dates: tuple = ()
        if lo and hi:
            dates = st.date_input("Date range", value=(lo, hi), min_value=lo, max_value=hi,
                                  key="flt_dates", format="YYYY-MM-DD")
        chosen = {}
        for dim in _SHOWN:
            options = query(queries.distinct_values, dim)
            chosen[dim] = tuple(st.multiselect(DIMENSIONS[dim], options, key=f"flt_{dim}",
                                               placeholder="All"))
    date_from = dates[0] if len(dates) >= 1 else None
    date_to = dates[1] if len(dates) == 2 else None
    if (date_from, date_to) == (lo, hi):
        date_from = date_to = None  # the full range: no date condition at all
    filters = Filters(date_from=date_from, date_to=date_to, **chosen)
    st.session_state["filters"] = filters
    return filters


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def period_label(filters: Filters, lo: dt.date | None, hi: dt.date | None) -> str:
    return f"{filters.date_from or lo} to {filters.date_to or hi}"
