"""Intervals for shares, NPS and means: pure functions of counts.

Formulas and worked examples are in shared/docs/methodology.md; the unit tests
reproduce those examples. No scipy: the normal comes from the standard library
and Student's t is computed here (the incomplete beta function, then bisection).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from statistics import NormalDist

Z95 = 1.96
_NORMAL = NormalDist()


def z_for(confidence: float) -> float:
    """Two-sided normal multiplier, e.g. 0.95 -> 1.96."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return _NORMAL.inv_cdf(0.5 + confidence / 2)


def p_value_two_sided(z: float) -> float:
    return 2.0 * (1.0 - _NORMAL.cdf(abs(z)))


def confidence_of(z: float) -> float:
    """The two-sided confidence a multiplier gives, e.g. 1.96 -> 0.95."""
    return 1.0 - p_value_two_sided(z)


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float, float]:
    """Share k/n with its Wilson score interval, all as proportions (0..1).

    Wilson rather than the plain Wald interval because it stays inside 0..1 and
    keeps its coverage at the small n and extreme shares a segment filter gives.
    With n = 0 the share is NaN and the interval is the whole range.
    """
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    if n == 0:
        return (math.nan, 0.0, 1.0)
    p = k / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # Float rounding can leave 1.0 just outside (0.99999...) at k = n; pin the edges.
    if k == 0:
        low = 0.0
    if k == n:
        high = 1.0
    return (p, min(low, p), max(high, p))


@dataclass(frozen=True)
class NpsResult:
    """An NPS with its adjusted-Wald interval, everything in points (-100..100).

    ``nps`` is the plain score from the counts; ``nps_adj`` and ``se_adj`` are
    the adjusted values (NPS' and SE', times 100) the interval and the change
    test are built on; ``low``/``high`` = nps_adj -/+ z * se_adj, clipped.
    """

    nps: float
    low: float
    high: float
    se_adj: float
    nps_adj: float
    promoters: int
    detractors: int
    n: int
    z: float = Z95

    @property
    def margin(self) -> float:
        return self.z * self.se_adj

    @property
    def promoter_share(self) -> float:
        return self.promoters / self.n if self.n else math.nan

    @property
    def detractor_share(self) -> float:
        return self.detractors / self.n if self.n else math.nan


def _check_nps_counts(promoters: int, detractors: int, n: int) -> None:
    if min(promoters, detractors, n) < 0 or promoters + detractors > n:
        raise ValueError(f"need promoters + detractors <= n, got {promoters} + {detractors} > {n}")


def nps_adjusted_wald(promoters: int, detractors: int, n: int, z: float = Z95) -> NpsResult:
    """NPS with the adjusted-Wald interval (Rocks 2016; methodology note).

    n' = n + 3, p' = (P + 3/4)/n', d' = (D + 3/4)/n', NPS' = p' - d',
    SE' = sqrt((p' + d' - (p' - d')^2) / n'), interval NPS' +/- z SE'.
    """
    _check_nps_counts(promoters, detractors, n)
    n_adj = n + 3
    p_adj = (promoters + 0.75) / n_adj
    d_adj = (detractors + 0.75) / n_adj
    nps_adj = p_adj - d_adj
    se_adj = math.sqrt((p_adj + d_adj - nps_adj**2) / n_adj)
    nps = 100.0 * (promoters - detractors) / n if n else math.nan
    return NpsResult(
        nps=nps,
        low=max(-100.0, 100.0 * (nps_adj - z * se_adj)),
        high=min(100.0, 100.0 * (nps_adj + z * se_adj)),
        se_adj=100.0 * se_adj,
        nps_adj=100.0 * nps_adj,
        promoters=promoters,
        detractors=detractors,
        n=n,
        z=z,
    )


def nps_wald_margin(promoters: int, detractors: int, n: int, z: float = Z95) -> float:
    """Plain Wald margin in points, for reference: z * sqrt((p + d - (p - d)^2) / n)."""
    _check_nps_counts(promoters, detractors, n)
    if n == 0:
        return math.inf
    p, d = promoters / n, detractors / n
    return 100.0 * z * math.sqrt((p + d - (p - d) ** 2) / n)


@dataclass(frozen=True)
class MeanResult:
    mean: float
    low: float
    high: float
    sd: float
    n: int
    method: str


def mean_sd(distribution: Mapping[int, int]) -> tuple[float, float, int]:
    """Mean and sample standard deviation (n - 1) of a score -> count mapping."""
    n = sum(distribution.values())
    if n == 0:
        return (math.nan, math.nan, 0)
    mean = sum(s * c for s, c in distribution.items()) / n
    if n == 1:
        return (mean, math.nan, 1)
    ss = sum(c * (s - mean) ** 2 for s, c in distribution.items())
    return (mean, math.sqrt(ss / (n - 1)), n)


def mean_interval(
    distribution: Mapping[int, int],
    z: float = Z95,
    bounds: tuple[float, float] | None = None,
) -> MeanResult:
    """Mean score with a Student-t interval (normal once n > 1000, where they agree).

    ``z`` names the confidence (1.96 = 95%); the t multiplier for n - 1 degrees
    of freedom at that confidence is used, because small segments are common and
    the normal would be too narrow there. ``bounds`` clips to the scale.
    """
    mean, sd, n = mean_sd(distribution)
    if n < 2:
        low, high = bounds if bounds else (-math.inf, math.inf)
        return MeanResult(mean, low, high, sd, n, "no interval (fewer than 2 responses)")
    pct = f"{round(100 * confidence_of(z))}%"
    if n > 1000:
        mult, method = z, f"normal {pct} interval"
    else:
        mult, method = t_quantile(0.5 + confidence_of(z) / 2, n - 1), f"Student t {pct} interval"
    half = mult * sd / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds:
        low, high = max(bounds[0], low), min(bounds[1], high)
    return MeanResult(mean, low, high, sd, n, method)


# --- Student's t, without scipy -------------------------------------------


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta (Lentz's method)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(ln_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(prob: float, df: float) -> float:
    """Inverse of ``t_cdf`` by bisection: slow-ish, exact enough, dependency-free."""
    if not 0 < prob < 1:
        raise ValueError(f"prob must be in (0, 1), got {prob}")
    if prob < 0.5:
        return -t_quantile(1 - prob, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < prob:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < prob:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0
