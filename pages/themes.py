"""Themes: volume and sentiment per theme, impact on NPS, verbatims, and discovery of new themes."""

import streamlit as st

st.title("Themes")
