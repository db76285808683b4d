"""Column settings for tables that several pages show."""

from __future__ import annotations

import streamlit as st

from vocsrc.stats import get_metric


def segment_columns(metric: str) -> dict:
    m = get_metric(metric)
    if m.headline == "nps":
        head = st.column_config.NumberColumn("NPS", format="%.0f")
        low = st.column_config.NumberColumn("from", format="%.0f")
        high = st.column_config.NumberColumn("to", format="%.0f")
    elif m.headline == "share":
        head = st.column_config.NumberColumn(m.headline_label, format="percent")
        low = st.column_config.NumberColumn("from", format="percent")
        high = st.column_config.NumberColumn("to", format="percent")
    else:
        head = st.column_config.NumberColumn(m.headline_label, format="%.2f")
        low = st.column_config.NumberColumn("from", format="%.2f")
        high = st.column_config.NumberColumn("to", format="%.2f")
    return {
        "group": st.column_config.TextColumn("Segment"),
        "n": st.column_config.NumberColumn("Responses", format="%d"),
        "headline": head, "low": low, "high": high,
        "middle_share": st.column_config.NumberColumn(f"Middle ({m.band(m.middle).label})", format="percent"),
        "really_happy": st.column_config.NumberColumn(f"Really happy ({m.top_box_label})", format="percent"),
        "lean": st.column_config.NumberColumn("Lean of the middle", format="%.2f",
                                              help="+1: every middle comment positive; −1: every one negative"),
        "differs": st.column_config.TextColumn("Differs from the rest (BH)"),
        "solid": st.column_config.CheckboxColumn("n ≥ 30"),
    }
