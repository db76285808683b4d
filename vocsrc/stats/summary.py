"""One metric's distribution summarised: band shares, headline, top box, mean.

``summarize`` is what pages, charts and packs call; everything in the result
carries its interval, n and the name of the method, so no figure travels alone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from vocsrc.config import MIN_N_SHARE
from vocsrc.stats.compare import band_counts
from vocsrc.stats.intervals import Z95, NpsResult, confidence_of, mean_interval, mean_sd, nps_adjusted_wald, wilson
from vocsrc.stats.metrics import SENTIMENT_TOP_BOX_AT, Metric, Tone, get_metric, sentiment_label


@dataclass(frozen=True)
class Estimate:
    """A figure with its interval. ``unit`` says how to read value/low/high:
    "share" = proportion 0..1, "points" = NPS points, "stars" = mean stars."""

    label: str
    value: float
    low: float
    high: float
    n: int
    unit: str
    method: str
    solid: bool

    @property
    def margin(self) -> float:
        return max(self.value - self.low, self.high - self.value)


@dataclass(frozen=True)
class BandShare:
    key: str
    label: str
    tone: Tone
    count: int
    share: Estimate


@dataclass(frozen=True)
class MetricSummary:
    metric: str
    n: int
    distribution: dict[int | str, int]
    bands: tuple[BandShare, ...]
    headlines: tuple[Estimate, ...]  # first is the headline; stars add % 4-5, sentiment % negative
    really_happy: Estimate | None  # None for sentiment when no compound scores were given
    mean: float | None  # None for sentiment (labels have no mean)
    sd: float | None
    solid: bool
    min_n: int
    nps: NpsResult | None = field(default=None)

    @property
    def headline(self) -> Estimate:
        return self.headlines[0]

    def band(self, key: str) -> BandShare:
        for b in self.bands:
            if b.key == key:
                return b
        raise KeyError(f"{self.metric} has no band {key!r}")


def _pct_label(z: float) -> str:
    return f"{round(100 * confidence_of(z))}%"


def share_estimate(label: str, k: int, n: int, z: float = Z95, min_n: int = MIN_N_SHARE) -> Estimate:
    p, low, high = wilson(k, n, z)
    return Estimate(label, p, low, high, n, "share", f"Wilson {_pct_label(z)} interval", n >= min_n)


def summarize(
    metric: str | Metric,
    distribution: Mapping[int | str, int],
    *,
    min_n: int = MIN_N_SHARE,
    z: float = Z95,
    top_box_count: int | None = None,
) -> MetricSummary:
    """Summarise a score -> count distribution (sentiment: label -> count).

    Sentiment's top box is "compound >= SENTIMENT_TOP_BOX_AT", which labels
    cannot show: pass ``top_box_count`` (see ``sentiment_distribution``) or the
    really-happy share is None. For other metrics ``top_box_count`` is ignored.
    """
    m = get_metric(metric)
    dist: dict[int | str, int] = {s: 0 for s in m.scores}
    for score, count in distribution.items():
        if score not in dist:
            raise ValueError(f"{m.key}: score {score!r} is outside the scale {m.scores[0]}..{m.scores[-1]}")
        if count < 0:
            raise ValueError(f"{m.key}: negative count {count} for score {score!r}")
        dist[score] += int(count)
    n = sum(dist.values())
    counts = band_counts(m, dist)
    solid = n >= min_n
    bands = tuple(
        BandShare(b.key, b.label, b.tone, counts[b.key], share_estimate(b.label, counts[b.key], n, z, min_n))
        for b in m.bands
    )

    nps_result = None
    headline_k = sum(counts[k] for k in m.headline_bands)
    if m.headline == "nps":
        nps_result = nps_adjusted_wald(counts["promoter"], counts["detractor_0_4"] + counts["detractor_5_6"], n, z)
        headlines: tuple[Estimate, ...] = (
            Estimate(
                "NPS", nps_result.nps, nps_result.low, nps_result.high, n, "points",
                f"adjusted Wald {_pct_label(z)} interval", solid,
            ),
        )
    elif m.headline == "share":
        headlines = (share_estimate(m.headline_label, headline_k, n, z, min_n),)
        if m.key == "sentiment":
            headlines += (share_estimate("% negative comments", counts["negative"], n, z, min_n),)
    else:  # mean_and_share
        numeric = {int(s): c for s, c in dist.items()}
        mi = mean_interval(numeric, z, bounds=(float(m.scores[0]), float(m.scores[-1])))
        headlines = (
            Estimate(m.headline_label, mi.mean, mi.low, mi.high, n, "stars",
                     mi.method, solid),
            share_estimate("% 4-5 stars", headline_k, n, z, min_n),
        )

    if m.top_box:
        really = share_estimate(f"Really happy ({m.top_box_label})", sum(dist[s] for s in m.top_box), n, z, min_n)
    elif top_box_count is not None:
        if not 0 <= top_box_count <= counts["positive"]:
            raise ValueError(f"top_box_count {top_box_count} must be between 0 and the positive count {counts['positive']}")
        really = share_estimate(f"Really happy ({m.top_box_label})", top_box_count, n, z, min_n)
    else:
        really = None

    mean = sd = None
    if m.numeric:
        mean, sd, _ = mean_sd({int(s): c for s, c in dist.items()})
    return MetricSummary(m.key, n, dist, bands, headlines, really, mean, sd, solid, min_n, nps_result)


def sentiment_distribution(compounds: Iterable[float]) -> tuple[dict[str, int], int]:
    """VADER compound scores -> (label -> count, count at or above the top-box cut-off)."""
    dist = {"negative": 0, "neutral": 0, "positive": 0}
    top = 0
    for c in compounds:
        if c is None or (isinstance(c, float) and math.isnan(c)):
            continue  # no text, no sentiment: not a neutral vote
        dist[sentiment_label(c)] += 1
        top += c >= SENTIMENT_TOP_BOX_AT
    return dist, top
