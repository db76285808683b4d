"""Method: how scores and themes are made, which engine made them, and how well they agree with people."""

import streamlit as st

st.title("Method")
