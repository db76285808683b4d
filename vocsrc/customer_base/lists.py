"""Lists of named customers: long-standing customers to contact in person after a recent bad
experience, long-standing promoters to thank, and the marketing suppression list.

Exports go through ``safe_csv``: comments are redacted (emails, phone, card and account
numbers, postcodes, self-introduced names) and every text cell a spreadsheet would run as a
formula is neutralised, so a CSV opened in Excel shows what customers wrote and runs nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.customer_base.queries import day_number, dims_condition, feedback_condition, window
from vocsrc.customer_base.summary import ALIAS, LONG_STANDING_YEARS, NO_DAY_BEFORE, WHAT_SQL, summary_cursor
from vocsrc.filters import Filters
from vocsrc.privacy import neutralise_cell, neutralise_formulas, redact

RECENT_DAYS = 90
_BAD_SQL = """(f.kind = 'complaint' OR f.nps <= 6 OR f.csat <= 2 OR f.stars <= 2 OR f.ces <= 3
               OR f.cx_label = 'negative')"""
# Per list: the summary table and flag that qualify a customer, the store condition for the
# fallback, the count's column name, and the remarks condition (see _long_standing).
_LISTS = {"contact": ("contacts", "bad", _BAD_SQL, "bad_experiences", "bad"),
          "thank": ("nps", "true", "f.nps IS NOT NULL", "nps_answers", "nps IS NOT NULL")}


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
    return _long_standing(con, filters, days, min_years, *_LISTS["contact"])[0]


def thank_list(con: duckdb.DuckDBPyConnection, filters: Filters, days: int = RECENT_DAYS,
               min_years: float = LONG_STANDING_YEARS) -> pd.DataFrame:
    """Current customers of ``min_years``+ standing whose latest NPS answer in the last ``days``
    was 9-10."""
    return _long_standing(con, filters, days, min_years, *_LISTS["thank"])[0]


@dataclass(frozen=True)
class ListHead:
    """The first rows of a list, in list order, and how many customers the whole list holds."""

    rows: pd.DataFrame
    total: int


def heads(con: duckdb.DuckDBPyConnection, filters: Filters, days: int = RECENT_DAYS, limit: int = 200,
          min_years: float = LONG_STANDING_YEARS) -> dict[str, ListHead]:
    """What the page shows of the contact and thank lists: their first ``limit`` rows and sizes.
    Only the rows shown carry what the customer said (the whole list is for the CSV)."""
    out = {}
    for name, args in _LISTS.items():
        rows, total = _long_standing(con, filters, days, min_years, *args, limit=limit)
        out[name] = ListHead(rows=rows, total=total)
    return out


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
_PROMOTERS = ("NPS 9", "NPS 10")


def _long_standing(con, filters, days, min_years, table, flag, condition, count_name, remark,
                   limit: int | None = None) -> tuple[pd.DataFrame, int]:
    """(the list, or its first ``limit`` rows; how many customers the whole list holds)."""
    promoters_only = count_name == "nps_answers"
    cur = summary_cursor(con)
    try:
        recent = _recent(cur, filters, days)
        if recent is None:
            return pd.DataFrame(), 0
        (since, until), as_of = recent
        dims, params = feedback_condition(filters, alias="f")
        joined_by = cur.execute(f"SELECT remarks_joined_by FROM {ALIAS}.meta").fetchall()[0][0]
        # Integer days (see summary.py): tenure >= Y years exactly when joined_day <= A - ceil(365.25 Y).
        people = """SELECT ck, customer_id, segment, region, joined_at, revenue_12m,
                           round((? - joined_day) / 365.25, 1) AS tenure_years
                    FROM {table}
                    WHERE joined_day BETWEEN ? AND ? AND left_day > ?"""
        today = day_number(as_of)
        people_params = [today, NO_DAY_BEFORE + 1, today - math.ceil(365.25 * min_years), today]
        covered = _remarks_cover(joined_by, as_of, min_years)
        # Covered, everyone long-standing is among the customers the remarks are about (elders).
        people = people.format(table=f"{ALIAS}.elders" if covered else f"{ALIAS}.people")
        if covered:
            # One read of the summary's recent window, sorted by date, and no store scan. Who is
            # listed, and in which order, needs no text: only the rows returned fetch what was said.
            latest_nps, keep = ("arg_max(nps, received_at) AS latest_nps,", "WHERE latest_nps >= 9") \
                if promoters_only else ("", "")
            frame = cur.execute(
                f"""WITH p AS ({people}),
                    hits AS (SELECT ck, received_at, what, function, source, text, nps FROM {ALIAS}.remarks f
                             WHERE {remark} AND f.received_at >= ? AND f.received_at < ? AND {dims}
                               AND ck IN (SELECT ck FROM p)),
                    counted AS (SELECT ck, {latest_nps} count(*) AS {count_name},
                                       max(received_at)::DATE AS latest_on FROM hits GROUP BY ck),
                    listed AS (SELECT *, count(*) OVER () AS listed_total FROM counted JOIN p USING (ck) {keep}
                               {_ORDER} {'LIMIT ?' if limit is not None else ''}),
                    said AS (SELECT ck, arg_max(what, received_at) AS what, arg_max(function, received_at) AS function,
                                    arg_max(source, received_at) AS source, arg_max(text, received_at) AS comment
                             FROM hits WHERE ck IN (SELECT ck FROM listed) GROUP BY ck)
                    SELECT p.customer_id, p.segment, p.region, p.joined_at, p.tenure_years, p.revenue_12m,
                           p.latest_on, l.what, l.function, l.source, p.{count_name}, l.comment, p.listed_total
                    FROM listed p JOIN said l USING (ck) {_ORDER}""",
                [*people_params, since, until, *params, *([limit] if limit is not None else [])]).df()
            total = int(frame["listed_total"].iloc[0]) if len(frame) else 0
            return frame.drop(columns=["listed_total"]), total
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
        frame = con.execute(
            f"""WITH hits AS (
                    SELECT f.customer_id, f.received_at, {WHAT_SQL} AS what, f.function, f.source, f.text
                    FROM feedback_scored f SEMI JOIN cb_people p ON p.customer_id = f.customer_id
                    WHERE f.received_at >= ? AND f.received_at < ? AND {dims} AND {condition}),
                l AS (SELECT customer_id, {_LATEST.format(count_name=count_name)} FROM hits GROUP BY customer_id)
                SELECT {_COLUMNS.format(count_name=count_name)} FROM l JOIN cb_people p USING (customer_id) {_ORDER}""",
            [since, until, *params]).df()
    finally:
        con.unregister("cb_people")
    if promoters_only:
        frame = frame[frame["what"].isin(_PROMOTERS)].reset_index(drop=True)
    return (frame if limit is None else frame.head(limit)), len(frame)


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


def export_csv(con: duckdb.DuckDBPyConnection, filters: Filters, which: str, days: int = RECENT_DAYS) -> str:
    """The whole contact or thank list as safe CSV (see ``safe_csv``)."""
    lists = {"contact": contact_list, "thank": thank_list}
    if which not in lists:
        raise ValueError(f"no list named {which!r}; choose one of {', '.join(lists)}")
    return safe_csv(lists[which](con, filters, days))


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
