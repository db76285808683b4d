"""Drivers rising against their own baseline, and whether they look systemic or recurring.

The test, by name: the exact conditional test for two Poisson rates
(Przyborowski & Wilenski 1940). With k complaints about a driver in the latest
month (exposure t1, in months; a part month counts by its days) and b in the
B months before it, "no change in the monthly rate" means k given k + b is
Binomial(k + b, t1 / (t1 + B)). The one-sided p-value is P(X >= k). Complaints
cluster (repeats, bursts), which a pure Poisson test reads as signal, so counts
are first divided by the over-dispersion phi: the median over drivers of the
variance/mean of their baseline months, at least 1 (a quasi-Poisson
correction; phi is reported with every result). Scanning
every driver at once, flags are kept only where they survive Benjamini-Hochberg
at q (complaints.toml), so about q of the flags are expected to be noise.

A flagged driver is labelled
- 'systemic' when it rose (more than its own monthly baseline, at least 2
  complaints) in at least ``systemic_min_groups`` functions or channels: the
  problem is not one team's;
- 'recurring' when at least ``recurring_min_share`` of its latest-month
  complaints came from customers who complained within the repeat window before.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.complaints.config import load_config
from vocsrc.complaints.queries import as_of_date, monthly_counts
from vocsrc.filters import Filters
from vocsrc.stats import bh_adjusted_pvalues

TEST_NAME = ("exact conditional Poisson rate test (latest month vs trailing baseline, counts divided by the "
             "pooled over-dispersion), Benjamini-Hochberg")


def binomial_upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space so large n stays exact enough."""
    if k <= 0:
        return 1.0
    if k > n or p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    log_p, log_q = math.log(p), math.log1p(-p)
    lg_n1 = math.lgamma(n + 1)
    total = 0.0
    for i in range(k, n + 1):
        term = lg_n1 - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * log_p + (n - i) * log_q
        total += math.exp(term)
    return min(1.0, total)


def poisson_rate_test(recent: int, baseline: int, recent_exposure: float, baseline_exposure: float) -> float:
    """One-sided p-value that the recent rate exceeds the baseline rate (conditional binomial test)."""
    if recent_exposure <= 0 or baseline_exposure <= 0:
        return 1.0
    share = recent_exposure / (recent_exposure + baseline_exposure)
    return binomial_upper_tail(recent, recent + baseline, share)


@dataclass(frozen=True)
class DriverSignal:
    group: str  # 'All' unless tested within a function/channel split
    driver: str
    latest_month: str
    recent: int
    recent_exposure: float  # months
    baseline_total: int
    baseline_months: int
    baseline_rate: float  # per month
    dispersion: float  # phi: counts were divided by it before the test
    p_value: float
    q_value: float
    flagged: bool
    labels: tuple[str, ...]
    rising_in: tuple[str, ...]  # 'function: X' / 'channel: Y' where it rose
    repeat_share: float | None


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _windows(months: pd.Series, as_of: dt.date | None, baseline_months: int
             ) -> tuple[dt.date, list[dt.date], float] | None:
    if months.empty:
        return None
    first, latest = min(months), max(months)
    every = _months_between(first, latest)
    baseline = every[:-1][-baseline_months:]
    if not baseline:
        return None
    exposure = 1.0
    if as_of and (as_of.year, as_of.month) == (latest.year, latest.month):
        # A month still in progress counts by its days, so a half month is not read as a fall.
        exposure = as_of.day / calendar.monthrange(latest.year, latest.month)[1]
    return latest, baseline, exposure


def dispersion(frame: pd.DataFrame, baseline: list[dt.date], keys: list[str]) -> float:
    """Pooled over-dispersion of monthly counts (median variance/mean over series with mean >= 1), >= 1."""
    base = frame[frame["month"].isin(baseline)]
    if len(baseline) < 3 or base.empty:
        return 1.0
    wide = base.pivot_table(index=keys, columns="month", values="count", aggfunc="sum")
    wide = wide.reindex(columns=baseline).fillna(0)
    mean, var = wide.mean(axis=1), wide.var(axis=1)
    ratios = (var / mean)[mean >= 1]
    return max(1.0, float(ratios.median())) if len(ratios) >= 3 else 1.0


def _test_frame(frame: pd.DataFrame, latest: dt.date, baseline: list[dt.date], exposure: float,
                keys: list[str], phi: float = 1.0) -> pd.DataFrame:
    recent = frame[frame["month"] == latest].groupby(keys)[["count", "repeats"]].sum()
    base = frame[frame["month"].isin(baseline)].groupby(keys)["count"].sum().rename("baseline")
    out = recent.join(base, how="outer").fillna(0).reset_index()
    out["recent"] = out["count"].astype(int)
    out["baseline"] = out["baseline"].astype(int)
    out["baseline_rate"] = out["baseline"] / len(baseline)
    out["p_value"] = [poisson_rate_test(round(r / phi), round(b / phi), exposure, len(baseline))
                      for r, b in zip(out["recent"], out["baseline"])]
    return out


