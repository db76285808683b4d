"""Churn by group with Wilson intervals, the revenue held by each band, and what moving
some passives to promoters would be worth. Pure functions of counts and sums.

Every figure here is an association seen in this data, not a promise of cause:
passives who leave more often than promoters may differ in ways a score does not
capture, so "worth" is what the observed gap in leaving would amount to if it held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from vocsrc.config import MIN_N_SHARE
from vocsrc.stats import wilson

ASSOCIATION_CAVEAT = ("An association seen in this data, not a promise of cause: customers in different bands "
                      "may differ in other ways (tenure, segment, product) that also affect leaving.")


def _share(k: float, n: float) -> float | None:
    return float(k) / float(n) if n else None


def churn_table(groups: pd.DataFrame, min_n: int = MIN_N_SHARE) -> pd.DataFrame:
    """Add churn_rate (lost / customers) with its 95% Wilson interval, heard_share (active
    customers heard from / active), really_happy_share (promoters / customers with an NPS
    answer) and ``solid`` (enough customers to read the rate)."""
    out = groups.copy()
    intervals = [wilson(int(k), int(n)) if n else (math.nan, math.nan, math.nan)
                 for k, n in zip(out["lost"], out["customers"])]
    out["churn_rate"] = [i[0] for i in intervals]
    out["churn_low"] = [i[1] for i in intervals]
    out["churn_high"] = [i[2] for i in intervals]
    out["heard_share"] = [_share(h, a) for h, a in zip(out["heard_active"], out["active"])]
    out["really_happy_share"] = [_share(p, n) for p, n in zip(out["promoters"], out["with_nps"])]
    out["passive_share"] = [_share(p, n) for p, n in zip(out["passives"], out["with_nps"])]
    out["solid"] = out["customers"] >= min_n
    return out


@dataclass(frozen=True)
class WhatIf:
    """'If this share of passives became promoters': revenue kept, at the observed gap in leaving."""

    share_moved: float
    passive_revenue: float
    churn_passive: float | None
    churn_promoter: float | None
    worth: float | None  # None when either rate is unknown
    gap_is_positive: bool

    def sentence(self, currency: str = "£") -> str:
        if self.worth is None:
            return "Not enough passives or promoters in this period to estimate what moving passives is worth."
        if not self.gap_is_positive:
            return ("In this period passives did not leave more often than promoters, so the data shows no "
                    "revenue kept by moving passives to promoters.")
        return (f"If {self.share_moved:.0%} of passives became promoters and left at the promoters' rate "
                f"({self.churn_promoter:.1%} instead of {self.churn_passive:.1%}), about {currency}{self.worth:,.0f} "
                f"of the passives' {currency}{self.passive_revenue:,.0f} yearly revenue would be kept. "
                + ASSOCIATION_CAVEAT)


def what_if_passives_promoted(share_moved: float, passive_revenue: float, churn_passive: float | None,
                              churn_promoter: float | None) -> WhatIf:
    """worth = share × passive revenue × (churn_passive − churn_promoter), floored at zero."""
    if not 0.0 <= share_moved <= 1.0:
        raise ValueError("share_moved is a fraction between 0 and 1")
    if churn_passive is None or churn_promoter is None or math.isnan(churn_passive) or math.isnan(churn_promoter):
        return WhatIf(share_moved, passive_revenue, churn_passive, churn_promoter, None, False)
    gap = churn_passive - churn_promoter
    return WhatIf(share_moved, passive_revenue, churn_passive, churn_promoter,
                  share_moved * passive_revenue * max(gap, 0.0), gap > 0)


@dataclass(frozen=True)
class ValueAtStake:
    """Revenue (revenue_12m of active customers) held by each band, and by the middle and the unhappy."""

    revenue_by_band: dict[str, float]
    customers_by_band: dict[str, int]
    total_revenue: float

    @property
    def at_stake(self) -> float:
        return self.revenue_by_band.get("passive", 0.0) + self.revenue_by_band.get("detractor", 0.0)

    def share(self, band: str) -> float | None:
        return _share(self.revenue_by_band.get(band, 0.0), self.total_revenue)


def value_at_stake(by_band: pd.DataFrame) -> ValueAtStake:
    rev = {str(g): float(r) for g, r in zip(by_band["group"], by_band["revenue_active"])}
    n = {str(g): int(a) for g, a in zip(by_band["group"], by_band["active"])}
    return ValueAtStake(rev, n, float(sum(rev.values())))
