"""Pre-aggregated rollups: the dashboard's group-bys answered from a few thousand rows.

Every page figure except verbatims and per-customer views is a count by month,
segment, score and text label. ``cube`` holds exactly those counts (and
``customer_answers`` a narrow, time-sorted copy of the answers for per-customer views), built by
the writer (after each import's scoring and the demo build), never by the
read-only dashboard. A query uses it only when it is current (it counts every
feedback row and was built with the current scores) and the filter's dates fall
on month boundaries, as the sidebar's month range always does; anything else
reads the raw table, with the same SQL.
"""

from __future__ import annotations

import calendar
import datetime as dt

import duckdb

from vocsrc.filters import Filters

# Same column names as feedback, so Filters.where() and the query modules need no change
# beyond counting with sum(rows) instead of count(*).
_CUBE = """
    CREATE OR REPLACE TABLE cube AS
    SELECT date_trunc('month', received_at) AS received_at, kind, source, function, channel, product, region,
           nps, csat, ces, stars, cx_label, label, coalesce(cx_compound >= 0.5, false) AS cx_top,
           coalesce(vader_compound >= 0.5, false) AS vader_top, customer_id IS NOT NULL AS has_customer,
           count(*) AS rows, count(text) AS with_text,
           min(received_at) AS first_at, max(received_at) AS last_at
    FROM feedback_scored GROUP BY ALL"""
_THEMES = """
    CREATE OR REPLACE TABLE cube_themes AS
    SELECT date_trunc('month', f.received_at) AS received_at, f.kind, f.source, f.function, f.channel, f.product,
           f.region, f.nps, f.csat, f.ces, f.stars, s.cx_label, t.theme, count(*) AS rows
    FROM feedback f JOIN text_themes t USING (text_hash) LEFT JOIN text_scores s USING (text_hash)
    GROUP BY ALL"""
# A few comments per cube cell, chosen by a hash of their id: verbatim samples then read
# a stratified pool instead of sorting every matching row of the store.
VERBATIMS_PER_CELL = 3
POOL_INPUT_ROWS = 400_000
_POOL = """
    CREATE OR REPLACE TABLE verbatim_pool AS
    SELECT * EXCLUDE (pick) FROM (
        SELECT *, row_number() OVER (
                   PARTITION BY date_trunc('month', received_at), kind, source, function, channel, product, region,
                                nps, csat, ces, stars, cx_label ORDER BY hash(feedback_id)) AS pick
        FROM feedback_scored WHERE text IS NOT NULL AND hash(feedback_id) % {every} = 0)
    WHERE pick <= {per_cell}"""
# Customer views group answers by customer, which no count rollup can answer. Grouping ~4M
# answers on a VARCHAR id with arg_max over timestamps was most of the Customers page's time
# at 10M rows, so the writer keeps a narrow copy of the scored answers that have a customer:
# a 64-bit hash of the customer id, a small integer for the segment combination (``customer_cells``),
# the four scores, sorted by time so a date range reads only its row groups. Its row order
# is the answer order (time, then storage order for equal times), so a customer's first and
# latest answer are the min and max of ``rowid``-based integers: no arg_max over timestamps.
# Keys are hashes (a join to dense keys cost 3 s at 10M rows); a collision would merge two
# customers or segments, so the build counts them and any collision turns the rollup off.
_CUSTOMER_ROWS = "customer_id IS NOT NULL AND coalesce(nps, csat, ces, stars) IS NOT NULL"
_CELL_COLUMNS = "kind, source, function, channel, product, region"
_CUSTOMER_CELLS = f"""
    CREATE OR REPLACE TABLE customer_cells AS
    SELECT (row_number() OVER (ORDER BY {_CELL_COLUMNS}))::INTEGER AS cell, hash({_CELL_COLUMNS}) AS cell_hash,
           {_CELL_COLUMNS}
    FROM (SELECT DISTINCT {_CELL_COLUMNS} FROM feedback WHERE {_CUSTOMER_ROWS})"""
_CUSTOMER_ANSWERS = f"""
    CREATE OR REPLACE TABLE customer_answers AS
    SELECT hash(f.customer_id) AS customer_key, f.received_at, c.cell, f.nps, f.csat, f.ces, f.stars
    FROM (SELECT rowid AS stored, * FROM feedback WHERE {_CUSTOMER_ROWS}) f
    JOIN customer_cells c ON c.cell_hash = hash({", ".join("f." + d for d in _CELL_COLUMNS.split(", "))})
    ORDER BY f.received_at NULLS LAST, f.stored"""
_KEY_COLLISIONS = f"""
    SELECT (SELECT count(*) - count(DISTINCT cell_hash) FROM customer_cells)
         + (SELECT count(*) - count(DISTINCT hash(customer_id))
            FROM (SELECT DISTINCT customer_id FROM feedback WHERE {_CUSTOMER_ROWS}))"""
