"""Themes: volume and sentiment per theme, impact on NPS, verbatims, and discovery of new themes."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import queries
from vocsrc.briefing.periods import partial_note, partial_periods
from vocsrc.config import MIN_N_SHARE
from vocsrc.charts.themes import impact_chart, theme_heatmap
from vocsrc.stats import footnote
from vocsrc.themes import queries as tq
from vocsrc.ui.data import query
from vocsrc.ui.discovery import bank_or_stop, discovery_section
from vocsrc.ui.filters import current_filters, period_label
from vocsrc.ui.pickers import text_score_note
from vocsrc.ui.widgets import chart_with_downloads, freshness_note, verbatim_list

ensure_navigation()

filters = current_filters()
bank = bank_or_stop()
names = tq.theme_labels(bank)
descriptions = {t.key: t.description for t in bank.themes}
st.title("Themes")
st.write("What customers write about, how they feel about it, and what each theme does to NPS. One theme "
         "bank tags surveys, reviews and complaints alike; a comment can mention several themes.")
freshness_note()
bounds = query(queries.date_bounds)
period = period_label(filters, *bounds)
SPLITS = {"quarter": "Quarter", "month": "Month", "function": "Business function", "source": "Source"}
COLOURS = {"mentions": "Comments mentioning it", "share_negative": "Share negative",
           "share_positive": "Share positive"}

totals = query(tq.theme_volume, filters, None)
n_comments = query(tq.comment_count, filters)
if totals.empty:
    st.info("No comments in this selection mention a theme.")
    st.stop()
c1, c2 = st.columns(2)
by = c1.segmented_control("Break down by", list(SPLITS), format_func=SPLITS.get, default="quarter",
                          key="th_by") or "quarter"
value = c2.segmented_control("Colour by", list(COLOURS), format_func=COLOURS.get, default="mentions",
                             key="th_value") or "mentions"
volume = query(tq.theme_volume, filters, by)
first, last = filters.window(*bounds)
partial = partial_periods(volume["group"].unique(), first, last)
method = "; ".join(part for part in (
    f"comments mentioning each theme per {SPLITS[by].lower()}; share negative/positive of those, {text_score_note()}",
    f"grey: fewer than {MIN_N_SHARE} labelled comments" if value != "mentions" else "",
    partial_note(partial, first, last)) if part)
chart_with_downloads(theme_heatmap(volume, footnote(n_comments, period, method), value,
                                   title=f"Themes by {SPLITS[by].lower()}: {COLOURS[value].lower()}",
                                   labels=names, by_label=SPLITS[by], partial=partial), f"themes_by_{by}_{value}")

table = totals.assign(theme=totals["theme"].map(lambda k: names.get(k, k))).sort_values("mentions", ascending=False)
# The count behind the shares only differs from Comments while new texts are being scored.
columns = ["theme", "mentions", "share_of_comments", "share_negative", "share_positive"]
if not (table["labelled"] == table["mentions"]).all():
    columns.append("labelled")
st.dataframe(table[columns],
             width="stretch", hide_index=True, column_config={
                 "theme": "Theme", "mentions": st.column_config.NumberColumn("Comments", format="%d"),
                 "share_of_comments": st.column_config.NumberColumn("Of all comments", format="percent"),
                 "share_negative": st.column_config.NumberColumn("Negative", format="percent"),
                 "share_positive": st.column_config.NumberColumn("Positive", format="percent"),
                 "labelled": st.column_config.NumberColumn(
                     "Scored", format="%d",
                     help="Comments with a sentiment score: the n behind Negative and Positive "
                          "(fewer than Comments while new texts are still being scored)")})
st.caption(footnote(n_comments, period, f"comments in the selection ({filters.describe()}); a comment counts "
                    f"once under each theme it mentions; {text_score_note()}"))

st.header("Impact on NPS")
impact = query(tq.nps_impact, filters)
if impact.empty:
    st.info("No NPS responses with a themed comment in this selection.")
else:
    shown = impact.assign(theme=impact["theme"].map(lambda k: names.get(k, k)))
    n_all = int(impact["n_all"].iloc[0])
    chart_with_downloads(impact_chart(shown, footnote(
        n_all, period, "NPS of all responses minus NPS without those mentioning the theme; 95% interval from "
        "adjusted-Wald NPS of the two groups; faded: not beyond noise (Benjamini-Hochberg at 5%, or fewer "
        "than 100 responses on a side)")), "theme_impact_nps")
    st.caption("Read a bar as: without the responses mentioning this theme, NPS would be this many points "
               "higher (bar to the left) or lower (bar to the right).")

st.header("What people say")
ranked = totals.sort_values("mentions", ascending=False)["theme"].tolist()
theme = st.selectbox("Theme", ranked, format_func=lambda k: names.get(k, k), key="th_theme")
row = totals.set_index("theme").loc[theme]
verbatims = query(tq.balanced_verbatims, filters, theme, 4)
neg, pos = verbatims[verbatims["side"] == "negative"], verbatims[verbatims["side"] == "positive"]
st.caption(f"{descriptions.get(theme, 'No longer in the theme bank')} · n = {int(row['mentions']):,} comments mention it, "
           f"{int(row['negative']):,} negative and {int(row['positive']):,} positive ({text_score_note()}) · "
           f"{period}. A reproducible sample, as many positive as negative; the sentence that carries the "
           "sentiment is in bold; personal data redacted.")
left, right = st.columns(2)
with left:
    st.subheader("Negative")
    verbatim_list(neg)
with right:
    st.subheader("Positive")
    verbatim_list(pos)

st.header("Suggest candidate themes")
discovery_section(filters, bank)
