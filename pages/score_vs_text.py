"""Score versus text: where what customers wrote disagrees with the score they gave."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import charts, middle
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.pickers import period_picker, text_score_note
from vocsrc.ui.widgets import chart_with_downloads, freshness_note, verbatim_list

ensure_navigation()

filters = current_filters()
st.title("Score versus text")
st.write("Promoters and 4-5-star reviewers whose words are negative are at risk; 3-star reviews with "
         "negative words are hidden detractors; passives with positive words are the easiest to lift.")
freshness_note()
grain = period_picker("svt_grain")
frame = query(middle.score_vs_text, filters, "cx", grain)
if frame.empty:
    st.info("No scored comments match these filters.")
    st.stop()
totals = middle.disagreement_totals(frame)
cols = st.columns(3)
for col, (name, row) in zip(cols * 2, totals.iterrows()):
    col.metric(middle.short_label(name), f"{int(row['count']):,}",
               help=f"{name}: {int(row['count']):,} of {int(row['base']):,} in the score range with a comment "
                    f"({row['share']:.1%})")
periods = sorted(frame["period"].unique())
caption = (f"n = {int(totals['base'].sum()):,} scored comments · {periods[0]} to {periods[-1]} · "
           f"{text_score_note()}; share of each score range whose text disagrees")
chart_with_downloads(charts.disagreement_trend(frame, caption), "score_vs_text")

group = st.selectbox("Show comments from", list(middle.DISAGREEMENTS), key="svt_group")
cond, label = middle.DISAGREEMENTS[group]
verbatim_list(query(middle.verbatims, filters, cond, 10, 7, "cx", label))
st.caption(f"A reproducible sample of 10 · personal data redacted · {text_score_note()}")
