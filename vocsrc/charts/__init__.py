"""Altair builders: data in, chart out; one palette, one band order.

Every builder takes a ``caption`` (n, period, method; see
``vocsrc.stats.footnote``) and puts it under the title, so an exported PNG
carries it. No streamlit here: pages call ``st.altair_chart`` on the result.
"""

from vocsrc.charts.bands import band_share_bars, band_table, distribution_over_time, migration_chart
from vocsrc.charts.disagreement import disagreement_trend
from vocsrc.charts.export import chart_to_png, chart_to_svg
from vocsrc.charts.impact import theme_impact
from vocsrc.charts.style import BAND_COLOURS, KIND_COLOURS, TONE_COLOURS, band_scale
from vocsrc.charts.trends import headline_trend, segment_small_multiples, trend_frame, volume_by_month

__all__ = [
    "BAND_COLOURS",
    "KIND_COLOURS",
    "TONE_COLOURS",
    "band_scale",
    "band_share_bars",
    "band_table",
    "chart_to_png",
    "chart_to_svg",
    "disagreement_trend",
    "distribution_over_time",
    "headline_trend",
    "migration_chart",
    "segment_small_multiples",
    "theme_impact",
    "trend_frame",
    "volume_by_month",
]
