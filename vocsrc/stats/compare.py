"""Did it change? Tests between two periods or groups, false discovery control,
and the split of an NPS change into its bands.

Convention throughout: ``a`` is the earlier period (or the reference group),
``b`` the later one, and every difference is b - a, so positive means "rose".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vocsrc.config import MIN_N_COMPARE
from vocsrc.stats.intervals import Z95, NpsResult, nps_adjusted_wald, p_value_two_sided, wilson
from vocsrc.stats.metrics import NPS, Metric, get_metric


@dataclass(frozen=True)
class NpsChange:
    """Change in NPS (points), tested on adjusted-Wald values on both sides."""

    a: NpsResult
    b: NpsResult
    diff: float  # plain NPS b - a, what a reader sees
    diff_adj: float  # NPS'b - NPS'a, what the test uses
    se: float
    z: float
    p_value: float
    low: float
    high: float
    significant: bool
    solid: bool  # both sides have at least min_n responses

    @property
    def rose(self) -> bool:
        return self.diff > 0


def _as_nps(x: NpsResult | tuple[int, int, int], z: float) -> NpsResult:
    return x if isinstance(x, NpsResult) else nps_adjusted_wald(*x, z=z)


def nps_change_test(
    a: NpsResult | tuple[int, int, int],
    b: NpsResult | tuple[int, int, int],
    z: float = Z95,
    min_n: int = MIN_N_COMPARE,
) -> NpsChange:
    """z = (NPS'b - NPS'a) / sqrt(SE'a^2 + SE'b^2) (MeasuringU; methodology note).

    ``a``/``b`` are ``nps_adjusted_wald`` results or (promoters, detractors, n).
    A naive test on promoters alone would understate the variance, so don't.
    """
    ra, rb = _as_nps(a, z), _as_nps(b, z)
    se = math.hypot(ra.se_adj, rb.se_adj)
    diff_adj = rb.nps_adj - ra.nps_adj
    zstat = diff_adj / se
    return NpsChange(
        a=ra,
        b=rb,
        diff=rb.nps - ra.nps,
        diff_adj=diff_adj,
        se=se,
        z=zstat,
        p_value=p_value_two_sided(zstat),
        low=diff_adj - z * se,
        high=diff_adj + z * se,
        significant=abs(zstat) >= z,
        solid=min(ra.n, rb.n) >= min_n,
    )


@dataclass(frozen=True)
class ShareChange:
    """Change in a share (proportions, 0..1): b - a with a Newcombe interval."""

    k_a: int
    n_a: int
    k_b: int
    n_b: int
    share_a: float
    share_b: float
    diff: float
    low: float
    high: float
    z: float
    p_value: float
    significant: bool
    solid: bool


def two_share_test(
    k_a: int, n_a: int, k_b: int, n_b: int, z: float = Z95, min_n: int = MIN_N_COMPARE
) -> ShareChange:
    """Two-proportion z test (pooled SE) with Newcombe's hybrid Wilson interval.

    The pooled SE is the textbook test under "no change"; the interval comes from
    the two Wilson intervals (Newcombe 1998, method 10), which unlike the plain
    Wald difference behaves at small n and near 0% or 100%.
    """
    pa, la, ua = wilson(k_a, n_a, z)
    pb, lb, ub = wilson(k_b, n_b, z)
    if n_a == 0 or n_b == 0:
        return ShareChange(k_a, n_a, k_b, n_b, pa, pb, math.nan, -1.0, 1.0, 0.0, 1.0, False, False)
    pooled = (k_a + k_b) / (n_a + n_b)
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    diff = pb - pa
    zstat = diff / se0 if se0 > 0 else 0.0
    low = diff - math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2)
    high = diff + math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)
    return ShareChange(
        k_a=k_a,
        n_a=n_a,
        k_b=k_b,
        n_b=n_b,
        share_a=pa,
        share_b=pb,
        diff=diff,
        low=low,
        high=high,
        z=zstat,
        p_value=p_value_two_sided(zstat),
        significant=abs(zstat) >= z,
        solid=min(n_a, n_b) >= min_n,
    )


# --- many tests at once ----------------------------------------------------


def bh_adjusted_pvalues(pvalues: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values ("q-values"), in the input order.

    p_adj(i) = min over j >= i (in ascending order) of p(j) * m / j, capped at 1.
    """
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        adjusted[i] = min(1.0, running)
    return adjusted


