"""The actions log ("you said, we did"): what a team promised after a briefing, kept in DuckDB.

Reads work on a read-only connection (the app's per-rerun one) and on a store made before the
table existed (schema v3): then there is simply no log yet. Writes need a write connection from
``vocsrc.store.open_store(path)``, which migrates the store first. ``now`` is passed in so the
functions stay free of clocks and tests reproduce.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import duckdb

from vocsrc.briefing.pack import Action
from vocsrc.errors import VocError

STATUSES = ("planned", "in progress", "done")
EDITABLE = ("you_said", "we_did", "owner", "status")
_COLUMNS = "action_id, function, period, you_said, we_did, owner, status, updated_at"
MAX_TEXT = 2000  # one action is a sentence or two, not a document


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'briefing_actions'").fetchone()[0])


def _action(row: tuple) -> Action:
    aid, function, period, said, did, owner, status, updated = row
    return Action(int(aid), function, period, said, did or "", owner or "", status, updated)


def list_actions(con: duckdb.DuckDBPyConnection, function: str, period: str | None = None) -> tuple[Action, ...]:
    """The function's actions (one period's, or all), oldest first."""
    if not _has_table(con):
        return ()
    sql = f"SELECT {_COLUMNS} FROM briefing_actions WHERE function = ?"
    params: list = [function]
    if period:
        sql += " AND period = ?"
        params.append(period)
    return tuple(_action(r) for r in con.execute(sql + " ORDER BY action_id", params).fetchall())


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA: what an empty editor cell arrives as, depending on the column dtype."""
    try:
        return value is None or bool(value != value)
    except TypeError:  # pd.NA refuses to be a bool
        return True


def _text(value: object) -> str:
    return "" if _missing(value) else str(value).strip()


def _clean(values: Mapping[str, object]) -> dict[str, str]:
    out = {}
    for key in EDITABLE:
        if key in values:
            text = _text(values[key])
            if len(text) > MAX_TEXT:
                raise VocError(f"{key.replace('_', ' ')} is {len(text):,} characters; keep it under {MAX_TEXT:,}")
            out[key] = text
    if "status" in out:
        out["status"] = out["status"] or "planned"
        if out["status"] not in STATUSES:
            raise VocError(f"status {out['status']!r} is not one of {', '.join(STATUSES)}")
    return out


def add_action(con: duckdb.DuckDBPyConnection, function: str, period: str, you_said: str,
               now: dt.datetime, we_did: str = "", owner: str = "", status: str = "planned") -> int:
    v = _clean({"you_said": you_said, "we_did": we_did, "owner": owner, "status": status})
    if not v["you_said"]:
        raise VocError("say what customers said ('you said') before saving an action")
    con.execute("BEGIN TRANSACTION")
    try:
        new_id = con.execute("SELECT coalesce(max(action_id), 0) + 1 FROM briefing_actions").fetchone()[0]
        con.execute("INSERT INTO briefing_actions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [new_id, function, period, v["you_said"], v["we_did"], v["owner"], v["status"], now, now])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return int(new_id)


def update_action(con: duckdb.DuckDBPyConnection, action_id: int, now: dt.datetime, **changes: object) -> None:
    v = _clean(changes)
    if not v:
        return
    if "you_said" in v and not v["you_said"]:
        raise VocError("an action needs its 'you said'; delete the action instead")
    sets = ", ".join(f"{k} = ?" for k in v)  # keys come from EDITABLE only
    con.execute(f"UPDATE briefing_actions SET {sets}, updated_at = ? WHERE action_id = ?",
                [*v.values(), now, action_id])


def delete_action(con: duckdb.DuckDBPyConnection, action_id: int) -> None:
    con.execute("DELETE FROM briefing_actions WHERE action_id = ?", [action_id])


def save_edits(con: duckdb.DuckDBPyConnection, function: str, period: str, rows: Iterable[Mapping[str, object]],
               now: dt.datetime) -> dict[str, int]:
    """Make the log for (function, period) match an edited table: rows with an action_id are
    updated, rows without one added, ids no longer present deleted. Blank new rows are ignored."""
    before = {a.action_id: a for a in list_actions(con, function, period)}
    seen: set[int] = set()
    counts = {"added": 0, "updated": 0, "deleted": 0}
    for row in rows:
        raw_id = row.get("action_id")
        aid = None if _missing(raw_id) else int(raw_id)  # an added editor row has no id yet
        if aid is None or aid not in before:
            if _text(row.get("you_said")):
                add_action(con, function, period, _text(row["you_said"]), now, _text(row.get("we_did")),
                           _text(row.get("owner")), _text(row.get("status")) or "planned")
                counts["added"] += 1
            continue
        seen.add(aid)
        old = before[aid]
        changed = {k: row.get(k) for k in EDITABLE if k in row and _text(row.get(k)) != getattr(old, k)}
        if changed:
            update_action(con, aid, now, **changed)
            counts["updated"] += 1
    for aid in set(before) - seen:
        delete_action(con, aid)
        counts["deleted"] += 1
    return counts


def actions_csv(actions: Iterable[Action]) -> bytes:
    """The log as CSV for a spreadsheet; any cell a spreadsheet would run as a formula (=, +, -, @)
    is neutralised cell by cell (``privacy.neutralise_cell``), whatever the column's dtype."""
    import csv
    import io

    from vocsrc.privacy import neutralise_cell

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["action_id", "function", "period", "you_said", "we_did", "owner", "status", "updated_at"])
    for a in actions:
        writer.writerow([neutralise_cell(v) for v in (a.action_id, a.function, a.period, a.you_said, a.we_did,
                                                       a.owner, a.status, a.updated_at)])
    return buf.getvalue().encode("utf-8-sig")
