"""Customers as the unit: counts of customers (not responses), the share of customers
really happy on their latest answer, and who moved up or down between their first
and latest answer in the period."""

from __future__ import annotations

import duckdb
import pandas as pd

from vocsrc.filters import Filters
from vocsrc.metrics import group_expr
from vocsrc.stats import get_metric, wilson

SCORED = ("nps", "csat", "ces", "stars")


def _band_index_sql(metric: str) -> str:
    """SQL giving a band's position (0 = worst) for a score, from the stats definitions."""
    m = get_metric(metric)
    whens = " ".join(f"WHEN {metric} BETWEEN {min(b.scores)} AND {max(b.scores)} THEN {i}"
                     for i, b in enumerate(m.bands))
    return f"CASE {whens} END"


def customer_view(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str = "nps",
                  by: str | None = "function") -> pd.DataFrame:
    """Per group: customers, responses, % customers really happy (latest answer), moved up/down/same.

    A customer's group is that of their latest answer; movement needs two answers in the period
    and counts a change of band (a 9 to a 10 is not a move).
    """
    if metric not in SCORED:
        raise ValueError(f"customer view needs a score metric ({', '.join(SCORED)})")
    m = get_metric(metric)
    top_lo, top_hi = min(m.top_box), max(m.top_box)
    where, params = filters.where()
    frame = con.execute(
        f"""WITH answers AS (
                SELECT customer_id, {group_expr(by)} AS grp, received_at, {metric} AS score,
                       {_band_index_sql(metric)} AS band
                FROM feedback WHERE {where} AND customer_id IS NOT NULL AND {metric} IS NOT NULL),
            per_customer AS (
                SELECT customer_id, arg_max(grp, received_at) AS grp, count(*) AS answers,
                       arg_max(score, received_at) AS latest, arg_min(band, received_at) AS first_band,
                       arg_max(band, received_at) AS latest_band
                FROM answers GROUP BY customer_id)
            SELECT CASE WHEN grouping(grp) = 1 THEN NULL ELSE grp END AS "group", grouping(grp) = 1 AS is_total,
                   count(*) AS customers, sum(answers) AS responses,
                   count(*) FILTER (WHERE latest BETWEEN {top_lo} AND {top_hi}) AS really_happy,
                   count(*) FILTER (WHERE answers >= 2) AS repeat_customers,
                   count(*) FILTER (WHERE answers >= 2 AND latest_band > first_band) AS moved_up,
                   count(*) FILTER (WHERE answers >= 2 AND latest_band < first_band) AS moved_down,
                   count(*) FILTER (WHERE answers >= 2 AND latest_band = first_band) AS stayed
            FROM per_customer GROUP BY GROUPING SETS ((grp), ()) ORDER BY is_total DESC, customers DESC""",
        params).df()
    if frame.empty:
        return frame
    shares = [wilson(int(k), int(n)) for k, n in zip(frame["really_happy"], frame["customers"])]
    frame["really_happy_share"] = [s[0] for s in shares]
    frame["really_happy_low"] = [s[1] for s in shares]
    frame["really_happy_high"] = [s[2] for s in shares]
    frame["top_box"] = m.top_box_label
    return frame


def customer_summary(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str = "nps",
                     by: str | None = "function") -> tuple[dict, pd.DataFrame]:
    """(figures for everyone in the filter, figures per group) from one pass over the answers,
    plus how many responses had no customer id and so are not counted as anyone."""
    frame = customer_view(con, filters, metric, by=by)
    from vocsrc import rollup

    where, params = filters.where()
    table, count = rollup.relation(con, filters)
    no_id = con.execute(f"SELECT coalesce({count}, 0) FROM {table} WHERE {where} AND {metric} IS NOT NULL "
                        f"AND {'NOT has_customer' if table == 'cube' else 'customer_id IS NULL'}", params).fetchone()[0]
    if frame.empty:
        return {"customers": 0, "responses_without_id": int(no_id)}, frame
    total = frame[frame["is_total"]].iloc[0].to_dict()
    total["responses_without_id"] = int(no_id)
    return total, frame[~frame["is_total"]].drop(columns=["is_total"]).reset_index(drop=True)


def customer_totals(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str = "nps") -> dict:
    """The figures for everyone in the filter (see ``customer_summary``)."""
    return customer_summary(con, filters, metric, by=None)[0]


def presentable(frame: pd.DataFrame) -> pd.DataFrame:
    """Customer view columns with plain names that never confuse customers with responses."""
    if frame.empty:
        return frame
    out = pd.DataFrame({
        "Function": frame["group"],
        "Customers": frame["customers"],
        "Responses": frame["responses"],
        "Customers really happy": (frame["really_happy_share"] * 100).round(1).astype(str) + "% ("
        + (frame["really_happy_low"] * 100).round(1).astype(str) + "–"
        + (frame["really_happy_high"] * 100).round(1).astype(str) + "%)",
        "Customers with 2+ answers": frame["repeat_customers"],
        "Moved up": frame["moved_up"],
        "Stayed": frame["stayed"],
        "Moved down": frame["moved_down"],
    })
    return out
