"""The global filters, drawn once in the sidebar by app.py and read by every page."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from vocsrc import queries
from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.rollup import month_end
from vocsrc.ui.data import query

_SHOWN = ("kind", "source", "function", "channel", "region")


def sidebar_filters() -> Filters:
    """Draw the filter widgets and return the chosen Filters (kept across pages)."""
    lo, hi = query(queries.date_bounds)
    with st.sidebar:
        st.subheader("Filters")
        dates: tuple = ()
        if lo and hi:
            # Whole months: how VoC is reported, and what the pre-aggregated rollups answer.
            months = month_options(lo, hi)
            picked = st.select_slider("Months", options=months, value=(months[0], months[-1]), key="flt_months",
                                      format_func=lambda d: d.strftime("%b %Y"))
            dates = (picked[0], month_end(picked[1]))
        chosen = {}
        for dim in _SHOWN:
            options = query(queries.distinct_values, dim)
            chosen[dim] = tuple(st.multiselect(DIMENSIONS[dim], options, key=f"flt_{dim}",
                                               placeholder="All"))
    date_from = dates[0] if len(dates) >= 1 else None
    date_to = dates[1] if len(dates) == 2 else None
    if lo and hi and date_from <= lo and date_to >= hi:
        date_from = date_to = None  # the full range: no date condition at all
    filters = Filters(date_from=date_from, date_to=date_to, **chosen)
    st.session_state["filters"] = filters
    return filters


def month_options(lo: dt.date, hi: dt.date) -> list[dt.date]:
    months, day = [], lo.replace(day=1)
    while day <= hi:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def current_filters() -> Filters:
    return st.session_state.get("filters", Filters())


def period_label(filters: Filters, lo: dt.date | None, hi: dt.date | None) -> str:
    return f"{filters.date_from or lo} to {filters.date_to or hi}"
