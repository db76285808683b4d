"""Renderers shared by pages: charts with PNG/SVG downloads, captions, freshness."""

from __future__ import annotations

import altair as alt
import streamlit as st

from vocsrc import queries
from vocsrc.ui.data import query


def chart_with_downloads(chart: alt.TopLevelMixin, name: str) -> None:
    """Draw a chart with PNG and SVG buttons for slides; images are made only on click."""
    from vocsrc import charts

    # theme=None: the page shows exactly what the PNG/SVG and the briefing packs show.
    st.altair_chart(chart, width="stretch", theme=None)
    left, right, _ = st.columns([1, 1, 6])
    left.download_button("PNG", data=lambda: charts.chart_to_png(chart), file_name=f"{name}.png",
                         mime="image/png", key=f"png_{name}", on_click="ignore", icon=":material/download:")
    right.download_button("SVG", data=lambda: charts.chart_to_svg(chart), file_name=f"{name}.svg",
                          mime="image/svg+xml", key=f"svg_{name}", on_click="ignore", icon=":material/download:")


def freshness_note() -> None:
    fresh = query(queries.freshness)
    if fresh["last_import"]:
        st.caption(f"Data as of {fresh['last_import']:%Y-%m-%d %H:%M} (last import); newest feedback "
                   f"{fresh['latest_feedback']:%Y-%m-%d}." if fresh["latest_feedback"] else
                   f"Data as of {fresh['last_import']:%Y-%m-%d %H:%M}.")


def verbatim_list(frame) -> None:
    """Comments as quotes with their score and date; the evidence sentence is highlighted."""
    from vocsrc.privacy import escape_markdown
    from vocsrc.verbatim import display_parts

    if frame is None or len(frame) == 0:
        st.caption("No comments to show.")
        return
    for row in frame.to_dict("records"):
        before, evidence, after, meta = display_parts(row)
        body = escape_markdown(before) + (f"**{escape_markdown(evidence)}**" if evidence else "") + escape_markdown(after)
        st.markdown(f"> {body}\n\n<small>{escape_markdown(meta)}</small>", unsafe_allow_html=True)


def money_short(value: float, symbol: str = "£") -> str:
    """£19.5m rather than £19,538,210: a metric tile has room for four or five characters."""
    for size, unit in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{symbol}{value / size:.1f}{unit}"
    return f"{symbol}{value:,.0f}"
