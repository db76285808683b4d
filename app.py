"""Entry point: page list, first-start demo build and the shared sidebar filters."""

import streamlit as st

from vocsrc.ui.data import ensure_store, unscored_notice
from vocsrc.ui.filters import sidebar_filters

st.set_page_config(page_title="Voice of the customer", page_icon=":material/forum:", layout="wide")

DATA = st.Page("pages/data.py", title="Data", icon=":material/upload_file:")
PAGES = {
    "Explore": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/move_the_middle.py", title="Move the middle", icon=":material/swap_vert:"),
        st.Page("pages/score_vs_text.py", title="Score versus text", icon=":material/compare_arrows:"),
        st.Page("pages/segments.py", title="Segments", icon=":material/view_module:"),
        st.Page("pages/customers.py", title="Customers", icon=":material/group:"),
        st.Page("pages/customer_base.py", title="Customer base", icon=":material/groups:"),
        st.Page("pages/themes.py", title="Themes", icon=":material/label:"),
        st.Page("pages/complaints.py", title="Complaints", icon=":material/report:"),
    ],
    "Share": [
        st.Page("pages/briefing.py", title="Briefing", icon=":material/summarize:"),
    ],
    "Manage": [
        DATA,
        st.Page("pages/method.py", title="Method", icon=":material/science:"),
    ],
}

page = st.navigation(PAGES)
ensure_store()
sidebar_filters()
if page is not DATA:  # the Data page says it in its Scoring section, with the button
    unscored_notice()
page.run()
