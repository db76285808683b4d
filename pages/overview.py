"""Overview: what is in the store, by kind, source, function and month."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import charts, queries
from vocsrc.briefing.periods import partial_note, partial_periods
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.widgets import chart_with_downloads, freshness_note

ensure_navigation()

filters = current_filters()
st.title("Overview")
freshness_note()

t = query(queries.totals, filters)
cols = st.columns(5)
cols[0].metric("Responses and items", f"{t['rows']:,}")
cols[1].metric("Survey responses", f"{t['by_kind']['survey']:,}")
cols[2].metric("Reviews", f"{t['by_kind']['review']:,}")
cols[3].metric("Complaints", f"{t['by_kind']['complaint']:,}")
cols[4].metric("Distinct customers", f"{query(queries.distinct_customers, filters):,}",
               help="Customers with a customer id; one customer may give many responses.")
period = f"{t['first']:%Y-%m-%d} to {t['last']:%Y-%m-%d}" if t["first"] else "no dated rows"
st.caption(f"n = {t['rows']:,} rows ({t['with_text']:,} with text); period {period}; "
           f"filters: {filters.describe()}. Counts of rows as imported."
           + (f" {t['undated']:,} rows have no date and are left out of the monthly chart." if t["undated"] else ""))

monthly = query(queries.counts_by_month, filters)
if monthly.empty:
    st.info("No dated rows match these filters.")
else:
    first, last = filters.window(*query(queries.date_bounds))
    partial = partial_periods(monthly["month"].dt.strftime("%Y-%m").unique(), first, last)
    chart = charts.volume_by_month(monthly, caption=f"Rows by month and kind · n = {int(monthly['count'].sum()):,} · "
                                   f"{period}" + (f" · {partial_note(partial, first, last)}" if partial else ""),
                                   partial=partial)
    chart_with_downloads(chart, "volume_by_month")

left, right = st.columns(2)
for box, dim, label in ((left, "source", "By source"), (right, "function", "By business function")):
    with box:
        st.subheader(label)
        st.dataframe(query(queries.counts_by, filters, dim), width="stretch")
left, right = st.columns(2)
for box, dim, label in ((left, "channel", "By channel"), (right, "region", "By region")):
    with box:
        st.subheader(label)
        st.dataframe(query(queries.counts_by, filters, dim), width="stretch")
