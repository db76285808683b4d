"""Keeping promises: promise-kept % where the data has due dates, and
broken-promise language in complaint text.

No standard metric exists (methodology note), so we count commitments kept by
type: a promise with a due date is kept when the complaint closed on or before
it; one still open past its due date is broken; one still open and not yet due
is not counted. Every complaint whose closing can be judged also counts once
as "complaint closed within its deadline".

The text detector is rules, not a model: patterns (data in complaints.toml)
plus the CX-aware sentiment already stored per text. The same patterns run as
Python ``re`` here and as DuckDB RE2 in SQL, so the page and the tests agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pandas as pd

from vocsrc.complaints.config import BrokenPromiseRules, load_config
from vocsrc.complaints.queries import _base, as_of_date, group_column
from vocsrc.filters import Filters
from vocsrc.stats import wilson

METHOD = ("broken-promise text: a 'strong' pattern, or a commitment followed by non-delivery "
          "with CX-aware sentiment at or below the threshold (patterns in complaints.toml)")


@dataclass(frozen=True)
class Detection:
    flagged: bool
    rule: str  # 'strong' | 'commitment + non-delivery' | ''
    evidence: str  # the matched words, for a reader to check


@lru_cache(maxsize=8)
def _compiled(rules: BrokenPromiseRules) -> tuple[re.Pattern, re.Pattern]:
    return re.compile(rules.strong_pattern, re.I), re.compile(rules.window_pattern, re.I)


def detect_broken_promise(text: str | None, cx_compound: float | None,
                          rules: BrokenPromiseRules | None = None) -> Detection:
    """Does this complaint say a promise was broken? ``cx_compound`` None means unscored:
    the commitment rule then goes without the sentiment gate (as the SQL does)."""
    rules = rules or load_config().broken_promise
    if not text:
        return Detection(False, "", "")
    strong, window = _compiled(rules)
    m = strong.search(text)
    if m:
        return Detection(True, "strong", m.group(0))
    m = window.search(text)
    if m and (cx_compound is None or cx_compound <= rules.max_cx_compound):
        return Detection(True, "commitment + non-delivery", m.group(0)[:160])
    return Detection(False, "", "")


def broken_promise_sql(rules: BrokenPromiseRules) -> tuple[str, list]:
    """The same rule as ``detect_broken_promise`` as a SQL condition over ``text`` and ``cx_compound``."""
    sql = ("(regexp_matches(text, ?, 'i') OR (regexp_matches(text, ?, 'i') "
           "AND (cx_compound IS NULL OR cx_compound <= ?)))")
    return sql, [rules.strong_pattern, rules.window_pattern, rules.max_cx_compound]


def broken_promise_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None) -> pd.DataFrame:
    """group, with_text, scored, flagged, share: complaints whose text reads as a broken promise."""
    cfg = load_config()
    cond, cparams = broken_promise_sql(cfg.broken_promise)
    where, params = filters.where()
    return con.execute(
        f"""SELECT {group_column(by)} AS "group", count(*) AS with_text, count(cx_compound) AS scored,
                   count(*) FILTER (WHERE {cond}) AS flagged,
                   round(count(*) FILTER (WHERE {cond}) / count(*), 4) AS share
            FROM feedback_scored WHERE kind = 'complaint' AND text IS NOT NULL AND {where}
            GROUP BY 1 ORDER BY flagged DESC, "group" """, [*cparams, *cparams, *params]).df()


def broken_promise_examples(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 5,
                            seed: int = 7) -> pd.DataFrame:
    """A reproducible sample of flagged complaints (seeded hash order), for a reader to judge."""
    cfg = load_config()
    cond, cparams = broken_promise_sql(cfg.broken_promise)
    where, params = filters.where()
    return con.execute(
        f"""SELECT received_at::DATE AS date, function, category, round(cx_compound, 2) AS sentiment,
                   neg_sentence, text
            FROM feedback_scored WHERE kind = 'complaint' AND text IS NOT NULL AND {where} AND {cond}
            ORDER BY hash(feedback_id || ?::VARCHAR) LIMIT ?""", [*params, *cparams, str(seed), limit]).df()


def _type_case(names_sql: str) -> tuple[str, list]:
    cfg = load_config()
    whens, params = [], []
    for t in cfg.promise_types:
        whens.append(f"WHEN len(list_filter(?::VARCHAR[], lambda k: contains({names_sql}, k))) > 0 THEN ?")
        params += [list(t.keywords), t.name]
    return f"CASE {' '.join(whens)} ELSE ? END", [*params, cfg.promise_default_type]


def promise_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = "function") -> pd.DataFrame:
    """group, promise_type, kept, broken: due-date promises by type, plus closed-within-deadline."""
    cfg = load_config()
    as_of = as_of_date(con)
    base, params = _base(cfg, filters, as_of)
    names = "lower(coalesce(category, '') || ' ' || coalesce(sub_issue, ''))"
    type_sql, type_params = _type_case(names)
    frame = con.execute(
        f"""{base},
            due AS (
                SELECT {group_column(by)} AS "group", {type_sql} AS promise_type,
                       CASE WHEN closed_at IS NOT NULL THEN closed_at <= due_at
                            WHEN ?::DATE > due_at THEN false END AS kept
                FROM c2 WHERE due_at IS NOT NULL),
            closing AS (
                SELECT {group_column(by)} AS "group", ? AS promise_type, in_time AS kept FROM c2)
            SELECT "group", promise_type, count(*) FILTER (WHERE kept) AS kept,
                   count(*) FILTER (WHERE NOT kept) AS broken
            FROM (SELECT * FROM due UNION ALL SELECT * FROM closing)
            WHERE kept IS NOT NULL GROUP BY ALL ORDER BY "group", promise_type""",
        [*params, *type_params, as_of, cfg.promise_closed_type]).df()
    return frame


def promise_kept(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = "function",
                 min_n: int = 30, top: int = 12) -> pd.DataFrame:
    """promise_counts with n, kept share and its Wilson 95% interval; solid when n >= min_n.
    Only the ``top`` groups with the most promises are kept (a CFPB export has hundreds of companies)."""
    frame = promise_counts(con, filters, by)
    if frame.empty:
        return frame.assign(n=[], share=[], low=[], high=[], solid=[])
    frame["n"] = frame["kept"] + frame["broken"]
    biggest = frame.groupby("group")["n"].sum().nlargest(top).index
    frame = frame[frame["group"].isin(biggest)].reset_index(drop=True)
    est = [wilson(int(k), int(n)) for k, n in zip(frame["kept"], frame["n"])]
    frame["share"] = [e[0] for e in est]
    frame["low"] = [e[1] for e in est]
    frame["high"] = [e[2] for e in est]
    frame["solid"] = frame["n"] >= min_n
    return frame