# The packed first/latest integers leave 16 bits for the cell (see customers.py).
MAX_CUSTOMER_CELLS = 2 ** 16 - 1
_STATE = """
    CREATE OR REPLACE TABLE cube_state AS
    SELECT (SELECT count(*) FROM feedback) AS feedback_rows,
           (SELECT count(*) FROM text_scores) AS scored_texts,
           (SELECT coalesce(sum(rows), 0) FROM cube) AS cube_rows,
           (SELECT count(*) FROM customer_answers) AS customer_answers,
           (SELECT count(*) FROM customer_cells) AS customer_cells,
           {collisions}::BIGINT AS key_collisions"""


def refresh(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild the rollup from the store; returns its row count."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(_CUBE)
        con.execute(_THEMES)
        # On a big store, a hash-chosen fraction feeds the pool (about POOL_INPUT_ROWS rows):
        # ranking every comment would cost seconds for no better sample.
        texts = con.execute("SELECT count(text) FROM feedback").fetchone()[0]
        every = max(1, texts // POOL_INPUT_ROWS)
        con.execute(_POOL.format(every=every, per_cell=VERBATIMS_PER_CELL))
        con.execute(_CUSTOMER_CELLS)
        con.execute(_CUSTOMER_ANSWERS)
        collisions = con.execute(_KEY_COLLISIONS).fetchone()[0]
        con.execute(_STATE.format(collisions=int(collisions)))
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return con.execute("SELECT count(*) FROM cube").fetchone()[0]


def month_aligned(filters: Filters) -> bool:
    f, t = filters.date_from, filters.date_to
    if f is not None and f.day != 1:
        return False
    if t is not None and t.day != calendar.monthrange(t.year, t.month)[1]:
        return False
    return True


def current(con: duckdb.DuckDBPyConnection) -> bool:
    """Is the rollup there and built from the store as it is now?"""
    try:
        row = con.execute(
            """SELECT s.feedback_rows = (SELECT count(*) FROM feedback)
                      AND s.scored_texts = (SELECT count(*) FROM text_scores)
                      AND s.cube_rows = s.feedback_rows
               FROM cube_state s""").fetchone()
    except duckdb.CatalogException:
        return False
    return bool(row and row[0])


def invalidate(con: duckdb.DuckDBPyConnection) -> None:
    """Mark the rollups stale, inside the caller's transaction: for writes ``current`` cannot
    see, such as a rescore replacing scores (the counts it compares stay the same). A
    refresh interrupted afterwards then leaves them stale, not silently out of date, and the
    next writer rebuilds them."""
    exists = con.execute("""SELECT count(*) FROM duckdb_tables()
                            WHERE database_name = current_database() AND schema_name = current_schema()
                              AND table_name = 'cube_state'""").fetchone()[0]
    if exists:
        con.execute("UPDATE cube_state SET scored_texts = -1")


def outdated(con: duckdb.DuckDBPyConnection) -> bool:
    """Were the rollups built by an older version, without the per-customer table? A writer
    then rebuilds them even though they still match the store."""
    try:
        con.execute("SELECT customer_answers FROM cube_state LIMIT 0")
    except (duckdb.CatalogException, duckdb.BinderException):
        return True
    return False


def customers_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Can per-customer figures come from ``customer_answers``? Only when the rollups are current
    and were built by a version that builds it (an older writer leaves a cube_state without
    these columns beside a stale table), no two customers or cells share a hash, and the
    cells fit the packing."""
    if not current(con):
        return False
    try:
        row = con.execute(
            f"""SELECT s.customer_answers = (SELECT count(*) FROM customer_answers)
                       AND s.customer_cells <= {MAX_CUSTOMER_CELLS} AND s.key_collisions = 0
                FROM cube_state s""").fetchone()
    except (duckdb.CatalogException, duckdb.BinderException):
        return False
    return bool(row and row[0])


def relation(con: duckdb.DuckDBPyConnection, filters: Filters, scored: bool = False) -> tuple[str, str]:
    """(table, row-count expression) to aggregate from for these filters."""
    if month_aligned(filters) and current(con):
        return "cube", "sum(rows)"
    return ("feedback_scored" if scored else "feedback"), "count(*)"


def themes_relation(con: duckdb.DuckDBPyConnection, filters: Filters) -> str | None:
    """``cube_themes`` when usable, else None (join feedback with text_themes)."""
    return "cube_themes" if month_aligned(filters) and current(con) else None


def verbatim_source(con: duckdb.DuckDBPyConnection, filters: Filters) -> str:
    """Where to sample comments from: the stratified pool when usable, else every row."""
    return "verbatim_pool" if month_aligned(filters) and current(con) else "feedback_scored"


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])
