"""Complaint aggregates in DuckDB: volume by driver, failure demand, repeats,
closing against deadlines, taxonomy counts and the inputs to the signal tests.

Every query starts from one CTE (``_base``) that adds, per complaint, its
demand class, whether it is a repeat, its deadline and whether it closed in
time. Values (keywords, deadlines, dates, the repeat window) are bound
parameters; identifiers come only from the allow-lists below.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from vocsrc.complaints.config import ComplaintsConfig, load_config
from vocsrc.filters import Filters

# Groupings a caller may ask for -> the column they read (the identifier allow-list).
GROUPS: dict[str, str] = {
    "function": "function", "channel": "channel", "driver": "category", "category": "category",
    "sub_issue": "sub_issue", "source": "source", "product": "product", "region": "region",
}
DRIVERS: dict[str, str] = {"category": "category", "sub_issue": "sub_issue", "theme": "theme"}
PERIODS: dict[str, str] = {
    "month": "strftime(received_at, '%Y-%m')",
    "quarter": "strftime(received_at, '%Y') || '-Q' || quarter(received_at)::VARCHAR",
    "year": "strftime(received_at, '%Y')",
}
NOT_GIVEN = "(not given)"
# A complaint is a repeat when its customer complained before within the window (bound: days).
REPEAT_FLAG = """CASE WHEN customer_id IS NULL THEN NULL
    ELSE coalesce(date_diff('day', lag(received_at) OVER (
        PARTITION BY customer_id ORDER BY received_at, feedback_id), received_at) <= ?, false) END"""


def group_column(by: str | None) -> str:
    if by is None:
        return "'All'"
    if by not in GROUPS:
        raise ValueError(f"cannot group complaints by {by!r}; choose one of {', '.join(GROUPS)}")
    return f"coalesce(nullif(trim({GROUPS[by]}), ''), '{NOT_GIVEN}')"


def _driver_column(driver: str) -> str:
    if driver not in DRIVERS:
        raise ValueError(f"unknown driver {driver!r}; choose one of {', '.join(DRIVERS)}")
    return f"coalesce(nullif(trim({DRIVERS[driver]}), ''), '{NOT_GIVEN}')"


def demand_case(cfg: ComplaintsConfig, expr: str) -> tuple[str, list]:
    """SQL for 'failure' | 'value' | 'unclassified' of a name column, keywords bound as lists."""
    fail_exact = [k for k, v in cfg.demand_exact.items() if v == "failure"]
    value_exact = [k for k, v in cfg.demand_exact.items() if v == "value"]
    low = f"lower(trim({expr}))"
    sql = (f"CASE WHEN {expr} IS NULL THEN 'unclassified' "
           f"WHEN list_contains(?::VARCHAR[], {low}) THEN 'failure' "
           f"WHEN list_contains(?::VARCHAR[], {low}) THEN 'value' "
           f"WHEN len(list_filter(?::VARCHAR[], lambda k: contains({low}, k))) > 0 THEN 'failure' "
           f"WHEN len(list_filter(?::VARCHAR[], lambda k: contains({low}, k))) > 0 THEN 'value' "
           f"ELSE 'unclassified' END")
    return sql, [fail_exact, value_exact, list(cfg.failure_keywords), list(cfg.value_keywords)]


def deadline_case(cfg: ComplaintsConfig) -> tuple[str, list]:
    sources = list(cfg.deadline_by_source.items())
    if not sources:
        return "?::INTEGER", [cfg.default_deadline_days]
    whens = " ".join("WHEN ? THEN ?" for _ in sources)
    params: list = [x for pair in sources for x in pair]
    return f"CASE source {whens} ELSE ? END", [*params, cfg.default_deadline_days]


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The data's own 'today': the newest complaint received. No wall clock, so figures reproduce."""
    row = con.execute("SELECT max(received_at)::DATE FROM feedback WHERE kind = 'complaint'").fetchone()
    return row[0] if row else None