def benjamini_hochberg(pvalues: Sequence[float], q: float = 0.05) -> list[bool]:
    """Which of many tests to call a discovery, keeping the false discovery rate at q.

    Use it whenever a page scans every function or every theme: at 20 tests and
    5% each, one "significant" change is expected from noise alone.
    """
    return [p <= q for p in bh_adjusted_pvalues(pvalues)]


# --- where did the middle go ----------------------------------------------


def band_counts(metric: str | Metric, distribution: Mapping[int | str, int]) -> dict[str, int]:
    """Score -> count becomes band -> count, every band present, in band order.

    A mapping already keyed by band names is passed through (checked).
    """
    m = get_metric(metric)
    counts = {key: 0 for key in m.band_keys}
    for score, count in distribution.items():
        key = score if score in counts and score not in m.scores else m.band_of(score)
        counts[key] += int(count)
    return counts


# How each NPS band moves the score when its share rises by one point.
_NPS_WEIGHT = {"promoter": 1.0, "passive": 0.0, "detractor_5_6": -1.0, "detractor_0_4": -1.0}


@dataclass(frozen=True)
class BandChange:
    band: str
    label: str
    change: ShareChange
    nps_effect: float  # points this band's shift adds to the NPS change


@dataclass(frozen=True)
class NpsDecomposition:
    """An NPS change and the change in each band (the shares sum to it)."""

    change: NpsChange
    bands: tuple[BandChange, ...]

    def band(self, key: str) -> BandChange:
        return next(b for b in self.bands if b.band == key)


def decompose_nps_change(
    a: Mapping[int | str, int],
    b: Mapping[int | str, int],
    z: float = Z95,
    min_n: int = MIN_N_COMPARE,
) -> NpsDecomposition:
    """Split an NPS change into Δpromoters, Δpassives, Δdetractors 5-6 and 0-4.

    ``a``/``b`` are NPS distributions (score -> count) or band counts. Each band
    gets its own share test and interval; bands are not independent, so read the
    intervals one at a time, and use BH if you scan them for "what changed".
    """
    ca, cb = band_counts(NPS, a), band_counts(NPS, b)
    na, nb = sum(ca.values()), sum(cb.values())
    det_a = ca["detractor_0_4"] + ca["detractor_5_6"]
    det_b = cb["detractor_0_4"] + cb["detractor_5_6"]
    change = nps_change_test((ca["promoter"], det_a, na), (cb["promoter"], det_b, nb), z=z, min_n=min_n)
    bands = []
    for band in NPS.bands:
        sc = two_share_test(ca[band.key], na, cb[band.key], nb, z=z, min_n=min_n)
        # + 0.0 turns the passives' -0.0 into 0.0 so it never prints as "-0".
        effect = 100.0 * sc.diff * _NPS_WEIGHT[band.key] + 0.0 if na and nb else math.nan
        bands.append(BandChange(band.key, band.label, sc, effect))
    return NpsDecomposition(change, tuple(bands))


@dataclass(frozen=True)
class Headroom:
    metric: str
    from_band: str
    to_band: str
    fraction: float
    moved: float  # responses that would move
    gain: float  # headline gain: NPS points, or percentage points of the share
    before: float
    after: float


def _headline_weight(m: Metric, band: str) -> float:
    if m.headline == "nps":
        return _NPS_WEIGHT[band]
    return 1.0 if band in m.headline_bands else 0.0


def headroom(
    metric: str | Metric,
    distribution: Mapping[int | str, int],
    fraction: float,
    from_band: str | None = None,
    to_band: str | None = None,
) -> Headroom:
    """If ``fraction`` of one band moved to another, how far would the headline rise?

    Default: the middle band to the top band ("if 10% of passives became
    promoters, NPS would rise 3 points"). For a mean-and-share headline (stars)
    the gain is on the share of 4-5, the part a move between bands changes.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    m = get_metric(metric)
    src = from_band or m.middle
    dst = to_band or m.bands[-1].key
    counts = band_counts(m, distribution)
    for key in (src, dst):
        m.band(key)  # raises with the list of bands if unknown
    n = sum(counts.values())
    before = 100.0 * sum(_headline_weight(m, k) * c for k, c in counts.items()) / n if n else math.nan
    moved = fraction * counts[src]
    gain = 100.0 * moved * (_headline_weight(m, dst) - _headline_weight(m, src)) / n if n else math.nan
    return Headroom(m.key, src, dst, fraction, moved, gain, before, before + gain)
