"""The only part of vocsrc that imports Streamlit: store access, filters, shared widgets."""
