"""The briefing pack's 'our customers' section: customers heard from, value by band, churn by
band, with the association caveat. The briefing package calls ``briefing_section``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from vocsrc.customer_base.figures import customer_base
from vocsrc.customer_base.queries import BAND_LABELS, BANDS
from vocsrc.customer_base.value import ASSOCIATION_CAVEAT
from vocsrc.filters import Filters
from vocsrc.stats import footnote


@dataclass(frozen=True)
class BandFigures:
    band: str  # promoter, passive, detractor, unheard
    label: str
    active_customers: int
    revenue: float  # revenue_12m of the band's active customers
    revenue_share: float | None
    customers: int  # in the period's population (active at its start or joining in it)
    lost: int
    churn_rate: float | None
    churn_low: float | None
    churn_high: float | None
    solid: bool  # enough customers (30) to read the churn rate


@dataclass(frozen=True)
class CustomerSection:
    available: bool  # False when the store has no customer file or no feedback
    title: str
    period_from: dt.date | None
    as_of: dt.date | None
    active_customers: int
    heard_customers: int  # active customers with any feedback in the period
    heard_share: float | None
    value_at_stake: float  # revenue held by passives and detractors
    bands: tuple[BandFigures, ...]
    sentences: tuple[str, ...]
    caveat: str
    footnote: str


def briefing_section(con: duckdb.DuckDBPyConnection, filters: Filters) -> CustomerSection:
    """'Our customers' for one set of filters; ``available`` is False when there is nothing to say."""
    cb = customer_base(con, filters)
    if not cb.unmatched.get("customers_on_file"):
        why = "No customer file has been imported, so customers cannot be counted here."
    else:
        why = "No feedback or customers fall in this period, so there is nothing to count here."
    empty = CustomerSection(False, "Our customers", None, None, 0, 0, None, 0.0, (), (why,), ASSOCIATION_CAVEAT, "")
    if cb.window is None or cb.empty or not cb.unmatched.get("customers_on_file"):
        return empty
    t = cb.totals
    total_rev = sum(float(r) for r in cb.by_band["revenue_active"])
    bands = []
    for row in cb.by_band.to_dict("records"):
        bands.append(BandFigures(
            band=row["group"], label=BAND_LABELS[row["group"]], active_customers=int(row["active"]),
            revenue=float(row["revenue_active"]), revenue_share=float(row["revenue_active"]) / total_rev if total_rev else None,
            customers=int(row["customers"]), lost=int(row["lost"]),
            churn_rate=_num(row["churn_rate"]), churn_low=_num(row["churn_low"]), churn_high=_num(row["churn_high"]),
            solid=bool(row["solid"])))
    bands.sort(key=lambda b: BANDS.index(b.band))
    heard_share = t.get("heard_share")
    sentences = [
        f"We heard from {int(t['heard_active']):,} of our {int(t['active']):,} active customers"
        + (f" ({heard_share:.0%})" if heard_share is not None else "") + " in the period.",
    ]
    by = {b.band: b for b in bands}
    if by.get("passive") and by.get("detractor"):
        sentences.append(f"Passives and detractors hold £{by['passive'].revenue + by['detractor'].revenue:,.0f} "
                         "of yearly revenue.")
    rates = [f"{b.label.lower()} {b.churn_rate:.1%}" for b in bands if b.churn_rate is not None and b.solid]
    if rates:
        sentences.append("Customers lost in the period: " + ", ".join(rates) + ".")
    win = cb.window
    return CustomerSection(
        available=True, title="Our customers", period_from=win.start, as_of=win.as_of,
        active_customers=int(t["active"]), heard_customers=int(t["heard_active"]), heard_share=heard_share,
        value_at_stake=cb.value.at_stake if cb.value else 0.0, bands=tuple(bands), sentences=tuple(sentences),
        caveat=ASSOCIATION_CAVEAT,
        footnote=footnote(int(t["customers"]), win.describe(),
                          "customers from the customer file; band = latest NPS answer before leaving; churn = lost "
                          "÷ customers, 95% Wilson intervals"))


def _num(x: object) -> float | None:
    return None if x is None or x != x else float(x)  # NaN is not equal to itself
