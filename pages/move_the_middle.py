"""Move the middle: the whole distribution, how bands moved, and the middle split by its words."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import charts, middle, queries
from vocsrc.stats import describe_headroom, headroom
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.pickers import metric_picker, period_picker, text_score_note
from vocsrc.ui.widgets import chart_with_downloads, freshness_note, verbatim_list

ensure_navigation()

filters = current_filters()
st.title("Move the middle")
st.write("NPS looks only at the extremes. Here is the whole spread, how it moved, and what the "
         "middle (passives, 3-star reviews, CSAT 3s) says it would take to move up.")
freshness_note()
c1, c2 = st.columns([2, 1])
with c1:
    metric = metric_picker()
with c2:
    grain = period_picker()

dist = query(middle.period_distribution, filters, metric, grain)
if dist.empty:
    st.info("No responses with this metric match the filters.")
    st.stop()
n_all = int(dist["count"].sum())
periods = sorted(dist["period"].unique())
method = "share of responses per band" + (f"; {text_score_note()}" if metric == "sentiment" else "")
caption = f"n = {n_all:,} · {periods[0]} to {periods[-1]} · {method}; faded bars have n < 30"
chart_with_downloads(charts.distribution_over_time(dist, metric, caption), f"distribution_{metric}")

steps = middle.describe_steps(query(middle.step_change, filters, metric), metric) if metric != "sentiment" else []
if steps:
    st.markdown("**When the middle moved:** " + " ".join(steps[:1]))
    st.caption("Each month's next six months against its previous six, two-proportion z test, "
               "Benjamini-Hochberg across the months scanned")

st.header("What changed between two periods")
c1, c2 = st.columns(2)
first, second = middle.default_pair(periods, grain, query(queries.date_bounds)[1])
a = c1.selectbox("From", periods, index=first, key="cmp_a")
b = c2.selectbox("To", periods, index=second, key="cmp_b",
                 help="The last period is left out by default when the data does not yet reach its end.")
cmp = query(middle.compare_periods, filters, metric, grain, a, b)
for sentence in cmp.sentences:
    st.markdown(f"- {sentence}")
if cmp.a is not None:
    caption = (f"n = {cmp.a.n:,} ({a}) and {cmp.b.n:,} ({b}) · two-proportion z test per band, "
               "adjusted-Wald z test for NPS · 95%")
    chart_with_downloads(charts.migration_chart(cmp.migration, metric, caption), f"migration_{metric}")

if metric == "sentiment":
    st.caption("The middle of text sentiment is the neutral comments; choose a score metric to split "
               "its middle by what the comments say.")
    st.stop()

st.header("The movable middle")
split = query(middle.movable_middle, filters, metric)
if split.n_with_text == 0:
    st.info("No comments from the middle band in this selection.")
else:
    cols = st.columns(4)
    cols[0].metric("Middle responses", f"{split.n_middle:,}")
    for col, lean in zip(cols[1:], ("leaning up", "no clear lean", "leaning down")):
        share = split.counts[lean] / split.n_with_text
        col.metric(lean.capitalize(), f"{share:.0%}", help=f"{split.counts[lean]:,} of {split.n_with_text:,} "
                   "middle responses with a comment")
    st.caption(f"n = {split.n_with_text:,} middle responses with a comment · {filters.describe()} · "
               f"lean = {text_score_note()} (positive = leaning up)")
    cond = middle.band_condition(metric, split.band)
    up, down = st.tabs(["Leaning up", "Leaning down"])
    with up:
        verbatim_list(query(middle.verbatims, filters, cond, 6, 7, "cx", "positive"))
    with down:
        verbatim_list(query(middle.verbatims, filters, cond, 6, 7, "cx", "negative"))

st.header("Headroom")
share = st.slider("Share of the middle that moves to the top band", 0, 50, 10, step=5, format="%d%%")
st.markdown(describe_headroom(headroom(metric, query(middle.total_distribution, filters, metric), share / 100)))
st.caption(f"n = {n_all:,} · {periods[0]} to {periods[-1]} · arithmetic on the observed band counts, not a forecast")

st.header("What holds the middle back")
themes = query(middle.middle_themes, filters, metric)
if themes.empty:
    st.info("Too few themed comments to compare the middle with the top band.")
else:
    st.dataframe(themes[["theme", "middle_share", "top_share", "difference", "p_value", "over_represented"]],
                 width="stretch", hide_index=True, column_config={
                     "middle_share": st.column_config.NumberColumn("Middle mentioning", format="percent"),
                     "top_share": st.column_config.NumberColumn("Top band mentioning", format="percent"),
                     "difference": st.column_config.NumberColumn("Difference", format="percent"),
                     "p_value": st.column_config.NumberColumn("p", format="%.4f"),
                     "over_represented": st.column_config.CheckboxColumn("Beyond noise (BH)")})
    st.caption(f"n = {int(themes['n_middle'].iloc[0]):,} middle and {int(themes['n_top'].iloc[0]):,} top-band "
               "comments · share mentioning each theme · two-proportion z test, Benjamini-Hochberg at 5%")
