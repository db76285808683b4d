"""Customers as the unit: how many customers, how many really happy, who moved up or down."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import customers
from vocsrc.ui.data import query
from vocsrc.ui.filters import current_filters
from vocsrc.ui.pickers import metric_picker
from vocsrc.ui.widgets import freshness_note

ensure_navigation()

filters = current_filters()
st.title("Customers")
st.write("Counted in customers, not responses: each customer counts once, by their latest answer.")
freshness_note()
metric = metric_picker("cust_metric", ("nps", "csat", "ces", "stars"))
total, by = query(customers.customer_summary, filters, metric, "function")
if not total.get("customers"):
    st.info("No responses with a customer id match these filters.")
    st.stop()
cols = st.columns(4)
cols[0].metric("Customers heard from", f"{int(total['customers']):,}",
               help=f"from {int(total['responses']):,} responses with a customer id")
cols[1].metric(f"Customers really happy ({total['top_box']})", f"{total['really_happy_share']:.0%}",
               help=f"95% Wilson interval {total['really_happy_low']:.0%} to {total['really_happy_high']:.0%}, "
                    "latest answer per customer")
cols[2].metric("Customers moved up a band", f"{int(total['moved_up']):,}",
               help=f"of {int(total['repeat_customers']):,} customers with two or more answers in the period")
cols[3].metric("Customers moved down a band", f"{int(total['moved_down']):,}",
               help=f"of {int(total['repeat_customers']):,} customers with two or more answers in the period")
st.caption(f"n = {int(total['customers']):,} customers ({int(total['responses']):,} responses; "
           f"{total['responses_without_id']:,} responses without a customer id are not counted) · "
           f"{filters.describe()} · latest answer per customer; movement compares each customer's first and latest "
           "answer in the period")

st.subheader("By business function")
st.dataframe(customers.presentable(by), width="stretch", hide_index=True)
st.caption("Each customer is counted in the function of their latest answer. Shares are of customers, "
           "with 95% Wilson intervals.")
