"""Complaints as signals: drivers of demand, failure demand, rising drivers, repeats,
closing against deadlines, taxonomy health, promises kept, and the view across sources."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc.briefing.periods import partial_note, partial_periods
from vocsrc.charts import complaints as cc
from vocsrc.complaints import crosssource, promises, queries, signals, summary
from vocsrc.config import MIN_N_SHARE
from vocsrc.queries import date_bounds as data_bounds
from vocsrc.stats import footnote
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.widgets import chart_with_downloads, freshness_note

ensure_navigation()

# Every figure here is about complaints, so the sidebar's kind filter does not apply.
filters = current_filters().with_(kind=())
st.title("Complaints as signals")
freshness_note()
head = query(summary.headline, filters)
if not head.get("volume"):
    st.info("No complaints match these filters.")
    st.stop()
period = f"{head['first']} to {head['last']}"
notes = summary.method_note()


def pct(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


def few(n: int) -> str:
    return f"n = {n:,}" + (f" (under {MIN_N_SHARE}: not shown)" if n < MIN_N_SHARE else "")


cols = st.columns(5)
cols[0].metric("Complaints", f"{head['volume']:,}", help=f"{period}; filters: {filters.describe()}")
cols[1].metric("Failure demand", pct(head["failure_demand_share"]), help=notes["failure_demand_share"])
cols[2].metric("Closed in time", pct(head["closed_in_time_share"]), help=notes["closed_in_time_share"])
cols[3].metric("Repeat complainants", pct(head["repeat_share"]), help=notes["repeat_share"])
cols[4].metric("Broken-promise language", pct(head["broken_promise_share"]), help=promises.METHOD)
st.caption(f"{period} · failure demand {few(head['failure_demand_n'])} classed drivers · closed in time "
           f"{few(head['closed_in_time_n'])} · repeats {few(head['repeat_n'])} with a customer id"
           f" · broken promises {few(head['broken_promise_n'])} texts ({head['broken_promise_scored']:,} scored)"
           + (f" · disputed {pct(head['disputed_share'])} of {head['disputed_n']:,} with the flag"
              if head["disputed_n"] else "") + ". '—' means the data cannot tell or n is too small.")

left, mid, right = st.columns(3)
driver = left.selectbox("Driver", ["category", "sub_issue", "theme"], key="cmp_driver",
                        format_func=lambda d: {"category": "Category", "sub_issue": "Sub-issue", "theme": "Theme"}[d])
by = mid.selectbox("Split by", ["function", "channel"], key="cmp_by", format_func=str.capitalize)
per = right.selectbox("Period", ["month", "quarter", "year"], key="cmp_period", format_func=str.capitalize)

st.header("What drives complaints")
vol = query(queries.volume_over_time, filters, driver, per)
if not vol.empty:
    first, last = filters.window(*query(data_bounds))
    partial = partial_periods(vol["period"].unique(), first, last)
    method = (f"complaints per {per} by {driver.replace('_', '-')}; top 8 drivers, the rest grouped (a text with "
              "two themes counts under each)" + (f"; {partial_note(partial, first, last)}" if partial else ""))
    chart_with_downloads(cc.driver_volume_over_time(
        vol, footnote(int(vol["count"].sum()), period, method),
        title=f"Complaints by {driver.replace('_', '-')} per {per}", partial=partial), "complaints_by_driver")
st.caption(f"Volume and signals by {by} (shares 0-1; empty where the data cannot tell; flagged: drivers rising "
           f"in that {by}, {notes['flagged']})")
st.dataframe(query(summary.group_summaries, filters, by), width="stretch", hide_index=True)
for measure, label in (("failure_demand", "Failure demand"), ("closed_in_time", "Closed in time"),
                       ("repeat", "Repeat complainants")):
    frame = query(summary.shares_by, filters, by, measure)
    if frame.empty:
        st.caption(f"{label} by {by}: the data cannot tell (no complaints with what this needs).")
        continue
    note = notes[{"failure_demand": "failure_demand_share", "closed_in_time": "closed_in_time_share",
                  "repeat": "repeat_share"}[measure]]
    chart_with_downloads(cc.share_bars(
        frame, footnote(int(frame["n"].sum()), period, f"{note}; Wilson 95% intervals; grey below n = {MIN_N_SHARE}"),
        title=f"{label} by {by}", x_title=label), f"{measure}_by_{by}")

st.header("Drivers rising against their own baseline")
rising = query(signals.rising_table, filters, driver)
if rising.empty:
    st.info("Too little history to test: the test needs a latest month and at least one month before it.")
else:
    latest = rising["latest_month"].iloc[0]
    method = (f"{notes['flagged']}; latest month {latest} against the {int(rising['baseline_months'].iloc[0])} "
              f"months before; over-dispersion φ = {rising['dispersion'].iloc[0]:.2f}. "
              "Set the date filter's end to test another month.")
    chart_with_downloads(cc.rising_drivers_chart(rising, footnote(int(rising["recent"].sum()), period, method)),
                         "rising_drivers")
    st.dataframe(rising.drop(columns=["latest_month", "baseline_months"]), width="stretch", hide_index=True)

st.header("Time to close")
times = query(queries.close_times, filters)
basis = query(queries.in_time_by_source, filters)
if not times.empty:
    chart_with_downloads(cc.close_time_histogram(times, footnote(int(times["count"].sum()), period,
                         "complaints with open and close dates; dashed line: the source's deadline")), "time_to_close")
if not basis.empty:
    st.caption("How 'closed in time' was judged, per source (the CFPB export has no close date, so its own "
               "'Timely response?' verdict on the 15-day clock is used):")
    st.dataframe(basis, width="stretch", hide_index=True)

st.header("Taxonomy health")
for level in ("category", "sub_issue"):
    h = query(summary.taxonomy_health, filters, level)
    st.markdown(f"**{level.replace('_', '-').capitalize()}** · {h.in_use} in use of {h.categories} · "
                f"uncategorised {pct(h.uncategorised_share)} · largest '{h.top_name}' {pct(h.top_share)} · "
                f"alphabetically first '{h.first_name}' {pct(h.first_share)} (n = {h.total:,})")
    for w in h.warnings:
        st.warning(w)

st.header("Promises kept")
kept = query(promises.promise_kept, filters, by)
if kept.empty:
    st.caption("No due dates or closing information: promise-kept % cannot be measured on these complaints.")
else:
    chart_with_downloads(cc.share_bars(
        kept.rename(columns={"group": by}), footnote(int(kept["n"].sum()), period,
        "kept = closed by the due date (open past it = broken); the 12 groups with most promises; "
        f"Wilson 95% intervals; grey below n = {MIN_N_SHARE}"),
        title=f"Promises kept by {by} and type", x_title="Kept", row=by, facet="promise_type"), "promises_kept")
bp = query(promises.broken_promise_counts, filters, by)
st.caption(f"Broken-promise language by {by} ({promises.METHOD}); precision and recall on 220 hand-labelled "
           "CFPB narratives are in tests/data/README.md.")
st.dataframe(bp, width="stretch", hide_index=True)
with st.expander("Examples flagged as broken promises"):
    st.dataframe(query(promises.broken_promise_examples, filters), width="stretch", hide_index=True)

st.header("Across sources, per theme")
cross = query(crosssource.theme_cross_source, filters)
if cross.empty:
    st.caption("No theme-tagged texts yet.")
else:
    st.caption(f"{period} · complaints per theme beside survey impact (mean 0-100 score gap, comments with the "
               "theme minus without; Welch z) and review impact (mean stars gap). 'Silent' = not significantly "
               f"below zero at 95%, or fewer than {MIN_N_SHARE} comments.")
    st.dataframe(cross, width="stretch", hide_index=True)
