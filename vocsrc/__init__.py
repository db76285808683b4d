"""Voice-of-customer library: store, ingest, scoring, metrics, briefing packs.

Everything here is plain Python; only ``vocsrc.ui`` imports Streamlit.
"""

__version__ = "0.1.0"
