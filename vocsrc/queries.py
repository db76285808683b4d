"""Read-side queries for the Overview and Data pages and the CLI's status.

Every function takes an open connection and returns small pandas frames or
plain values; aggregation happens in DuckDB.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from vocsrc import rollup
from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.store.schema import KINDS


def counts_by(con: duckdb.DuckDBPyConnection, filters: Filters, dim: str) -> pd.DataFrame:
    """Rows per value of one dimension (allow-listed): one column per kind and a total."""
    if dim not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dim!r}")
    where, params = filters.where()
    table, count = rollup.relation(con, filters)
    kinds = ", ".join(f"coalesce({count} FILTER (WHERE kind = '{k}'), 0)::BIGINT AS {k}" for k in KINDS)
    frame = con.execute(
        f"""SELECT coalesce({dim}, '(not given)') AS value, {kinds}, {count}::BIGINT AS total
            FROM {table} WHERE {where} GROUP BY ALL ORDER BY total DESC""", params).df()
    return frame.rename(columns={"value": DIMENSIONS[dim]}).set_index(DIMENSIONS[dim])


def counts_by_month(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    where, params = filters.where()
    table, count = rollup.relation(con, filters)
    return con.execute(
        f"""SELECT date_trunc('month', received_at) AS month, kind, {count}::BIGINT AS count
            FROM {table} WHERE {where} AND received_at IS NOT NULL GROUP BY ALL ORDER BY month""",
        params).df()


def totals(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    where, params = filters.where()
    table, count = rollup.relation(con, filters)
    cube = table == "cube"
    texts, first, last = ("sum(with_text)", "min(first_at)", "max(last_at)") if cube else (
        "count(text)", "min(received_at)", "max(received_at)")
    row = con.execute(
        f"""SELECT coalesce({count}, 0), coalesce({texts}, 0), {first}, {last},
                   coalesce({count} FILTER (WHERE received_at IS NULL), 0),
                   {", ".join(f"coalesce({count} FILTER (WHERE kind = '{k}'), 0)" for k in KINDS)}
            FROM {table} WHERE {where}""", params).fetchone()
    return {"rows": int(row[0]), "with_text": int(row[1]), "first": row[2], "last": row[3],
            "undated": int(row[4]), "by_kind": {k: int(v) for k, v in zip(KINDS, row[5:])}}


def distinct_customers(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """Customers behind the selected rows: a scan of the raw table, kept out of totals()."""
    where, params = filters.where()
    return con.execute(f"SELECT count(DISTINCT customer_id) FROM feedback WHERE {where}", params).fetchone()[0]


def freshness(con: duckdb.DuckDBPyConnection) -> dict:
    """When data last arrived and the newest feedback date: shown beside every figure."""
    row = con.execute(
        """SELECT (SELECT max(finished_at) FROM imports), (SELECT max(received_at) FROM feedback),
                  (SELECT count(*) FROM imports)""").fetchone()
    return {"last_import": row[0], "latest_feedback": row[1], "imports": row[2]}


def import_log(con: duckdb.DuckDBPyConnection, limit: int = 50) -> pd.DataFrame:
    return con.execute(
        """SELECT import_id, file_name, kind, source, mapping, finished_at, rows_read, rows_accepted,
                  rows_rejected, rows_duplicate, checksum
           FROM imports ORDER BY import_id DESC LIMIT ?""", [limit]).df()


def rejected_rows(con: duckdb.DuckDBPyConnection, import_id: int | None = None,
                  limit: int | None = 1000) -> pd.DataFrame:
    where = "WHERE import_id = ?" if import_id is not None else ""
    params: list = [import_id] if import_id is not None else []
    lim = ""
    if limit is not None:
        lim = "LIMIT ?"
        params.append(limit)
    return con.execute(
        f"""SELECT import_id, file_name, line, column_name AS "column", reason, raw::VARCHAR AS raw
            FROM rejected {where} ORDER BY import_id DESC, line {lim}""", params).df()


def status(con: duckdb.DuckDBPyConnection) -> dict:
    """What the CLI's `status` prints: counts by kind and source, imports, rejected rows."""
    rows = dict(con.execute("SELECT kind, count(*) FROM feedback GROUP BY kind").fetchall())
    by_source = [
        {"kind": k, "source": s, "rows": n}
        for k, s, n in con.execute(
            "SELECT kind, source, count(*) FROM feedback GROUP BY ALL ORDER BY kind, source").fetchall()]
    rejected = con.execute("SELECT count(*) FROM rejected").fetchone()[0]
    texts = unscored_texts(con)
    imports = import_log(con, limit=5)
    fresh = freshness(con)
    customers = con.execute("SELECT count(*) FROM customers").fetchone()[0]
    unmatched = con.execute(
        """SELECT count(DISTINCT f.customer_id) FROM feedback f ANTI JOIN customers c USING (customer_id)
           WHERE f.customer_id IS NOT NULL""").fetchone()[0]
    return {
        "rows": {k: int(rows.get(k, 0)) for k in KINDS},
        "customers": int(customers),
        "feedback_customer_ids_not_in_customer_file": int(unmatched) if customers else None,
        "by_source": by_source,
        "rejected": int(rejected),
        "texts": {"distinct": texts["distinct"], "scored": texts["distinct"] - texts["unscored"]},
        "last_imports": [
            {k: (v.isoformat() if isinstance(v, (dt.datetime, pd.Timestamp)) else v)
             for k, v in rec.items()} for rec in imports.drop(columns=["checksum"]).to_dict("records")],
        "last_import": fresh["last_import"].isoformat() if fresh["last_import"] else None,
        "latest_feedback": fresh["latest_feedback"].isoformat() if fresh["latest_feedback"] else None,
    }


def unscored_texts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Distinct texts in the store and how many have no score yet (an import interrupted or
    failed while scoring leaves its rows in, unscored): sentiment, CX scores and themes leave
    those out until ``rescore --new-only`` scores them."""
    # text_hash is NULL exactly when text is (md5 of the text): reading hashes alone, not the
    # texts, takes ~0.1 s at 10M rows against ~0.7 s
    distinct, unscored = con.execute(
        """SELECT count(*), count(*) FILTER (s.text_hash IS NULL)
           FROM (SELECT DISTINCT text_hash FROM feedback WHERE text_hash IS NOT NULL) f
           LEFT JOIN text_scores s USING (text_hash)""").fetchone()
    return {"distinct": int(distinct), "unscored": int(unscored)}


def distinct_values(con: duckdb.DuckDBPyConnection, dim: str) -> list[str]:
    if dim not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dim!r}")
    return [r[0] for r in con.execute(
        f"SELECT DISTINCT {dim} FROM feedback WHERE {dim} IS NOT NULL ORDER BY 1").fetchall()]


def date_bounds(con: duckdb.DuckDBPyConnection) -> tuple[dt.date | None, dt.date | None]:
    lo, hi = con.execute("SELECT min(received_at)::DATE, max(received_at)::DATE FROM feedback").fetchone()
    return lo, hi


def rejected_csv(frame: pd.DataFrame) -> bytes:
    """Rejected rows as CSV, with spreadsheet formulas neutralised (cells can hold anything)."""
    from vocsrc.privacy import neutralise_formulas

    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8-sig")
