"""Lists of named customers: long-standing customers to contact in person after a recent bad
experience, long-standing promoters to thank, and the marketing suppression list.

Exports go through ``safe_csv``: comments are redacted (emails, phone, card and account
numbers, postcodes, self-introduced names) and every text cell a spreadsheet would run as a
formula is neutralised, so a CSV opened in Excel shows what customers wrote and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import math

import duckdb
import pandas as pd

from vocsrc.customer_base.queries import day_number, dims_condition, feedback_condition, window
from vocsrc.customer_base.summary import ALIAS, LONG_STANDING_YEARS, NO_DAY_BEFORE, WHAT_SQL, summary_cursor
from vocsrc.filters import Filters
from vocsrc.privacy import neutralise_cell, neutralise_formulas, redact

RECENT_DAYS = 90
_BAD_SQL = """(f.kind = 'complaint' OR f.nps <= 6 OR f.csat <= 2 OR f.stars <= 2 OR f.ces <= 3
               OR f.cx_label = 'negative')"""


def _recent(cur: duckdb.DuckDBPyConnection, filters: Filters, days: int) -> tuple[list, dt.date] | None:
    win = window(cur, filters)
    if win is None:
        return None
    since = dt.datetime.combine(win.as_of - dt.timedelta(days=days - 1), dt.time())
    until = dt.datetime.combine(win.as_of + dt.timedelta(days=1), dt.time())
    return [since, until], win.as_of


def contact_list(con: duckdb.DuckDBPyConnection, filters: Filters, days: int = RECENT_DAYS,
                 min_years: float = LONG_STANDING_YEARS) -> pd.DataFrame:
    """Current customers of ``min_years``+ standing with a bad experience in the last ``days``
    before 'as of': a low score on any scale, a complaint or negative text. Latest one shown."""
    return _long_standing(con, filters, days, min_years, "contacts", "bad", _BAD_SQL, "bad_experiences", "bad")


def thank_list(con: duckdb.DuckDBPyConnection, filters: Filters, days: int = RECENT_DAYS,
               min_years: float = LONG_STANDING_YEARS) -> pd.DataFrame:
    """Current customers of ``min_years``+ standing whose latest NPS answer in the last ``days``
    was 9-10."""
    frame = _long_standing(con, filters, days, min_years, "nps", "true", "f.nps IS NOT NULL", "nps_answers",
                           "nps IS NOT NULL")
    return frame[frame["what"].isin(["NPS 9", "NPS 10"])].reset_index(drop=True)


def _remarks_cover(joined_by: dt.date | None, as_of: dt.date, min_years: float) -> bool:
    """Does the summary's remarks table hold everything the long-standing customers at ``as_of``
    said? It does when all of them joined by ``joined_by`` (the summary keeps those customers'
    bad experiences and NPS answers): not for an 'as of' after the last feedback or a shorter
    standing than the summary assumed."""
    return joined_by is not None and as_of - dt.timedelta(days=math.ceil(365.25 * min_years)) <= joined_by


_LATEST = """count(*) AS {count_name}, arg_max(what, received_at) AS what,
               max(received_at)::DATE AS latest_on, arg_max(function, received_at) AS function,
               arg_max(source, received_at) AS source, arg_max(text, received_at) AS comment"""
_COLUMNS = """p.customer_id, p.segment, p.region, p.joined_at, p.tenure_years, p.revenue_12m,
              l.latest_on, l.what, l.function, l.source, l.{count_name}, l.comment"""
_ORDER = "ORDER BY p.tenure_years DESC, p.revenue_12m DESC NULLS LAST, p.customer_id"


def _long_standing(con, filters, days, min_years, table, flag, condition, count_name, remark) -> pd.DataFrame:
    cur = summary_cursor(con)
    try:
        recent = _recent(cur, filters, days)
        if recent is None:
            return pd.DataFrame()
        (since, until), as_of = recent
        dims, params = feedback_condition(filters, alias="f")
        joined_by = cur.execute(f"SELECT remarks_joined_by FROM {ALIAS}.meta").fetchall()[0][0]
        # Integer days (see summary.py): tenure >= Y years exactly when joined_day <= A - ceil(365.25 Y).
        people = f"""SELECT ck, customer_id, segment, region, joined_at, revenue_12m,
                            round((? - joined_day) / 365.25, 1) AS tenure_years
                     FROM {ALIAS}.people
                     WHERE joined_day BETWEEN ? AND ? AND left_day > ?"""
        today = day_number(as_of)
        people_params = [today, NO_DAY_BEFORE + 1, today - math.ceil(365.25 * min_years), today]
        if _remarks_cover(joined_by, as_of, min_years):
            # One read of the summary's recent window, sorted by date, and no store scan.
            return cur.execute(
                f"""WITH p AS ({people}),
                    l AS (SELECT ck, {_LATEST.format(count_name=count_name)} FROM {ALIAS}.remarks f
                          WHERE {remark} AND f.received_at >= ? AND f.received_at < ? AND {dims}
                            AND ck IN (SELECT ck FROM p) GROUP BY ck)
                    SELECT {_COLUMNS.format(count_name=count_name)} FROM l JOIN p USING (ck) {_ORDER}""",
                [*people_params, since, until, *params]).df()
        # Who qualifies comes from the summary (integer keys, no text); only their rows are then
        # read from the store for what they said, so the ten-million-row table is never joined.
        coded, coded_params = dims_condition(cur, filters, alias="f")
        people_frame = cur.execute(
            f"""{people} AND ck IN (SELECT ck FROM {ALIAS}.{table} f
                                    WHERE {flag} AND f.day BETWEEN ? AND ? AND {coded})""",
            [*people_params, day_number(since.date()), day_number(as_of), *coded_params]).df()
    finally:
        cur.close()
    con.register("cb_people", people_frame)
    try:
        return con.execute(
            f"""WITH hits AS (
                    SELECT f.customer_id, f.received_at, {WHAT_SQL} AS what, f.function, f.source, f.text
                    FROM feedback_scored f SEMI JOIN cb_people p ON p.customer_id = f.customer_id
                    WHERE f.received_at >= ? AND f.received_at < ? AND {dims} AND {condition}),
                l AS (SELECT customer_id, {_LATEST.format(count_name=count_name)} FROM hits GROUP BY customer_id)
                SELECT {_COLUMNS.format(count_name=count_name)} FROM l JOIN cb_people p USING (customer_id) {_ORDER}""",
            [since, until, *params]).df()
    finally:
        con.unregister("cb_people")


def suppression_list(con: duckdb.DuckDBPyConnection, as_of: dt.date, days: int) -> pd.DataFrame:
    """Customers not to send marketing to: an open complaint (whenever opened), or in the last
    ``days`` up to ``as_of`` a detractor score (NPS 0-6), a low CSAT or star score (1-2) or a
    comment read as negative. Customers missing from the customer file are listed too: a live
    problem matters whatever the CRM says."""
    if days < 1:
        raise ValueError("--days must be at least 1")
    since = dt.datetime.combine(as_of - dt.timedelta(days=days - 1), dt.time())
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    return con.execute(
        """WITH reasons AS (
               SELECT customer_id, received_at,
                      CASE WHEN kind = 'complaint' AND closed_at IS NULL
                                AND lower(coalesce(status, '')) NOT IN ('closed', 'resolved') THEN 'open complaint'
                           WHEN received_at < ? THEN NULL
                           WHEN nps <= 6 THEN 'detractor'
                           WHEN csat <= 2 OR stars <= 2 THEN 'low score'
                           WHEN cx_label = 'negative' THEN 'negative comment' END AS reason
               FROM feedback_scored WHERE customer_id IS NOT NULL AND received_at < ?)
           SELECT r.customer_id, string_agg(DISTINCT r.reason, '; ' ORDER BY r.reason) AS reasons,
                  max(r.received_at)::DATE AS latest_on, bool_or(c.customer_id IS NOT NULL) AS in_customer_file
           FROM reasons r LEFT JOIN (SELECT DISTINCT customer_id FROM customer_versions) c USING (customer_id)
           WHERE r.reason IS NOT NULL
           GROUP BY r.customer_id ORDER BY r.customer_id""",
        [since, until]).df()


def redacted(frame: pd.DataFrame) -> pd.DataFrame:
    """The list with its comments' personal data replaced (for showing and for export)."""
    out = frame.copy()
    if "comment" in out.columns:
        out["comment"] = out["comment"].map(lambda t: redact(t) if isinstance(t, str) else t)
    return out


def safe_csv(frame: pd.DataFrame) -> str:
    """CSV text for a list: comments redacted, formula-like cells neutralised."""
    out = neutralise_formulas(redacted(frame))
    # privacy.neutralise_formulas checks for 'object' or 'string*' dtypes, and pandas 3's
    # default text dtype is named 'str': neutralise every text column here as well.
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            out[col] = out[col].map(neutralise_cell)
    return out.to_csv(index=False)
