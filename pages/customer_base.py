"""Customer base: how many customers, how many active, joining and leaving, what they buy,
who was heard from, and how experience goes with value and leaving."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc.briefing.periods import partial_note, partial_periods
from vocsrc.charts import customers as charts
from vocsrc.customer_base import figures, lists, present
from vocsrc.customer_base.value import what_if_passives_promoted
from vocsrc.ui.data import deferred, query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.pickers import period_picker
from vocsrc.ui.widgets import chart_with_downloads, freshness_note, money_short

ensure_navigation()

SHOWN_ROWS = 200  # of each list on the page; the CSV holds them all
LIST_COLUMNS = {
    "customer_id": "Customer", "segment": "Segment", "region": "Region",
    "joined_at": st.column_config.DateColumn("Joined", format="YYYY-MM-DD"),
    "tenure_years": st.column_config.NumberColumn("Years with us", format="%.1f"),
    "revenue_12m": st.column_config.NumberColumn("Revenue, 12 months", format="%,.0f"),
    "latest_on": st.column_config.DateColumn("Latest", format="YYYY-MM-DD"),
    "what": "What they told us", "function": "Function", "source": "Source",
    "bad_experiences": st.column_config.NumberColumn("Bad experiences", format="%d"),
    "nps_answers": st.column_config.NumberColumn("NPS answers", format="%d"),
    "comment": st.column_config.TextColumn("Latest comment (redacted)", width="large"),
}

filters = current_filters()
st.title("Customer base")
st.write("Counted in customers from the customer file: how many we have, keep and lose, what they buy, and "
         "whether the customers we hear from look like the rest.")
freshness_note()
grain = period_picker("cb_grain")
# The lists' 'recent' slider sits further down; its value (kept by its key) is read here so the
# figures and the lists come from one call that computes them side by side.
cb, shown = query(figures.page, filters, grain, st.session_state.get("cb_days", 90), SHOWN_ROWS)
if cb.window is None or cb.empty:
    st.info("No customers match these filters. Import a customer file (Data page, preset 'crm') to see this page.")
    if cb.unmatched:
        st.caption(present.unmatched_words(cb))
    st.stop()
t, period = cb.totals, present.period_words(cb)
cols = st.columns(5)
cols[0].metric("Active customers", f"{int(t['active']):,}", help=f"as of {cb.window.as_of}")
cols[1].metric("Joined", f"{int(t['joined']):,}", help="joined in the period")
cols[2].metric("Lost", f"{int(t['lost']):,}", help=f"churn {t['churn_rate']:.1%} of the period's customers")
cols[3].metric("Revenue, last 12 months", money_short(t["revenue_active"]),
               help=f"£{t['revenue_active']:,.0f}; £{t['revenue_active'] / max(t['active'], 1):,.0f} per active customer")
cols[4].metric("Heard from", f"{t['heard_share']:.0%}" if t["heard_share"] is not None else "–",
               help=f"{int(t['heard_active']):,} active customers gave any feedback in the period")
st.caption(f"n = {int(t['customers']):,} customers (active at the start of the period or joining in it) · {period} · "
           f"{filters.describe()} · active = joined by the 'as of' date and not left by it; feedback filters "
           "choose which answers count, a region filter also picks the customers")
st.caption(present.unmatched_words(cb))

partial = partial_periods(cb.periods["period"], cb.window.start, cb.window.as_of) if cb.window else []
chart_with_downloads(charts.joins_and_leavers(
    cb.periods, f"n = {int(t['customers']):,} customers · {period} · by {grain}, from the customer file's joined "
                "and left dates" + (f" · {partial_note(partial, cb.window.start, cb.window.as_of)}" if partial else ""),
    partial=partial), f"customer_flows_{grain}")

st.subheader("Do the customers we hear from look like the base?")
st.dataframe(present.respondents_table(cb), hide_index=True, width="stretch",
             column_config={"Share with 8+ years": st.column_config.NumberColumn(format="percent")})
st.write(present.respondents_verdict(cb))
st.caption(f"n = {int(t['active']):,} active customers · {period} · heard from = any feedback in the period; "
           "revenue is the customer file's last-12-months figure; medians over every customer up to about "
           "100,000 on file, above that over a systematic sample of about 50,000")

st.subheader("Experience and value")
st.dataframe(present.band_table(cb), hide_index=True, width="stretch", column_config={
    c: st.column_config.NumberColumn(format="percent") for c in
    ("Share of revenue", "Churn", "Churn 95% from", "Churn 95% to")})
st.caption(f"n = {int(t['customers']):,} customers · {period} · {present.BAND_METHOD}; {present.CHURN_METHOD}. "
           f"{present.CAVEAT}")
chart_with_downloads(charts.churn_by_band(
    cb.by_band, f"n = {int(t['customers']):,} customers · {period} · {present.CHURN_METHOD}; faded: under 30 "
                "customers · association, not cause"), "customer_churn_by_band")
km_n = sum(s[0].at_risk for s in cb.survival.values())
if km_n:
    chart_with_downloads(charts.retention_curves(
        cb.survival, f"n = {km_n:,} customers heard from in the period · {period} · {present.KM_METHOD} · "
                     "association, not cause"), "customer_retention_by_band")

value = cb.value
passive, promoter = cb.band_row("passive"), cb.band_row("promoter")
c1, c2 = st.columns(2)
c1.metric("Revenue held by passives and detractors", f"£{value.at_stake:,.0f}",
          help=f"{value.at_stake / value.total_revenue:.0%} of active customers' yearly revenue"
          if value.total_revenue else None)
share = c2.slider("If this share of passives became promoters", 0, 100, 20, step=5, format="%d%%",
                  key="cb_share") / 100
what_if = what_if_passives_promoted(share, float(passive.get("revenue_active", 0.0)),
                                    passive.get("churn_rate"), promoter.get("churn_rate"))
st.write(what_if.sentence())
st.caption(f"n = {int(passive.get('customers', 0)):,} passives and {int(promoter.get('customers', 0)):,} promoters · "
           f"{period} · worth = share × passives' revenue × (passive churn − promoter churn), over a period as long "
           "as this one · association, not cause")

st.subheader("Loyalty and tenure")
st.dataframe(present.tenure_table(cb), hide_index=True, width="stretch", column_config={
    c: st.column_config.NumberColumn(format="percent") for c in
    (*present.BAND_LABELS.values(), "Churn in the period")})
st.caption(f"n = {int(t['active']):,} active customers · {period} · tenure = years from joining to the 'as of' "
           f"date; shares of each tenure band by latest NPS answer; {present.CHURN_METHOD}")

days = st.select_slider("Recent means the last", [30, 60, 90, 180, 365], value=90, key="cb_days",
                        format_func=lambda d: f"{d} days")
for heading, name in (("Long-standing customers with a recent bad experience: contact in person", "contact"),
                      ("Long-standing promoters: say thank you", "thank")):
    st.markdown(f"**{heading}**")
    head = shown[name]
    if not head.total:
        st.caption("Nobody in this period and filter.")
        continue
    st.dataframe(lists.redacted(head.rows), hide_index=True, width="stretch", column_config=LIST_COLUMNS)
    # The whole list is read and its CSV built only when someone asks for it.
    st.download_button(f"Download all {head.total:,} (CSV)", data=deferred(lists.export_csv, filters, name, days),
                       file_name=f"customers_to_{name}.csv", mime="text/csv", key=f"cb_dl_{name}",
                       on_click="ignore", icon=":material/download:")
    st.caption(f"n = {head.total:,} customers (first {min(head.total, SHOWN_ROWS)} shown) · last {days} days to "
               f"{cb.window.as_of} · {lists.LONG_STANDING_YEARS}+ years with us, still customers · comments "
               "redacted; the CSV neutralises spreadsheet formulas")
