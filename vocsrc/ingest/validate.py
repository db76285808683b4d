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
from vocsrc.store.schema import METRIC_SCALES, fields_for

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
    "customer": ("customer_id",),
}
_REQUIRED_TEXT = {
    "survey": "a survey row needs a score (NPS, CSAT or CES) or a comment",
    "review": "a review needs stars or text",
    "complaint": "a complaint needs a category, an issue or a narrative",
    "customer": "a customer row needs a customer id",
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
    # trim() costs a pass over every character; only a cell that starts or ends with a
    # space or a non-ASCII character (where Unicode spaces live) can change.
    edge = f"({col}[1] = ' ' OR {col}[-1] = ' ' OR {col}[1] >= chr(128) OR {col}[-1] >= chr(128))"
    base = f"nullif(CASE WHEN {edge} THEN trim({col}) ELSE {col} END, '')"
    if missing:
        # Only short cells can be a token; skipping lower() on long comments saves real time.
        base = (f"CASE WHEN length({col}) <= 20 AND list_contains({p.add(MISSING_TOKENS)}, lower(trim({col}))) "
                f"THEN NULL ELSE {base} END")
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
    # A sample decides the order; parsing every row with both lists would double the cost.
    counts = con.execute(f"SELECT {parts} FROM (SELECT * FROM stg LIMIT 20000)", p.values).fetchone()
    n_mdy, n_dmy = sum(counts[0::2]), sum(counts[1::2])
    # Ties (every day <= 12) fall back to month-first, the US and Qualtrics default.
    return _ALWAYS + (_DMY if n_dmy > n_mdy else _MDY)


def _err(cond: str, label: str, message: str, conds: list[str]) -> str:
    conds.append(cond)
    return f"CASE WHEN {cond} THEN {{'col': {label}, 'msg': {message}}} END"


def build_select(mapping: Mapping, col_of: dict[str, str], labels: dict[str, str],
                 extra_cols: dict[str, str], fmts: list[str], p: Params, keys: str = "",
                 exclude_cols: dict[str, str] | None = None) -> str:
    """SELECT over ``stg`` giving typed fields, a list of errors and (with ``keys``) the row keys.

    Three layers, so each cell is cleaned once however many checks read it: ``r_*`` the
    trimmed cell with value maps applied, ``n_*``/``d_*`` the parsed number or date, then
    the typed value and the error list.
    """
    raw_items, parsed_items, typed, errors = [], [], [], []
    conds: list[str] = []  # every error's condition: one cheap OR decides whether a row needs its list
    for target, typ in fields_for(mapping.kind).items():
        col = col_of.get(target)
        if col is None:
            typed.append(f"NULL::{typ} AS {target}")
            continue
        numeric = typ in ("DOUBLE", "INTEGER")
        text_like = target in METRIC_SCALES or target == "text" or typ == "BOOLEAN" or numeric
        raw_items.append(f"{_cell(col, target, mapping, p, missing=text_like)} AS r_{target}")
        r = f"r_{target}"
        if target in METRIC_SCALES:
            lo, hi = METRIC_SCALES[target]
            label = p.add(labels[target])
            scale = f"the {target.upper()} scale {lo}-{hi}"
            # A plain number casts directly; only labelled answers ("9 - Extremely likely")
            # pay for the regular expression.
            parsed_items.append(f"coalesce(TRY_CAST({r} AS DOUBLE), TRY_CAST(regexp_extract({r}, "
                                f"'^\\s*(-?\\d+(?:\\.\\d+)?)\\s*(?:$|[-:–(]|\\s)', 1) AS DOUBLE)) AS n_{target}")
            n = f"n_{target}"
            typed.append(f"TRY_CAST({n} AS UTINYINT) AS {target}")
            conds.append(f"{r} IS NOT NULL AND ({n} IS NULL OR {n} <> floor({n}) OR {n} < {lo} OR {n} > {hi})")
            errors.append(
                f"CASE WHEN {r} IS NULL THEN NULL "
                f"WHEN {n} IS NULL THEN {{'col': {label}, 'msg': format('{{}} ''{{}}'' is not a number', {label}, {r})}} "
                f"WHEN {n} <> floor({n}) THEN {{'col': {label}, 'msg': format('{{}} {{}} is not a whole number on {scale}', {label}, {r})}} "
                f"WHEN {n} < {lo} OR {n} > {hi} THEN {{'col': {label}, 'msg': format('{{}} {{}} is outside {scale}', {label}, {r})}} END")
        elif typ in ("TIMESTAMP", "DATE"):
            label = p.add(labels[target])
            f_list, tz_list = p.add(fmts), p.add(_TZ)
            parsed_items.append(f"coalesce(TRY_CAST({r} AS TIMESTAMP), try_strptime({r}, {f_list})::TIMESTAMP, "
                                f"try_strptime({r}, {tz_list})::TIMESTAMP) AS d_{target}")
            typed.append(f"d_{target}::{typ} AS {target}")
            if target == "received_at":
                errors.append(_err(f"{r} IS NULL", label,
                                   f"format('missing required field: {{}} (the date received) is empty', {label})", conds))
            errors.append(_err(f"{r} IS NOT NULL AND d_{target} IS NULL", label,
                               f"format('{{}} ''{{}}'' is not a date this import understands', {label}, {r})", conds))
        elif numeric:
            label = p.add(labels[target])
            # Money and counts as exported: "1,234.50", "£1,234", "12".
            parsed_items.append(f"TRY_CAST(regexp_replace({r}, '[£$€,\\s]', '', 'g') AS DOUBLE) AS n_{target}")
            n = f"n_{target}"
            whole = f" OR {n} <> floor({n})" if typ == "INTEGER" else ""
            typed.append(f"{n}::{typ} AS {target}")
            errors.append(_err(f"{r} IS NOT NULL AND ({n} IS NULL{whole} OR {n} < 0)", label,
                               f"format('{{}} ''{{}}'' is not a {'whole ' if typ == 'INTEGER' else ''}number of 0 or more', {label}, {r})", conds))
        elif typ == "BOOLEAN":
            label = p.add(labels[target])
            t, f = p.add(TRUE_TOKENS), p.add(FALSE_TOKENS)
            typed.append(f"CASE WHEN list_contains({t}, lower({r})) THEN true "
                         f"WHEN list_contains({f}, lower({r})) THEN false END AS {target}")
            errors.append(_err(f"{r} IS NOT NULL AND NOT list_contains({t}, lower({r})) "
                               f"AND NOT list_contains({f}, lower({r}))", label,
                               f"format('{{}} ''{{}}'' is not yes/no', {label}, {r})", conds))
        else:
            typed.append(f"{r} AS {target}")
            if target == "text":
                label = p.add(labels[target])
                errors.append(_err(f"length({r}) > {MAX_TEXT_CHARS}", label,
                                   f"format('{{}} is {{:,}} characters long; the limit is {MAX_TEXT_CHARS:,} "
                                   f"(an unclosed quote in the file?)', {label}, length({r}))", conds))
    for header, col in (exclude_cols or {}).items():
        # Not a fault in the row: the mapping says such rows are not customers' answers.
        rules = mapping.exclude[header]
        label, values, reasons = p.add(header), p.add(list(rules)), p.add(list(rules.values()))
        errors.append(_err(f"list_contains({values}, trim({col}))", label,
                           f"format('{{}} is ''{{}}'': {{}} (left out by the {{}} mapping)', {label}, trim({col}), "
                           f"{reasons}[list_position({values}, trim({col}))], {p.add(mapping.name)})", conds))
    need = [f"r_{t} IS NOT NULL" for t in REQUIRED_ANY[mapping.kind or "survey"] if t in col_of]
    kind_text = _REQUIRED_TEXT[mapping.kind or "survey"]
    conds.append(f"NOT ({' OR '.join(need) or 'false'})")
    errors.append(f"CASE WHEN NOT ({' OR '.join(need) or 'false'}) THEN "
                  f"{{'col': NULL, 'msg': {p.add('missing required field: ' + kind_text)}}} END")
    if extra_cols:
        pairs = ", ".join(f"{p.add(name)}, nullif(trim({col}), '')" for name, col in extra_cols.items())
        extra = f"json_object({pairs})"
    else:
        extra = "NULL::JSON"
    # Most rows are clean: test the conditions first and build the list of reasons only when one holds.
    any_error = " OR ".join(f"coalesce({c}, false)" for c in conds)
    errs = (f"CASE WHEN {any_error} THEN list_filter([{', '.join(errors)}], lambda e: e IS NOT NULL) "
            f"ELSE []::STRUCT(col VARCHAR, msg VARCHAR)[] END")
    layer1 = f"SELECT *, {', '.join(raw_items) or 'NULL AS r_none'} FROM stg"
    layer2 = f"SELECT *, {', '.join(parsed_items) or 'NULL AS n_none'} FROM ({layer1})"
    # DuckDB lets later items use earlier aliases (``errs``) in the same SELECT list.
    return (f"SELECT _line, {', '.join(typed)}, {extra} AS extra, {errs} AS errs"
            f"{', ' + keys if keys else ''} FROM ({layer2})")
