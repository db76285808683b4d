"""Turn staged text cells into typed feedback values, or a reason per row.

Validation runs as one DuckDB query over the staging table, so a million rows
cost seconds, not minutes. Every piece of user-derived text (column names,
value maps, messages) goes in as a bound parameter; the only identifiers in
the SQL are our own staging column names ``c0``, ``c1``, ... and store fields
from ``FEEDBACK_FIELDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from vocsrc.ingest.mapping import Mapping
from vocsrc.store.schema import FEEDBACK_FIELDS, METRIC_SCALES

MAX_TEXT_CHARS = 100_000
# Answers that mean "not answered" in survey exports: a missing score, not a bad one.
MISSING_TOKENS = ["n/a", "na", "-", "null", "none", "not applicable", "no answer", "nan", "#n/a"]
TRUE_TOKENS = ["yes", "y", "true", "t", "1"]
FALSE_TOKENS = ["no", "n", "false", "f", "0"]

# Unambiguous layouts are always tried; slash dates need a day/month order.
_ALWAYS = ["%Y/%m/%d", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S", "%d-%b-%y", "%d-%b-%Y",
           "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%Y%m%d"]
_MDY = ["%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%y %H:%M",
        "%m/%d/%Y %I:%M %p", "%m-%d-%Y", "%m.%d.%Y"]
_DMY = ["%d/%m/%Y", "%d/%m/%y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%y %H:%M",
        "%d-%m-%Y", "%d.%m.%Y", "%d.%m.%Y %H:%M"]
_TZ = ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S%z"]

REQUIRED_ANY: dict[str, tuple[str, ...]] = {
    "survey": ("nps", "csat", "ces", "text"),
    "review": ("stars", "text"),
    "complaint": ("category", "sub_issue", "text"),
}
_REQUIRED_TEXT = {
    "survey": "a survey row needs a score (NPS, CSAT or CES) or a comment",
    "review": "a review needs stars or text",
    "complaint": "a complaint needs a category, an issue or a narrative",
}


@dataclass
class Params:
    """Collects bound parameters and hands out their placeholders."""

    values: dict[str, object] = field(default_factory=dict)

    def add(self, value: object) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def _cell(col: str, target: str, mapping: Mapping, p: Params, missing: bool = False) -> str:
    """The trimmed cell, with the mapping's value table applied.

    With ``missing``, tokens like 'N/A' or 'NA' count as empty (survey and R exports
    write them for unanswered questions).
    """
    base = f"nullif(trim({col}), '')"
    if missing:
        base = f"CASE WHEN list_contains({p.add(MISSING_TOKENS)}, lower(trim({col}))) THEN NULL ELSE {base} END"
    table = mapping.values.get(target)
    if not table:
        return base
    default = table.get("*")
    whens = " ".join(f"WHEN {base} = {p.add(k)} THEN {p.add(v)}" for k, v in table.items() if k != "*")
    other = p.add(default) if default is not None else base
    return f"(CASE WHEN {base} IS NULL THEN NULL {whens} ELSE {other} END)" if whens else \
        f"(CASE WHEN {base} IS NULL THEN NULL ELSE {other} END)"


def date_formats(con: duckdb.DuckDBPyConnection, cols: list[str], order: str) -> list[str]:
    """Pick day-first or month-first for slash dates from what parses more values."""
    if order == "mdy":
        return _ALWAYS + _MDY
    if order == "dmy":
        return _ALWAYS + _DMY
    if not cols:
        return _ALWAYS + _MDY
    p = Params()
    mdy, dmy = p.add(_MDY), p.add(_DMY)
    parts = ", ".join(f"count(try_strptime(trim({c}), {mdy})) + 0, count(try_strptime(trim({c}), {dmy}))"
                      for c in cols)
    counts = con.execute(f"SELECT {parts} FROM stg", p.values).fetchone()
    n_mdy, n_dmy = sum(counts[0::2]), sum(counts[1::2])
    # Ties (every day <= 12) fall back to month-first, the US and Qualtrics default.
    return _ALWAYS + (_DMY if n_dmy > n_mdy else _MDY)


def build_select(mapping: Mapping, col_of: dict[str, str], labels: dict[str, str],
                 extra_cols: dict[str, str], fmts: list[str], p: Params) -> str:
    """SELECT over ``stg`` giving typed fields, the feedback id and a list of errors."""
    typed: list[str] = []
    errors: list[str] = []
    for target in FEEDBACK_FIELDS:
        col = col_of.get(target)
        if col is None:
            typed.append(f"NULL::{FEEDBACK_FIELDS[target]} AS {target}")
            continue
        raw = _cell(col, target, mapping, p)
        typ = FEEDBACK_FIELDS[target]
        checked = target in METRIC_SCALES or target == "text" or typ in ("TIMESTAMP", "DATE", "BOOLEAN")
        # Bind the column name only where a message uses it: DuckDB rejects unused parameters.
        label = p.add(labels[target]) if checked else ""
        if target in METRIC_SCALES:
            lo, hi = METRIC_SCALES[target]
            missing = p.add(MISSING_TOKENS)
            num = f"TRY_CAST(regexp_extract({raw}, '^\\s*(-?\\d+(?:\\.\\d+)?)\\s*(?:$|[-:–(]|\\s)', 1) AS DOUBLE)"
            is_missing = f"({raw} IS NULL OR list_contains({missing}, lower({raw})))"
            typed.append(f"CASE WHEN {is_missing} THEN NULL ELSE TRY_CAST({num} AS UTINYINT) END AS {target}")
            errors.append(
                f"CASE WHEN {is_missing} THEN NULL "
                f"WHEN {num} IS NULL THEN {{'col': {label}, 'msg': format('{{}} ''{{}}'' is not a number', {label}, {raw})}} "
                f"WHEN {num} <> floor({num}) THEN {{'col': {label}, 'msg': format('{{}} {{}} is not a whole "
                f"number on the {target.upper()} scale {lo}-{hi}', {label}, {raw})}} "
                f"WHEN {num} < {lo} OR {num} > {hi} THEN "
                f"{{'col': {label}, 'msg': format('{{}} {{}} is outside the {target.upper()} scale {lo}-{hi}', {label}, {raw})}} END")
        elif typ in ("TIMESTAMP", "DATE"):
            f_list, tz_list = p.add(fmts), p.add(_TZ)
            parsed = (f"coalesce(TRY_CAST({raw} AS TIMESTAMP), try_strptime({raw}, {f_list})::TIMESTAMP, "
                      f"try_strptime({raw}, {tz_list})::TIMESTAMP)")
            typed.append(f"{parsed}::{typ} AS {target}")
            missing_msg = ""
            if target == "received_at":
                missing_msg = (f"WHEN {raw} IS NULL THEN {{'col': {label}, "
                               f"'msg': format('missing required field: {{}} (the date received) is empty', {label})}} ")
            errors.append(
                f"CASE {missing_msg}WHEN {raw} IS NOT NULL AND {parsed} IS NULL THEN "
                f"{{'col': {label}, 'msg': format('{{}} ''{{}}'' is not a date this import understands', {label}, {raw})}} END")
        elif typ == "BOOLEAN":
            raw = _cell(col, target, mapping, p, missing=True)
            t, f = p.add(TRUE_TOKENS), p.add(FALSE_TOKENS)
            typed.append(f"CASE WHEN list_contains({t}, lower({raw})) THEN true "
                         f"WHEN list_contains({f}, lower({raw})) THEN false END AS {target}")
            errors.append(
                f"CASE WHEN {raw} IS NOT NULL AND NOT list_contains({t}, lower({raw})) AND NOT list_contains({f}, lower({raw})) "
                f"THEN {{'col': {label}, 'msg': format('{{}} ''{{}}'' is not yes/no', {label}, {raw})}} END")
        elif target == "text":
            raw = _cell(col, target, mapping, p, missing=True)
            typed.append(f"{raw} AS {target}")
            errors.append(
                    f"CASE WHEN length({raw}) > {MAX_TEXT_CHARS} THEN {{'col': {label}, 'msg': "
                    f"format('{{}} is {{:,}} characters long; the limit is {MAX_TEXT_CHARS:,} "
                    f"(an unclosed quote in the file?)', {label}, length({raw}))}} END")
        else:
            typed.append(f"{raw} AS {target}")
    need = [t for t in REQUIRED_ANY[mapping.kind or "survey"] if t in col_of]
    present = " OR ".join(f"{_cell(col_of[t], t, mapping, p, missing=t in METRIC_SCALES or t == 'text')} IS NOT NULL"
                          for t in need) or "false"
    errors.append(f"CASE WHEN NOT ({present}) THEN {{'col': NULL, "
                  f"'msg': {p.add('missing required field: ' + _REQUIRED_TEXT[mapping.kind or 'survey'])}}} END")
    if extra_cols:
        pairs = ", ".join(f"{p.add(name)}, nullif(trim({col}), '')" for name, col in extra_cols.items())
        extra = f"json_object({pairs})"
    else:
        extra = "NULL::JSON"
    return (f"SELECT _line, {', '.join(typed)}, {extra} AS extra, "
            f"list_filter([{', '.join(errors)}], lambda e: e IS NOT NULL) AS errs FROM stg")