def _base(cfg: ComplaintsConfig, filters: Filters, as_of: dt.date | None) -> tuple[str, list]:
    """``WITH c AS (...)``: filtered complaints with demand, repeat, deadline and in-time columns."""
    where, wparams = filters.where()
    sub_sql, sub_p = demand_case(cfg, "sub_issue")
    cat_sql, cat_p = demand_case(cfg, "category")
    themes = cfg.theme_demand()
    theme_lists = [[k for k, v in themes.items() if v == "failure"], [k for k, v in themes.items() if v == "value"]]
    dl_sql, dl_p = deadline_case(cfg)
    as_of = as_of or dt.date(9999, 12, 31)
    # Repeats are judged against all complaints, so a repeat whose first complaint
    # falls before the chosen date range still counts as a repeat.
    sql = f"""WITH themed AS (
            SELECT t.text_hash,
                   bool_or(list_contains(?::VARCHAR[], t.theme)) AS any_failure,
                   bool_or(list_contains(?::VARCHAR[], t.theme)) AS any_value
            FROM text_themes t GROUP BY 1),
        allc AS (
            SELECT *, {REPEAT_FLAG} AS is_repeat,
                   count(closed_at) OVER (PARTITION BY source) > 0 AS source_dates_closing
            FROM feedback WHERE kind = 'complaint'),
        c AS (
            SELECT a.*,
                   CASE WHEN ({sub_sql}) <> 'unclassified' THEN ({sub_sql})
                        WHEN ({cat_sql}) <> 'unclassified' THEN ({cat_sql})
                        WHEN th.any_failure THEN 'failure'
                        WHEN th.any_value THEN 'value'
                        ELSE 'unclassified' END AS demand,
                   {dl_sql} AS deadline_days,
                   CASE WHEN a.closed_at IS NOT NULL AND a.opened_at IS NOT NULL
                        THEN date_diff('day', a.opened_at, a.closed_at) END AS days_to_close
            FROM allc a LEFT JOIN themed th USING (text_hash)
            WHERE {where}),
        c2 AS (
            SELECT *,
                   -- A source that records close dates is judged on dates (an open complaint is
                   -- late once past its deadline, undecided before); one that does not (the
                   -- CFPB export) on its own timely flag.
                   CASE WHEN days_to_close IS NOT NULL THEN days_to_close <= deadline_days
                        WHEN source_dates_closing AND opened_at IS NOT NULL AND closed_at IS NULL
                             AND coalesce(status, '') NOT IN ('Closed', 'closed') THEN
                             CASE WHEN date_diff('day', opened_at, ?::DATE) > deadline_days THEN false END
                        WHEN timely IS NOT NULL THEN timely
                        WHEN closed_at IS NULL AND opened_at IS NOT NULL
                             AND coalesce(status, '') NOT IN ('Closed', 'closed')
                             AND date_diff('day', opened_at, ?::DATE) > deadline_days THEN false
                        END AS in_time
            FROM c)"""
    params = [*theme_lists, cfg.repeat_window_days,
              *sub_p, *sub_p, *cat_p, *cat_p, *dl_p, *wparams, as_of, as_of]
    return sql, params


def summary_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None) -> pd.DataFrame:
    """Per group: volume, demand classes, in-time, repeat, timely and disputed counts with their bases."""
    cfg = load_config()
    base, params = _base(cfg, filters, as_of_date(con))
    return con.execute(
        f"""{base}
            SELECT {group_column(by)} AS "group", count(*) AS volume,
                   count(*) FILTER (WHERE demand = 'failure') AS failure,
                   count(*) FILTER (WHERE demand = 'value') AS value,
                   count(*) FILTER (WHERE demand = 'unclassified') AS unclassified,
                   count(in_time) AS in_time_known, count(*) FILTER (WHERE in_time) AS in_time,
                   count(is_repeat) AS repeat_known, count(*) FILTER (WHERE is_repeat) AS repeats,
                   count(timely) AS timely_known, count(*) FILTER (WHERE timely) AS timely,
                   count(disputed) AS disputed_known, count(*) FILTER (WHERE disputed) AS disputed,
                   min(received_at)::DATE AS first, max(received_at)::DATE AS last
            FROM c2 GROUP BY 1 ORDER BY volume DESC, "group" """, params).df()


