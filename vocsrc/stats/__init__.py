"""NPS/CSAT/CES/stars/sentiment maths: pure functions of counts.

No pandas, no streamlit, no clocks. Import from here; the submodules are
``metrics`` (definitions as data), ``intervals``, ``compare`` (tests, BH,
decomposition, headroom), ``summary`` (MetricSummary) and ``sentences``.
"""

from vocsrc.stats.compare import (
    BandChange,
    Headroom,
    NpsChange,
    NpsDecomposition,
    ShareChange,
    band_counts,
    benjamini_hochberg,
    bh_adjusted_pvalues,
    decompose_nps_change,
    headroom,
    nps_change_test,
    two_share_test,
)
from vocsrc.stats.intervals import (
    Z95,
    MeanResult,
    NpsResult,
    mean_interval,
    mean_sd,
    nps_adjusted_wald,
    nps_wald_margin,
    p_value_two_sided,
    t_quantile,
    wilson,
    z_for,
)
from vocsrc.stats.metrics import (
    CES,
    CSAT,
    METRICS,
    NPS,
    SENTIMENT,
    SENTIMENT_TOP_BOX_AT,
    STARS,
    Band,
    Metric,
    all_band_tones,
    get_metric,
    sentiment_label,
)
from vocsrc.stats.sentences import (
    describe_band_change,
    describe_estimate,
    describe_headroom,
    describe_nps_change,
    describe_share_change,
    describe_summary,
    fmt_pct,
    fmt_points,
    footnote,
    round_half_up,
)
from vocsrc.stats.summary import BandShare, Estimate, MetricSummary, sentiment_distribution, share_estimate, summarize

__all__ = [name for name in dir() if not name.startswith("_")]
