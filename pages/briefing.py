"""Briefing: one function's pack for one period against the one before; read it, edit the
actions log, download it as HTML, PDF, PowerPoint or Markdown."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import queries
from vocsrc.briefing.periods import parse_period, recent_periods
from vocsrc.privacy import escape_markdown as esc
from vocsrc.ui.briefing import actions_editor, customers, download_buttons, figure_caption, get_pack, verbatims
from vocsrc.ui.data import query
from vocsrc.ui.widgets import chart_with_downloads

ensure_navigation()

st.title("Briefing")
st.write("A pack for a customer advocate to take to their team: what customers said about one function "
         "this period against the last, in plain words, with every figure's n, period and method.")

functions = query(queries.distinct_values, "function")
_, latest = query(queries.date_bounds)
if not functions or latest is None:
    st.info("No feedback with a business function in the store yet.")
    st.stop()
c1, c2, c3 = st.columns([2, 1, 2])
function = c1.selectbox("Function", functions, key="brief_function")
grain = c2.segmented_control("Period", ["quarter", "month"], default="quarter", key="brief_grain") or "quarter"
options = recent_periods(latest, grain, 8 if grain == "quarter" else 12)
period = c3.selectbox("Which " + grain, options, index=0 if parse_period(options[0]).end <= latest else 1,
                      key="brief_period", help="Compared with the " + grain + " before it. The newest one "
                      "still running is listed first; the last complete one is chosen.")
include_text = not st.toggle("Leave free text out", key="brief_no_text",
                             help="No customer comments on screen or in any download.")

pack = get_pack(function, period, include_text)
st.subheader(pack.title)
st.caption(esc(pack.subtitle))
download_buttons(function, period, include_text)

st.header("Headlines")
for h in pack.headlines:
    st.markdown(f"- {esc(' '.join((h.sentence, *h.extra)))}")
    figure_caption(h.current)
if not pack.headlines:
    st.info("No scored responses for this function in this period.")

st.header("The whole distribution and how the middle moved")
for s in pack.middle_sentences:
    st.markdown(f"- {esc(s)}")
for name in ("distribution", "migration", "trend"):
    if spec := pack.chart(name):
        chart_with_downloads(spec.chart, f"brief_{name}")

st.header("What changed (beyond noise only)")
for s in pack.changes:
    st.markdown(f"- {esc(s)}")

st.header("Themes by impact")
if spec := pack.chart("themes"):
    chart_with_downloads(spec.chart, "brief_themes")
if pack.middle_themes:
    st.markdown("**What holds the middle back**")
    for m in pack.middle_themes:
        st.markdown(f"- {esc(m.theme.replace('_', ' '))}: {m.middle_share.fmt()} of the middle against "
                    f"{m.top_share.fmt()} of the top band" + (", beyond noise" if m.beyond_noise else ""))
    figure_caption(pack.middle_themes[0].middle_share)

st.header("Complaints")
if pack.complaints is None:
    st.caption("No complaints in either period.")
else:
    for s in pack.complaints.sentences:
        st.markdown(f"- {esc(s)}")
    cols = st.columns(max(len(pack.complaints.shares), 1))
    for col, f in zip(cols, pack.complaints.shares):
        col.metric(f.label, f.fmt(), help=f.footnote)
    if spec := pack.chart("complaints"):
        chart_with_downloads(spec.chart, "brief_complaints")

if pack.customers is not None:
    st.header("Our customers")
    customers(pack)

st.header("In their words")
verbatims(pack)

st.header("Questions to take back to your team")
for i, q in enumerate(pack.questions, 1):
    st.markdown(f"{i}. {esc(q.text)}")
    st.caption(f"Because: {esc(q.because)}")

st.header("You said, we did")
actions_editor(pack)

with st.expander("How to read this"):
    for n in pack.notes:
        st.markdown(f"- {esc(n)}")