def volume_over_time(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str = "category",
                     period: str = "month", top: int = 8) -> pd.DataFrame:
    """period, driver, count for the ``top`` drivers by volume; the rest as 'All other drivers'."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    where, params = filters.where("f")
    col = _driver_column(driver)
    src = ("feedback f JOIN text_themes USING (text_hash)" if driver == "theme" else "feedback f")
    return con.execute(
        f"""WITH d AS (SELECT {PERIODS[period]} AS period,
                              {col} AS driver
                       FROM {src} WHERE f.kind = 'complaint' AND f.received_at IS NOT NULL AND {where}),
             ranked AS (SELECT driver, row_number() OVER (ORDER BY count(*) DESC, driver) AS rank
                        FROM d GROUP BY driver)
            SELECT period, CASE WHEN rank <= ? THEN d.driver ELSE 'All other drivers' END AS driver,
                   count(*) AS count
            FROM d JOIN ranked USING (driver) GROUP BY ALL ORDER BY period, count DESC""",
        [*params, top]).df()


def monthly_counts(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str = "category",
                   split: str | None = None) -> pd.DataFrame:
    """month (first day), driver, split, count, repeats: the input to the rising-driver test."""
    where, params = filters.where("f")
    # text_themes shares only text_hash with feedback, so bare column names stay unambiguous.
    col = _driver_column(driver)
    split_sql = group_column(split) if split else "'All'"
    join = "JOIN text_themes t USING (text_hash)" if driver == "theme" else ""
    cfg = load_config()
    return con.execute(
        f"""WITH r AS (SELECT *, {REPEAT_FLAG} AS is_repeat FROM feedback WHERE kind = 'complaint')
            SELECT date_trunc('month', f.received_at)::DATE AS month, {col} AS driver, {split_sql} AS split,
                   count(*) AS count, count(*) FILTER (WHERE f.is_repeat) AS repeats
            FROM r f {join} WHERE f.received_at IS NOT NULL AND {where}
            GROUP BY ALL ORDER BY month, driver""", [cfg.repeat_window_days, *params]).df()


def close_times(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """source, deadline_days, days_to_close, count for complaints with both dates."""
    cfg = load_config()
    base, params = _base(cfg, filters, as_of_date(con))
    return con.execute(
        f"""{base}
            SELECT source, deadline_days, days_to_close, count(*) AS count
            FROM c2 WHERE days_to_close IS NOT NULL AND days_to_close >= 0
            GROUP BY ALL ORDER BY source, days_to_close""", params).df()


def in_time_by_source(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """source, deadline_days, basis (dates | timely flag | open past deadline), known, in_time."""
    cfg = load_config()
    base, params = _base(cfg, filters, as_of_date(con))
    return con.execute(
        f"""{base}
            SELECT source, any_value(deadline_days) AS deadline_days,
                   CASE WHEN days_to_close IS NOT NULL THEN 'open and close dates'
                        WHEN source_dates_closing THEN 'still open past the deadline'
                        WHEN timely IS NOT NULL THEN 'the source''s own timely flag'
                        ELSE 'still open past the deadline' END AS basis,
                   count(*) AS known, count(*) FILTER (WHERE in_time) AS in_time
            FROM c2 WHERE in_time IS NOT NULL GROUP BY source, basis ORDER BY source, basis""", params).df()


def taxonomy_counts(con: duckdb.DuckDBPyConnection, filters: Filters, level: str = "category") -> pd.DataFrame:
    """name (None when not given), count: the raw material for the taxonomy-health checks."""
    if level not in ("category", "sub_issue"):
        raise ValueError(f"unknown taxonomy level {level!r}")
    where, params = filters.where()
    return con.execute(
        f"""SELECT nullif(trim({level}), '') AS name, count(*) AS count FROM feedback
            WHERE kind = 'complaint' AND {where} GROUP BY 1 ORDER BY count DESC, name""", params).df()


def demand_by_driver(con: duckdb.DuckDBPyConnection, filters: Filters, driver: str = "sub_issue") -> pd.DataFrame:
    """driver, demand class, count: shows which drivers the failure-demand map puts where."""
    cfg = load_config()
    col = _driver_column(driver)
    if driver == "theme":
        raise ValueError("demand by theme: use the theme bank's own list")
    cls_sql, cls_p = demand_case(cfg, DRIVERS[driver])
    where, params = filters.where()
    return con.execute(
        f"""SELECT {col} AS driver, {cls_sql} AS demand, count(*) AS count FROM feedback
            WHERE kind = 'complaint' AND {where} GROUP BY ALL ORDER BY count DESC, driver""",
        [*cls_p, *params]).df()
