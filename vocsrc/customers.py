"""Customers as the unit: counts of customers (not responses), the share of customers
really happy on their latest answer, and who moved up or down between their first
and latest answer in the period."""

from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.metrics import group_expr
from vocsrc.stats import get_metric, wilson

SCORED = ("nps", "csat", "ces", "stars")


def _band_index_sql(metric: str, column: str | None = None) -> str:
    """SQL giving a band's position (0 = worst) for a score, from the stats definitions."""
    m = get_metric(metric)
    column = column or metric
    whens = " ".join(f"WHEN {column} BETWEEN {min(b.scores)} AND {max(b.scores)} THEN {i}"
                     for i, b in enumerate(m.bands))
    return f"CASE {whens} END"


def _figures_sql(source: str, top_lo: int, top_hi: int, weight: str = "", responses: str = "sum(answers)") -> str:
    """The outer SELECT shared by both paths: per group and in total, from per-customer rows
    (``weight`` names a column counting how many customers a row stands for)."""
    n = f"sum({weight})" if weight else "count(*)"

    def count(condition: str) -> str:
        return f"coalesce({n} FILTER (WHERE {condition}), 0)::BIGINT"

    return f"""
        SELECT CASE WHEN grouping(grp) = 1 THEN NULL ELSE grp END AS "group", grouping(grp) = 1 AS is_total,
               coalesce({n}, 0)::BIGINT AS customers, {responses}::BIGINT AS responses,
               {count(f"latest BETWEEN {top_lo} AND {top_hi}")} AS really_happy,
               {count("answers >= 2")} AS repeat_customers,
               {count("answers >= 2 AND latest_band > first_band")} AS moved_up,
               {count("answers >= 2 AND latest_band < first_band")} AS moved_down,
               {count("answers >= 2 AND latest_band = first_band")} AS stayed
        FROM {source} GROUP BY GROUPING SETS ((grp), ())
        ORDER BY is_total DESC, customers DESC, "group" """


def _plain_sql(metric: str, by: str | None, where: str, top_lo: int, top_hi: int) -> str:
    """Per-customer figures straight from ``feedback``: any grouping, any store."""
    # Equal times are ordered by storage order, as in customer_answers, so both paths pick
    # the same answer as first or latest (arg_max on the time alone picks either).
    at = "CASE WHEN received_at IS NOT NULL THEN (received_at, rowid) END"
    return f"""WITH answers AS (
                SELECT customer_id, {group_expr(by)} AS grp, {at} AS answered, {metric} AS score,
                       {_band_index_sql(metric)} AS band
                FROM feedback WHERE {where} AND customer_id IS NOT NULL AND {metric} IS NOT NULL),
            per_customer AS (
                SELECT customer_id, arg_max(grp, answered) AS grp, count(*) AS answers,
                       arg_max(score, answered) AS latest, arg_min(band, answered) AS first_band,
                       arg_max(band, answered) AS latest_band
                FROM answers GROUP BY customer_id)
            {_figures_sql("per_customer", top_lo, top_hi)}"""


# Layout of the integers whose max and min give a customer's latest and first answer:
# answer position (row order of customer_answers), then the cell, then the score.
_SCORE_BITS = 4
_CELL_BITS = 16


def _fast_sql(metric: str, by: str | None, dates: Filters, segments: Filters, top_lo: int,
              top_hi: int) -> tuple[str, list]:
    """The same figures from the ``customer_answers`` rollup (see ``rollup.py``)."""
    date_where, params = dates.where()
    segment_where, segment_params = segments.where()
    cells = "" if segment_where == "true" else f" AND cell IN (SELECT cell FROM customer_cells WHERE {segment_where})"
    low = 2 ** _SCORE_BITS
    high = 2 ** (_SCORE_BITS + _CELL_BITS)
    last, first = f"rowid * {high} + cell * {low} + {metric}", f"rowid * {low} + {metric}"
    if dates.date_from is None and dates.date_to is None:
        # Answers without a date count as responses but are never first or latest (arg_max
        # ignores them in the plain query): NULL packs leave them out of max and min. A date
        # range excludes them already, and the CASE cost a fifth of the query.
        last, first = (f"CASE WHEN received_at IS NOT NULL THEN {x} END" for x in (last, first))
    sql = f"""WITH per_customer AS (
                SELECT count(*) AS answers, max({last}) AS last_p, min({first}) AS first_p
                FROM customer_answers WHERE {date_where} AND {metric} IS NOT NULL{cells}
                GROUP BY customer_key),
            -- Customers alike in everything the figures need collapse to one row before the join.
            per_kind AS (
                SELECT (last_p // {low}) % {2 ** _CELL_BITS} AS cell, last_p % {low} AS latest,
                       first_p % {low} AS first_score, least(answers, 2) AS two_or_more, count(*) AS customers,
                       sum(answers) AS all_answers
                FROM per_customer GROUP BY ALL),
            per_group AS (
                SELECT CASE WHEN p.cell IS NOT NULL THEN {group_expr(by)} END AS grp, p.customers,
                       p.all_answers, p.two_or_more AS answers, p.latest,
                       {_band_index_sql(metric, "p.first_score")} AS first_band,
                       {_band_index_sql(metric, "p.latest")} AS latest_band
                FROM per_kind p LEFT JOIN customer_cells c ON c.cell = p.cell)
            {_figures_sql("per_group", top_lo, top_hi, weight="customers", responses="sum(all_answers)")}"""
    return sql, params + segment_params


def customer_view(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str = "nps",
                  by: str | None = "function") -> pd.DataFrame:
    """Per group: customers, responses, % customers really happy (latest answer), moved up/down/same.

    A customer's group is that of their latest answer; movement needs two answers in the period
    and counts a change of band (a 9 to a 10 is not a move). Answers at the same time are taken
    in the order they were stored.
    """
    if metric not in SCORED:
        raise ValueError(f"customer view needs a score metric ({', '.join(SCORED)})")
    from vocsrc import rollup

    m = get_metric(metric)
    top_lo, top_hi = min(m.top_box), max(m.top_box)
    if (by is None or by in DIMENSIONS) and rollup.customers_current(con):
        segments = replace(filters, date_from=None, date_to=None)
        sql, params = _fast_sql(metric, by, Filters(filters.date_from, filters.date_to), segments, top_lo, top_hi)
    else:
        where, params = filters.where()
        sql = _plain_sql(metric, by, where, top_lo, top_hi)
    frame = con.execute(sql, params).df()
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