def rising_drivers(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str = "category",
                   by: str | None = None) -> list[DriverSignal]:
    """Every driver tested (with ``by``: every group x driver), flags after BH, labels on the flagged."""
    cfg = load_config()
    frame = monthly_counts(con, filters, driver, split=by)
    frame["month"] = pd.to_datetime(frame["month"]).dt.date
    win = _windows(frame["month"], as_of_date(con), cfg.baseline_months)
    if win is None:
        return []
    latest, baseline, exposure = win
    phi = dispersion(frame, baseline, ["split", "driver"])
    tested = _test_frame(frame, latest, baseline, exposure, ["split", "driver"], phi)
    tested = tested[tested["recent"] >= cfg.min_recent].reset_index(drop=True)
    if tested.empty:
        return []
    tested["q_value"] = bh_adjusted_pvalues(tested["p_value"].tolist())
    tested["flagged"] = (tested["q_value"] <= cfg.q) & (tested["recent"] / exposure > tested["baseline_rate"])
    spread = _spread(con, filters, driver, latest, baseline, set(tested.loc[tested["flagged"], "driver"]))
    out = []
    for r in tested.itertuples():
        labels: tuple[str, ...] = ()
        rising_in: tuple[str, ...] = ()
        repeat_share = (float(r.repeats) / r.recent) if r.recent else None
        if r.flagged:
            rising_in = spread.get(r.driver, ())
            kinds = [g.split(":")[0] for g in rising_in]
            if max(kinds.count("function"), kinds.count("channel"), 0) >= cfg.systemic_min_groups:
                labels += ("systemic",)
            if repeat_share is not None and r.repeats and repeat_share >= cfg.recurring_min_share:
                labels += ("recurring",)
        out.append(DriverSignal(
            group=str(r.split), driver=str(r.driver), latest_month=latest.strftime("%Y-%m"),
            recent=int(r.recent), recent_exposure=round(exposure, 3), baseline_total=int(r.baseline),
            baseline_months=len(baseline), baseline_rate=float(r.baseline_rate), dispersion=round(phi, 3),
            p_value=float(r.p_value),
            q_value=float(r.q_value), flagged=bool(r.flagged), labels=labels, rising_in=rising_in,
            repeat_share=repeat_share))
    return sorted(out, key=lambda s: (not s.flagged, s.p_value, s.driver))


def _spread(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str, latest: dt.date,
            baseline: list[dt.date], flagged: set[str]) -> dict[str, tuple[str, ...]]:
    """For each flagged driver, the functions and channels where it rose above its own baseline."""
    if not flagged:
        return {}
    found: dict[str, list[str]] = {d: [] for d in flagged}
    for split in ("function", "channel"):
        frame = monthly_counts(con, filters, driver, split=split)
        frame["month"] = pd.to_datetime(frame["month"]).dt.date
        frame = frame[frame["driver"].isin(flagged)]
        if frame.empty:
            continue
        t = _test_frame(frame, latest, baseline, 1.0, ["split", "driver"])
        for r in t[(t["recent"] >= 2) & (t["recent"] > t["baseline_rate"])].itertuples():
            found[r.driver].append(f"{split}: {r.split}")
    return {d: tuple(sorted(g)) for d, g in found.items()}


def signals_frame(signals: list[DriverSignal]) -> pd.DataFrame:
    """A table for pages and packs: one row per tested driver."""
    rows = [{
        "driver": s.driver, "group": s.group, "latest month": s.latest_month, "latest": s.recent,
        "baseline per month": round(s.baseline_rate, 1), "p": s.p_value, "q (BH)": s.q_value,
        "flag": ("rising" + (f" ({', '.join(s.labels)})" if s.labels else "")) if s.flagged else "",
        "rose in": ", ".join(s.rising_in[:6]) + (" …" if len(s.rising_in) > 6 else ""),
    } for s in signals]
    return pd.DataFrame(rows)


def rising_table(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str = "category",
                 top: int = 12) -> pd.DataFrame:
    """Chart-ready: the flagged drivers first, then the largest others, with the test's figures."""
    sig = rising_drivers(con, filters, driver)
    rows = [{"driver": s.driver, "latest_month": s.latest_month, "baseline_months": s.baseline_months,
             "baseline_rate": s.baseline_rate, "recent": s.recent, "recent_exposure": s.recent_exposure,
             "recent_rate": s.recent / s.recent_exposure if s.recent_exposure else float("nan"),
             "dispersion": s.dispersion,
             "p_value": s.p_value, "q_value": s.q_value, "flagged": s.flagged,
             "label": ", ".join(s.labels),
             "rose_in": ", ".join(s.rising_in)} for s in sig]
    frame = pd.DataFrame(rows, columns=["driver", "latest_month", "baseline_months", "baseline_rate", "recent",
                                        "recent_exposure", "recent_rate", "dispersion", "p_value", "q_value", "flagged", "label", "rose_in"])
    if frame.empty:
        return frame
    return pd.concat([frame[frame["flagged"]], frame[~frame["flagged"]].nlargest(top, "recent")]).head(
        max(top, int(frame["flagged"].sum())))
