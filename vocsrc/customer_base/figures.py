"""Everything the Customer base page shows, computed in one pass for one set of filters."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from vocsrc.customer_base import queries
from vocsrc.customer_base.kaplan_meier import SurvivalStep, kaplan_meier
from vocsrc.customer_base.lists import RECENT_DAYS, ListHead, heads
from vocsrc.customer_base.summary import summary_cursor
from vocsrc.customer_base.value import ValueAtStake, churn_table, value_at_stake
from vocsrc.filters import Filters


@dataclass(frozen=True)
class CustomerBase:
    window: queries.Window | None
    totals: dict = field(default_factory=dict)
    by_band: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_tenure: pd.DataFrame = field(default_factory=pd.DataFrame)
    periods: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondents: pd.DataFrame = field(default_factory=pd.DataFrame)
    survival: dict[str, tuple[SurvivalStep, ...]] = field(default_factory=dict)
    tenure_bands: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched: dict = field(default_factory=dict)
    value: ValueAtStake | None = None

    @property
    def empty(self) -> bool:
        return not self.totals.get("customers")

    def band_row(self, band: str) -> dict:
        rows = self.by_band[self.by_band["group"] == band]
        return rows.iloc[0].to_dict() if len(rows) else {}


def _ordered(frame: pd.DataFrame, order: tuple[str, ...]) -> pd.DataFrame:
    rank = {g: i for i, g in enumerate(order)}
    return frame.sort_values("group", key=lambda s: s.map(lambda g: rank.get(g, len(rank)))).reset_index(drop=True)


def customer_base(con: duckdb.DuckDBPyConnection, filters: Filters, grain: str = "quarter") -> CustomerBase:
    """The page's figures: totals, bands, tenure, periods, respondents against the base, survival."""
    cur = summary_cursor(con)
    try:
        return _customer_base(cur, filters, grain)
    finally:
        cur.close()


def page(con: duckdb.DuckDBPyConnection, filters: Filters, grain: str = "quarter", days: int = RECENT_DAYS,
         limit: int = 200) -> tuple[CustomerBase, dict[str, ListHead]]:
    """Everything the Customer base page shows for one set of filters: the figures and the first
    rows of the contact and thank lists, computed at the same time on two cursors. Each query
    alone leaves a core idle much of the time; together they finish sooner (DuckDB releases
    the GIL)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        shown = pool.submit(heads, con.cursor(), filters, days, limit)
        return customer_base(con, filters, grain), shown.result()


def _customer_base(con: duckdb.DuckDBPyConnection, filters: Filters, grain: str) -> CustomerBase:
    win = queries.build_population(con, filters)
    if win is None:
        return CustomerBase(window=None)
    parts = queries.page_aggregates(con)
    everyone = churn_table(parts["all"])
    if everyone.empty or not everyone["customers"].iloc[0]:
        return CustomerBase(window=win, unmatched=queries.unmatched(con, filters, win))
    by_band = _ordered(churn_table(parts["band"]), queries.BANDS)
    counts = parts["survival"]
    survival = {}
    for band in queries.BANDS[:3]:
        part = counts[counts["band"] == band]
        if len(part):
            survival[band] = kaplan_meier(part["days"].tolist(), part["left_"].tolist(), part["n"].tolist())
    return CustomerBase(
        window=win,
        totals=_clean(everyone.iloc[0].to_dict()),
        by_band=by_band,
        by_tenure=_ordered(churn_table(parts["tenure"]), queries.TENURE_BANDS),
        periods=queries.joins_and_leavers(con, filters, win, grain),
        respondents=queries.respondents_against_base(con, filters),
        survival=survival,
        tenure_bands=parts["tenure_band"],
        unmatched=queries.unmatched(con, filters, win),
        value=value_at_stake(by_band),
    )


def _clean(row: dict) -> dict:
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}


def customers_json(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None) -> list[dict]:
    """The CLI's rows: one object per group, fractions 0-1, None where the data cannot tell."""
    cur = summary_cursor(con)
    try:
        return _customers_json(cur, filters, by)
    finally:
        cur.close()


def _customers_json(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None) -> list[dict]:
    win = queries.build_population(con, filters, by or "all")
    if win is None:
        return []
    key = by or "all"
    frame = churn_table(queries.by_group(con, key))
    order = {"band": queries.BANDS, "tenure": queries.TENURE_BANDS}.get(key)
    if order:
        frame = _ordered(frame, order)
    rows = []
    for r in frame.to_dict("records"):
        rows.append(_clean({
            "group": str(r["group"]), "customers": int(r["customers"]), "active": int(r["active"]),
            "joined": int(r["joined"]), "lost": int(r["lost"]),
            "churn_rate": r["churn_rate"] if r["customers"] else None,
            "churn_low": r["churn_low"] if r["customers"] else None,
            "churn_high": r["churn_high"] if r["customers"] else None,
            "revenue": float(r["revenue"]), "revenue_active": float(r["revenue_active"]),
            "really_happy_share": r["really_happy_share"], "passive_share": r["passive_share"],
            "heard_share": r["heard_share"],
            "heard_active": int(r["heard_active"]), "with_nps": int(r["with_nps"]),
            "period_from": str(win.start), "as_of": str(win.as_of),
        }))
    return rows
