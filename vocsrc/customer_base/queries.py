"""The customer-base figures in DuckDB SQL over the per-version summary (see summary.py).

Every figure starts from the population query (``population_sql``): one row per customer in
the period's population with their band, whether they were heard from, and whether they left.
It is copied once into the temp table ``cb_population`` (computing its columns twice, as two
reads of a subquery would, measured slower), then the page reads it with ``page_aggregates``
(grouping sets) and ``respondents_against_base``, the CLI with ``by_group``. Identifiers come only from the allow-lists here; values are bound.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.customer_base.summary import ALIAS
from vocsrc.filters import Filters

BANDS = ("promoter", "passive", "detractor", "unheard")
BAND_LABELS = {"promoter": "Promoter (9-10)", "passive": "Passive (7-8)", "detractor": "Detractor (0-6)",
               "unheard": "Never heard from"}
TENURE_BANDS = ("<1 year", "1-3 years", "3-5 years", "5-8 years", "8+ years", "unknown")
LONG_STANDING_YEARS = 8
GRAINS = ("month", "quarter")

# Groupings a caller may ask for: the allow-list of SQL expressions over cb_population.
GROUPS: dict[str, str] = {
    "all": "'all'",
    "band": "band_code",
    "segment": "coalesce(segment, 'unknown')",
    "tenure": "tenure_code",
    "region": "coalesce(region, 'unknown')",
}

# Codes index BANDS and TENURE_BANDS: small integers group faster than text at a million rows.
_TENURE_SQL = """CASE WHEN tenure_years IS NULL THEN 5 WHEN tenure_years < 1 THEN 0 WHEN tenure_years < 3 THEN 1
    WHEN tenure_years < 5 THEN 2 WHEN tenure_years < 8 THEN 3 ELSE 4 END"""


@dataclass(frozen=True)
class Window:
    """The period a figure covers: from ``start`` to ``as_of``, both inclusive."""

    start: dt.date
    as_of: dt.date

    def describe(self) -> str:
        return f"{self.start} to {self.as_of}"


def window(cur: duckdb.DuckDBPyConnection, filters: Filters) -> Window | None:
    """The filter's dates, else the span of the feedback; None for a store with no feedback.
    ``cur`` is a summary cursor (see summary.summary_cursor), as for every function here."""
    lo, hi = cur.execute(f"SELECT first_feedback, last_feedback FROM {ALIAS}.meta").fetchall()[0]
    if lo is None and not (filters.date_from and filters.date_to):
        return None
    start = filters.date_from or lo
    as_of = filters.date_to or hi
    if filters.date_from and not filters.date_to and as_of < start:
        as_of = start
    return Window(start=min(start, as_of), as_of=as_of)


def feedback_condition(filters: Filters, alias: str = "a") -> tuple[str, list]:
    """Which answers count: every filter but the dates (the period is applied separately)."""
    return filters.with_(date_from=None, date_to=None).where(alias, date_column="received_at")


def build_population(cur: duckdb.DuckDBPyConnection, filters: Filters, by: str = "all") -> Window | None:
    """(Re)create the temp table ``cb_population`` for these filters; return its window."""
    found = population_sql(cur, filters, by)
    if found is None:
        return None
    win, sql, params = found
    cur.execute(f"CREATE OR REPLACE TEMP TABLE cb_population AS {sql}", params)
    return win


def population_sql(cur: duckdb.DuckDBPyConnection, filters: Filters,
                   by: str = "all") -> tuple[Window, str, list] | None:
    """The population query (one row per customer) and its parameters, or None without feedback.

    Text columns are selected only when grouping by them: at a million customers, carrying the
    segment along costs a fifth of the whole page."""
    win = window(cur, filters)
    if win is None:
        return None
    cb = ALIAS
    dims, dim_params = feedback_condition(filters)
    end = dt.datetime.combine(win.as_of + dt.timedelta(days=1), dt.time())
    begin = dt.datetime.combine(win.start, dt.time())
    region, region_params = "", []
    if filters.region:  # region is a customer attribute too: the base is that region's customers
        region = f"AND p.region IN ({', '.join('?' for _ in filters.region)})"
        region_params = list(filters.region)
    facts = """(p.left_at IS NULL OR p.left_at > ?::DATE) AS active,
               coalesce(p.left_at BETWEEN ?::DATE AND ?::DATE, false) AS lost,
               coalesce(p.joined_at >= ?::DATE, false) AS joined,
               date_diff('day', p.joined_at, ?::DATE) / 365.25 AS tenure_years"""
    facts_params = [win.as_of, win.start, win.as_of, win.start, win.as_of]
    in_population = "coalesce(p.joined_at <= ?::DATE, true) AND (p.left_at IS NULL OR p.left_at >= ?::DATE)"
    population_params = [win.as_of, win.start, *region_params]
    keep = {"segment": "p.segment,", "region": "p.region,"}.get(by, "")
    band = """CASE WHEN {nps} IS NULL THEN 3 WHEN {nps} >= 9 THEN 0 WHEN {nps} >= 7 THEN 1 ELSE 2 END::UTINYINT"""
    if dim_params:
        # A subset of answers: the precomputed stretches do not hold, so group by customer.
        sql = f"""WITH latest AS (
                      SELECT ck, arg_max(nps, received_at) AS nps, max(received_at) AS nps_at
                      FROM {cb}.nps a WHERE received_at < ? AND {dims} GROUP BY ck),
                  heard AS (
                      SELECT DISTINCT ck FROM {cb}.contacts a
                      WHERE received_at >= ? AND received_at < ? AND {dims})
                  SELECT {keep} p.left_at, coalesce(p.revenue_12m, 0) AS revenue, {facts},
                         l.nps_at::DATE AS nps_on, {band.format(nps="l.nps")} AS band_code,
                         h.ck IS NOT NULL AS heard
                  FROM {cb}.people p LEFT JOIN latest l USING (ck) LEFT JOIN heard h USING (ck)
                  WHERE {in_population} {region}"""
        params = [end, *dim_params, begin, end, *dim_params, *facts_params, *population_params]
    else:
        # The stretch in force at E holds each customer's latest answer before E (and before leaving).
        sql = f"""SELECT {keep} p.left_at, p.revenue, {facts},
                         CASE WHEN p.nps IS NOT NULL THEN p.received_at::DATE END AS nps_on,
                         {band.format(nps="p.nps")} AS band_code,
                         -- only a stretch running past E needs its contacts looked at one by one
                         CASE WHEN p.last_contact IS NULL OR p.last_contact < ?
                              THEN coalesce(greatest(p.prev_contact, p.last_contact) >= ?, false)
                              ELSE coalesce(p.prev_contact >= ?, false)
                                   OR len(list_filter(p.contacts, lambda c: c >= ? AND c < ?)) > 0 END AS heard
                  FROM {cb}.timeline p
                  WHERE p.received_at < ? AND p.next_at >= ? AND {in_population} {region}"""
        params = [*facts_params, end, begin, begin, begin, end, end, end, *population_params]
    return win, f"""SELECT *, {_TENURE_SQL}::UTINYINT AS tenure_code FROM ({sql})""", params


_MEASURES = """count(*) AS customers,
                   count(*) FILTER (WHERE active) AS active, count(*) FILTER (WHERE joined) AS joined,
                   count(*) FILTER (WHERE lost) AS lost,
                   sum(revenue) AS revenue, coalesce(sum(revenue) FILTER (WHERE active), 0) AS revenue_active,
                   count(*) FILTER (WHERE active AND heard) AS heard_active,
                   count(*) FILTER (WHERE band_code < 3) AS with_nps,
                   count(*) FILTER (WHERE band_code = 0) AS promoters,
                   count(*) FILTER (WHERE band_code = 1) AS passives"""


def by_group(cur: duckdb.DuckDBPyConnection, by: str = "all") -> pd.DataFrame:
    """Per group of ``cb_population``: customers, active, joined, lost, revenue, heard, promoters."""
    if by not in GROUPS:
        raise ValueError(f"cannot group customers by {by!r}; choose one of {', '.join(GROUPS)}")
    frame = cur.execute(
        f"""SELECT {GROUPS[by]} AS "group", {_MEASURES}
            FROM cb_population GROUP BY ALL ORDER BY 1""").df()
    labels = {"band": BANDS, "tenure": TENURE_BANDS}.get(by)
    if labels:  # codes come back in label order, since the frame is sorted by code
        frame["group"] = [labels[int(c)] for c in frame["group"]]
    return frame


def joins_and_leavers(cur: duckdb.DuckDBPyConnection, filters: Filters, win: Window,
                      grain: str = "month") -> pd.DataFrame:
    """Per period: customers at its end, joined in it and lost in it (from the customer file)."""
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    cb = ALIAS
    region, params = "true", []
    if filters.region:
        region = f"region IN ({', '.join('?' for _ in filters.region)})"
        params = list(filters.region)
    frame = cur.execute(
        f"""SELECT day, sum(joined) AS joined, sum(lost) AS lost FROM {cb}.flows
            WHERE {region} AND day <= ? GROUP BY day ORDER BY day""", [*params, win.as_of]).df()
    freq = "M" if grain == "month" else "Q"
    periods = pd.period_range(win.start, win.as_of, freq=freq)
    days = pd.to_datetime(frame["day"])
    before = days < pd.Timestamp(win.start)
    # Everyone who joined or left before the window sets the opening count.
    opening = int(frame.loc[before, "joined"].sum() - frame.loc[before, "lost"].sum())
    inside = frame[~before].assign(period=pd.PeriodIndex(days[~before], freq=freq))
    out = (inside.groupby("period")[["joined", "lost"]].sum().reindex(periods, fill_value=0).astype(int))
    out["customers_at_end"] = opening + (out["joined"] - out["lost"]).cumsum()
    out.index = out.index.astype(str)
    return out.rename_axis("period").reset_index()


def respondents_against_base(cur: duckdb.DuckDBPyConnection, source: str = "cb_population",
                             params: list | None = None) -> pd.DataFrame:
    """Active customers heard from in the period against all active customers: value and tenure.
    Medians come from a reservoir sample of 8,192 customers per group (exact below that): close
    enough to compare groups, where exact ones sort a million rows on every filter change."""
    frame = cur.execute(
        f"""SELECT CASE WHEN grouping(heard) = 1 THEN 'All active customers'
                        WHEN heard THEN 'Heard from in the period' ELSE 'Not heard from' END AS "group",
                   count(*) AS customers, avg(revenue) AS mean_revenue,
                   reservoir_quantile(revenue, 0.5) AS median_revenue,
                   reservoir_quantile(tenure_years, 0.5) AS median_tenure_years,
                   avg((tenure_years >= {LONG_STANDING_YEARS})::INT) AS long_standing_share
            FROM {source} WHERE active GROUP BY GROUPING SETS ((heard), ())""", params or []).df()
    order = {"Heard from in the period": 0, "Not heard from": 1, "All active customers": 2}
    return (frame.sort_values("group", key=lambda g: g.map(order))
            [["group", "customers", "mean_revenue", "median_revenue", "median_tenure_years", "long_standing_share"]]
            .reset_index(drop=True))


def page_aggregates(cur: duckdb.DuckDBPyConnection, source: str, params: list, win: Window) -> dict:
    """In one pass over the population (``source``: a table name or a parenthesised query):
    everyone, by band, by tenure, active customers by tenure x band, and Kaplan-Meier counts."""
    frame = cur.execute(
        f"""SELECT grouping(band_code) AS gb, grouping(tenure_code) AS gt, grouping(km_days) AS gk,
                   band_code, tenure_code, km_days, km_left, {_MEASURES}
            FROM (SELECT *, CASE WHEN band_code < 3 AND nps_on >= ?::DATE THEN
                               date_diff('day', nps_on, CASE WHEN lost THEN left_at ELSE ?::DATE END) END AS km_days,
                             lost AS km_left
                  FROM {source})
            GROUP BY GROUPING SETS ((), (band_code), (tenure_code), (tenure_code, band_code),
                                    (band_code, km_days, km_left))
            ORDER BY band_code, tenure_code, km_days""", [win.start, win.as_of, *params]).df()
    measures = [c for c in frame.columns if c not in ("gb", "gt", "gk", "band_code", "tenure_code", "km_days",
                                                      "km_left")]
    only = {"all": (1, 1, 1), "band": (0, 1, 1), "tenure": (1, 0, 1), "tenure_band": (0, 0, 1), "km": (0, 1, 0)}
    part = {k: frame[(frame["gb"] == b) & (frame["gt"] == t) & (frame["gk"] == g)] for k, (b, t, g) in only.items()}
    out = {"all": part["all"].assign(group="all")[["group", *measures]].reset_index(drop=True)}
    for key, labels, code in (("band", BANDS, "band_code"), ("tenure", TENURE_BANDS, "tenure_code")):
        f = part[key]
        out[key] = f.assign(group=[labels[int(c)] for c in f[code]])[["group", *measures]].reset_index(drop=True)
    tb = part["tenure_band"]
    tb = tb[tb["active"] > 0]
    tenure_band = pd.DataFrame({
        "tenure_band": [TENURE_BANDS[int(c)] for c in tb["tenure_code"]],
        "band": [BANDS[int(c)] for c in tb["band_code"]],
        "customers": tb["active"].astype(int).to_numpy(), "revenue": tb["revenue_active"].to_numpy()})
    tenure_band["tenure_customers"] = tenure_band.groupby("tenure_band")["customers"].transform("sum")
    tenure_band["share"] = tenure_band["customers"] / tenure_band["tenure_customers"]
    km = part["km"][part["km"]["km_days"].notna()]
    out["tenure_band"] = tenure_band
    out["survival"] = pd.DataFrame({"band": [BANDS[int(c)] for c in km["band_code"]],
                                    "days": km["km_days"].astype(int).to_numpy(),
                                    "left_": km["km_left"].astype(bool).to_numpy(),
                                    "n": km["customers"].astype(int).to_numpy()})
    return out


def unmatched(cur: duckdb.DuckDBPyConnection, filters: Filters, win: Window) -> dict:
    """Feedback whose customer id is not in the customer file: counted, never dropped."""
    cb = ALIAS
    dims, params = feedback_condition(filters)
    begin = dt.datetime.combine(win.start, dt.time())
    end = dt.datetime.combine(win.as_of + dt.timedelta(days=1), dt.time())
    rows, ids = cur.execute(
        f"""SELECT count(*), count(DISTINCT customer_id) FROM {cb}.unmatched a
            WHERE received_at >= ? AND received_at < ? AND {dims}""", [begin, end, *params]).fetchall()[0]
    no_id, customers = cur.execute(
        f"SELECT (SELECT feedback_without_id FROM {cb}.meta), (SELECT count(*) FROM {cb}.people)").fetchall()[0]
    return {"unmatched_rows": int(rows), "unmatched_ids": int(ids), "rows_without_id_in_store": int(no_id),
            "customers_on_file": int(customers)}
