"""Page-level pickers shared by several pages (metric, period grain, which text score)."""

from __future__ import annotations

import streamlit as st

from vocsrc.metrics import METHOD_NOTE
from vocsrc.stats import METRICS

METRIC_LABELS = {k: m.label for k, m in METRICS.items()}


def metric_picker(key: str = "metric", options: tuple[str, ...] = ("nps", "csat", "ces", "stars", "sentiment")) -> str:
    return st.selectbox("Metric", options, format_func=METRIC_LABELS.get, key=key)


def period_picker(key: str = "grain") -> str:
    return st.segmented_control("Period", ["month", "quarter"], default="quarter", key=key) or "quarter"


def text_score_note(text_score: str = "cx") -> str:
    """Which sentiment score a page shows: said next to every sentiment figure."""
    return METHOD_NOTE[text_score]
