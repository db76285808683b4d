"""Segments side by side: functions, channels, products, regions and sources."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import charts, segments
from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import DIMENSIONS
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.pickers import metric_picker, period_picker
from vocsrc.ui.tables import segment_columns
from vocsrc.ui.widgets import chart_with_downloads, freshness_note

ensure_navigation()

filters = current_filters()
st.title("Segments")
freshness_note()
c1, c2, c3 = st.columns([2, 2, 1])
with c1:
    metric = metric_picker("seg_metric", ("nps", "csat", "ces", "stars"))
dim = c2.selectbox("Compare", segments.DIMENSIONS_COMPARED, format_func=DIMENSIONS.get, key="seg_dim")
with c3:
    grain = period_picker("seg_grain")

table = query(segments.segment_table, filters, metric, dim)
if table.empty:
    st.info("No responses with this metric match the filters.")
    st.stop()
order = st.radio("Sort by", list(segments.SORTS), horizontal=True, key="seg_sort")
shown = segments.sorted_table(table, order)
st.dataframe(shown, width="stretch", hide_index=True, column_config=segment_columns(metric))
st.caption(f"n = {int(table['n'].sum()):,} responses · {filters.describe()} · headline with its 95% interval "
           "(adjusted Wald for NPS, Wilson for shares, t for means); 'differs from the rest' = group against "
           "everyone else, adjusted-Wald or two-proportion z test, Benjamini-Hochberg at 5% across the groups; "
           "lean = (middle comments positive − negative) ÷ middle comments; grey rows have n < 30")

trends = query(segments.segment_trends, filters, metric, dim, grain)
if not trends.empty:
    unit = table["unit"].iloc[0]
    caption = (f"n = {int(trends['n'].sum()):,} · by {grain} · triangles: change from the previous {grain} "
               "beyond noise after Benjamini-Hochberg across every segment and period; hollow grey points: "
               f"fewer than {MIN_N_SHARE} responses, too few to rely on (n in the tooltip)")
    chart_with_downloads(charts.segment_small_multiples(trends, caption, unit=unit,
                                                        title=f"{DIMENSIONS[dim]}: headline by {grain}"),
                         f"segments_{metric}_{dim}")
