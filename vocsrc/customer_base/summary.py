"""A per-store-version summary of customers and their feedback, kept beside the store.

Why: at a million customers and ten million feedback rows, every customer figure
needs each customer's latest answer, and the ``customers`` view (latest version
per customer) plus a string-keyed join over ten million rows takes seconds on
two cores. The summary holds the same facts narrow and integer-keyed, sorted by
customer, so a filter change costs one scan and one integer group-by.

It is a separate DuckDB file (the store itself is opened read-only by the pages),
named by a fingerprint of the store's contents, built once and swapped in
atomically; each process keeps it open read-only (see ``summary_cursor``). Stale files are
removed after a build.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb

ALIAS = "voc_customer_base"
DIMS = "kind, source, function, channel, product, region"  # the filterable columns (filters.DIMENSIONS)
_DIM_NAMES = tuple(DIMS.split(", "))
# Dimensions with a timeline per value (out.timeline_<dim>): one value chosen in the sidebar is
# the commonest filter change (the briefing is per function).
STRETCH_DIMS = _DIM_NAMES
_CODES = ", ".join(f"{d}_code" for d in _DIM_NAMES)
_BUILD_LOCK = threading.Lock()
_SHARED: dict[str, duckdb.DuckDBPyConnection] = {}  # summary file -> open connection, oldest first
_KEEP_OPEN = 2
BUILD_MEMORY = "1GB"
SAMPLE_CUSTOMERS = 50_000  # about this many customers in the *_sample tables (all, below twice that)
# Part of the summary's file name: a new layout never reads a file an older version built.
LAYOUT = "v10"

# Built from constants only. "Bad" is any sign of a live problem: a low score on any
# scale, a complaint, or negative text (the CX-aware label).
# Day numbers (see out.timeline): an INTEGER day since 1970-01-01, infinities clamped.
NO_DAY_BEFORE, NO_DAY_AFTER = -2147483647, 2147483647
_DAY = ("CASE WHEN isinf({0}) THEN (CASE WHEN {0} < TIMESTAMP '1970-01-01' THEN -2147483647 ELSE 2147483647 END) "
        "ELSE date_diff('day', DATE '1970-01-01', {0}::DATE)::INTEGER END")
# Band codes index queries.BANDS: 0 promoter, 1 passive, 2 detractor, 3 never heard from on NPS.
_BAND_CODE = "CASE WHEN s.nps IS NULL THEN 3 WHEN s.nps >= 9 THEN 0 WHEN s.nps >= 7 THEN 1 ELSE 2 END"
# What a list says a customer told us: built from constants only.
WHAT_SQL = """CASE WHEN f.kind = 'complaint' THEN 'Complaint' || coalesce(': ' || f.category, '')
    WHEN f.nps IS NOT NULL THEN 'NPS ' || f.nps WHEN f.csat IS NOT NULL THEN 'CSAT ' || f.csat
    WHEN f.stars IS NOT NULL THEN f.stars || ' stars' WHEN f.ces IS NOT NULL THEN 'CES ' || f.ces
    ELSE 'Comment' END"""
LONG_STANDING_YEARS = 8
_BAD_SQL = """(f.kind = 'complaint' OR f.nps <= 6 OR f.csat <= 2 OR f.stars <= 2 OR f.ces <= 3
               OR s.cx_label = 'negative')"""


def fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """Changes whenever an import or a customer file adds rows (the store only ever appends
    them), and whenever the set of CX-negative texts changes: a customer with such a comment
    counts as a bad experience (the summary reads nothing else of the scores), and a rescore,
    or the scoring of texts an interrupted import left out, can change who does. A rescore
    that turns no text negative or back keeps the summary (rebuilding it takes ~12 s at 10M
    rows); the sum of their hashes costs ~1 ms at 35k scored texts."""
    row = con.execute(
        """SELECT (SELECT count(*) FROM feedback), (SELECT count(*) FROM customer_versions),
                  (SELECT coalesce(max(import_id), 0) FROM imports),
                  (SELECT max(coalesce(finished_at, started_at))::VARCHAR FROM imports),
                  (SELECT coalesce(sum(hash(text_hash)), 0) FROM text_scores
                   WHERE cx_label = 'negative')""").fetchall()[0]
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


def _store_path(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def _cache_dir(store: str | None) -> Path:
    if store:
        folder = Path(store).with_name(Path(store).name + ".cache")
        try:
            folder.mkdir(exist_ok=True)
            # A cache, never data to keep: ignored by git wherever the store lives.
            if not (folder / ".gitignore").exists():
                (folder / ".gitignore").write_text("*\n")
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            pass
    key = hashlib.sha256((store or "memory").encode()).hexdigest()[:12]
    folder = Path(tempfile.gettempdir()) / "voc_cache" / key
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def summary_cursor(con: duckdb.DuckDBPyConnection,
                   progress: Callable[[float, str], None] | None = None) -> duckdb.DuckDBPyConnection:
    """A cursor of its own (temp tables included) on the summary of the store's current contents.

    The summary is opened once per process and kept open: a page opens the store for each
    rerun, and a fresh DuckDB instance starts with a cold buffer pool, which at ten million
    rows costs more than the figures themselves. Keeping it open is safe because a summary
    file never changes (new contents make a new file), and it holds no lock on the store.
    """
    path = _cache_dir(_store_path(con)) / f"customer_base-{LAYOUT}-{fingerprint(con)}.duckdb"
    with _BUILD_LOCK:
        shared = _SHARED.get(str(path))
        if shared is None:
            if not path.exists():
                _build(con, path, progress)
            shared = duckdb.connect()
            shared.execute("SET enable_progress_bar = false")  # it would write to stdout
            shared.execute(f"ATTACH '{_quoted(path)}' AS {ALIAS} (READ_ONLY)")
            _SHARED[str(path)] = shared
            # Keep the previous version open a little longer: another rerun may still be using it.
            while len(_SHARED) > _KEEP_OPEN:
                _SHARED.pop(next(iter(_SHARED))).close()
        return shared.cursor()


def prepare(con: duckdb.DuckDBPyConnection, progress: Callable[[float, str], None] | None = None) -> bool:
    """Build the summary of the store's current contents now, if the store has a customer file
    (True when it has one). ``progress(fraction, message)`` hears of each step of a build (about a
    minute at a million customers and ten million feedback rows)."""
    if not con.execute("SELECT count(*) FROM customer_versions").fetchall()[0][0]:
        return False
    summary_cursor(con, progress).close()
    return True


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _timeline(builder: duckdb.DuckDBPyConnection, table: str, code: str | None) -> None:
    """out.<table>: one row per customer and stretch between contacts, carrying the customer's
    facts, their latest NPS answer so far (answers after leaving never count) and their latest
    contact. With ``code`` (a dimension's code column), per value of that dimension, counting only
    feedback with that value, and only from a customer's first such feedback on.

    Without ``code`` a first row from '-infinity' covers the time before any contact, so exactly one
    row per customer is in force at any E (received_at < E <= next_at): the unfiltered page is one
    scan with no join and no per-row list work, and "heard from since B" is last_contact >= B."""
    part = "ck" if code is None else "code, ck"
    builder.execute(
        f"""CREATE OR REPLACE TEMP TABLE events AS
            SELECT ck, {code or 'NULL'}::INTEGER AS code, received_at, max(CASE WHEN valid THEN nps END) AS nps
            FROM coded {'' if code is None else f'WHERE {code} IS NOT NULL'} GROUP BY ALL""")
    before_any = "" if code is not None else """
            UNION ALL
            SELECT p.ck, NULL, '-infinity'::TIMESTAMP, NULL, NULL, NULL,
                   coalesce((SELECT min(e.received_at) FROM events e WHERE e.ck = p.ck), 'infinity'::TIMESTAMP)
            FROM out.people p"""
    builder.execute(
        f"""CREATE OR REPLACE TEMP TABLE stretches AS
            SELECT ck, code, received_at, received_at AS last_contact,
                   last_value(nps IGNORE NULLS) OVER w AS nps,
                   last_value(CASE WHEN nps IS NOT NULL THEN received_at END IGNORE NULLS) OVER w AS nps_at,
                   coalesce(lead(received_at) OVER (PARTITION BY {part} ORDER BY received_at),
                            'infinity'::TIMESTAMP) AS next_at
            FROM events
            WINDOW w AS (PARTITION BY {part} ORDER BY received_at ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            {before_any}""")
    # Days as integers (days since 1970-01-01; a missing joined or left date as the smallest or
    # largest INTEGER) make every per-filter test an integer comparison: measured 3x cheaper
    # than date arithmetic with NULL handling at a million customers. received_at < E for a
    # midnight E is the same as its day < E's day, so nothing is lost by dropping the time.
    # Sorted by to_day: a late 'as of' (the default view) skips most closed stretches.
    # Per value, only what the page's counts need (no segment or revenue in pounds): six of these
    # at ten million rows each add up.
    builder.execute(
        f"""CREATE TABLE out.{table} AS
            SELECT {'' if code is None else 's.code, '}s.ck, {_DAY.format("s.received_at")} AS from_day,
                   {_DAY.format("s.next_at")} AS to_day, {_BAND_CODE}::UTINYINT AS band_code,
                   {_DAY.format("s.nps_at")} AS nps_day, {_DAY.format("s.last_contact")} AS contact_day,
                   p.joined_day, p.left_day, {'p.segment, p.revenue, ' if code is None else ''}p.region, p.revenue_cents
                   -- the latest answer's time and score in one integer (as out.nps packs it), so
                   -- stretches of several values combine with one max
                   {'' if code is None else ', epoch_us(s.nps_at) * 16 + s.nps AS nps_packed'}
            FROM stretches s JOIN out.people p USING (ck)
            ORDER BY {'' if code is None else 's.code, '}to_day, s.ck""")
    builder.execute("DROP TABLE stretches")
    builder.execute("DROP TABLE events")


def _build(con: duckdb.DuckDBPyConnection, path: Path, progress: Callable[[float, str], None] | None = None) -> None:
    steps = ["customers", "feedback", "answers and contacts", "timeline",
             *(f"timeline by {dim}" for dim in STRETCH_DIMS), "what long-standing customers said", "samples"]

    def step(name: str) -> None:
        if progress:
            progress(steps.index(name) / len(steps), f"customer base summary: {name}")

    # Rows are streamed out of the store's own connection (which may be read-only or
    # the only writer) into a private in-memory DuckDB that writes the new file.
    tmp = path.with_name(f".{path.stem}-{uuid.uuid4().hex[:8]}.tmp")
    # A laptop-sized memory cap: past it DuckDB spills to disk instead of growing (uncapped, the
    # build peaked at 4.2 GB for a million customers and ten million rows).
    builder = duckdb.connect(config={"memory_limit": BUILD_MEMORY, "temp_directory": tempfile.gettempdir()})
    builder.execute("SET enable_progress_bar = false")  # it would write to stdout
    try:
        builder.execute(f"ATTACH '{_quoted(tmp)}' AS out")
        step("customers")
        people = con.sql(
            """SELECT customer_id, joined_at, left_at, status, segment, region, revenue_12m, products_held
               FROM customers WHERE customer_id IS NOT NULL""").to_arrow_reader()
        builder.register("people_in", people)
        builder.execute(
            f"""CREATE TABLE out.people AS
               SELECT row_number() OVER (ORDER BY customer_id)::INTEGER AS ck, *,
                      coalesce({_DAY.format("joined_at")}, {NO_DAY_BEFORE}) AS joined_day,
                      coalesce({_DAY.format("left_at")}, {NO_DAY_AFTER}) AS left_day,
                      coalesce(revenue_12m, 0) AS revenue,
                      -- whole cents add up exactly in any order, and faster than decimals
                      round(coalesce(revenue_12m, 0) * 100)::BIGINT AS revenue_cents
               FROM people_in ORDER BY ck""")
        builder.unregister("people_in")
        step("feedback")
        feedback = con.sql(
            f"""SELECT f.customer_id, f.received_at, f.nps, f.kind, f.source, f.function, f.channel,
                       f.product, f.region, {_BAD_SQL} AS bad
                FROM feedback f LEFT JOIN text_scores s USING (text_hash)
                WHERE f.customer_id IS NOT NULL""").to_arrow_reader()
        builder.register("feedback_in", feedback)
        builder.execute(
            """CREATE TEMP TABLE linked AS
               SELECT p.ck, p.left_at, f.*
               FROM feedback_in f LEFT JOIN out.people p USING (customer_id)""")
        builder.unregister("feedback_in")
        # The filterable columns as small integer codes (out.dims maps value -> code per column):
        # filtering ten million rows on an integer costs a fraction of reading the text.
        builder.execute(
            "CREATE TABLE out.dims AS SELECT dim, value, row_number() OVER (PARTITION BY dim ORDER BY value)::INTEGER "
            "AS code FROM (" + " UNION ALL ".join(
                f"SELECT DISTINCT '{d}' AS dim, {d} AS value FROM linked WHERE {d} IS NOT NULL" for d in _DIM_NAMES)
            + ")")
        codes = ", ".join(f"(SELECT code FROM out.dims WHERE dim = '{d}' AND value = l.{d}) AS {d}_code"
                          for d in _DIM_NAMES)
        builder.execute(
            f"""CREATE TEMP TABLE coded AS
                SELECT l.ck, {_DAY.format("l.received_at")} AS day, l.received_at, l.nps, l.bad,
                       l.nps IS NOT NULL AND (l.left_at IS NULL OR l.received_at < l.left_at + INTERVAL 1 DAY) AS valid,
                       {codes}
                FROM linked l WHERE l.ck IS NOT NULL""")
        # Sorted by day, so a period reads only its row groups. For the latest answer before E,
        # 'packed' orders answers by time and, at the same instant, by score (as out.timeline does):
        # one integer max finds it, where arg_max over a timestamp cost twice as much.
        builder.execute(
            f"""CREATE TABLE out.nps AS
                SELECT ck, day, epoch_us(received_at) * 16 + nps AS packed, {_CODES}
                FROM coded WHERE valid ORDER BY day, ck""")
        step("answers and contacts")
        builder.execute(f"CREATE TABLE out.contacts AS SELECT ck, day, bad, {_CODES} FROM coded ORDER BY day, ck")
        step("timeline")
        _timeline(builder, "timeline", None)
        # The same stretches per value of the dimensions users filter by most, for customers who
        # ever gave feedback with that value: a one-value filter then costs a scan, like no filter
        # (see queries.population_sql), where the general path groups millions of answers by customer.
        for dim in STRETCH_DIMS:
            step(f"timeline by {dim}")
            _timeline(builder, f"timeline_{dim}", f"{dim}_code")
        # Feedback whose id is not in the customer file: kept to be counted, never dropped.
        builder.execute(f"""CREATE TABLE out.unmatched AS SELECT customer_id, received_at, {DIMS}
                            FROM linked WHERE ck IS NULL""")
        # Joins and leavers per day and region, so the per-period counts never touch a million rows.
        builder.execute(
            """CREATE TABLE out.flows AS
               SELECT day, region, sum(joined)::BIGINT AS joined, sum(lost)::BIGINT AS lost FROM (
                   SELECT coalesce(joined_at, DATE '1900-01-01') AS day, region, 1 AS joined, 0 AS lost FROM out.people
                   UNION ALL SELECT left_at, region, 0, 1 FROM out.people WHERE left_at IS NOT NULL)
               GROUP BY ALL ORDER BY day""")
        no_id, first, last = con.execute(
            "SELECT count(*) FILTER (WHERE customer_id IS NULL), min(received_at)::DATE, max(received_at)::DATE "
            "FROM feedback").fetchall()[0]
        # What the contact and thank lists show, for customers who can be long-standing at any 'as of'
        # up to the last feedback: their bad experiences and NPS answers, with what they wrote,
        # sorted by date so a list's recent window reads a few row groups and never the store.
        step("what long-standing customers said")
        joined_by = None if last is None else last - dt.timedelta(days=math.ceil(365.25 * LONG_STANDING_YEARS))
        remarks = con.sql(
            f"""SELECT f.customer_id, f.received_at, {WHAT_SQL} AS what, f.nps, f.text, f.kind, f.source,
                       f.function, f.channel, f.product, f.region, {_BAD_SQL} AS bad
                FROM feedback f LEFT JOIN text_scores s USING (text_hash)
                WHERE f.customer_id IN (SELECT customer_id FROM customers WHERE joined_at <= ?)
                  AND ({_BAD_SQL} OR f.nps IS NOT NULL)""", params=[joined_by]).to_arrow_reader()
        builder.register("remarks_in", remarks)
        builder.execute(
            """CREATE TABLE out.remarks AS SELECT p.ck, r.* EXCLUDE (customer_id)
               FROM remarks_in r JOIN out.people p USING (customer_id) ORDER BY r.received_at""")
        builder.unregister("remarks_in")
        # The customers those remarks are about: a list reads these, not every customer.
        builder.execute("CREATE TABLE out.elders AS SELECT * FROM out.people WHERE joined_at <= ? ORDER BY ck",
                        [joined_by])
        # Every k-th customer, for figures that need each customer's value (medians): reading
        # the whole population a second time cost as much as all the other figures together.
        step("samples")
        every = max(1, builder.execute("SELECT count(*) FROM out.people").fetchall()[0][0] // SAMPLE_CUSTOMERS)
        for table in ("people", "nps", "contacts", "timeline"):
            builder.execute(f"CREATE TABLE out.{table}_sample AS SELECT * FROM out.{table} WHERE ck % ? = 0", [every])
        builder.execute("CREATE TABLE out.meta AS SELECT ?::BIGINT AS feedback_without_id, ?::DATE AS first_feedback, "
                        "?::DATE AS last_feedback, ?::DATE AS remarks_joined_by, ?::INTEGER AS sample_every",
                        [no_id, first, last, joined_by, every])
        builder.execute("DETACH out")
    finally:
        builder.close()
    os.replace(tmp, path)
    if progress:
        progress(1.0, "customer base summary built")
    for old in path.parent.glob("customer_base-*.duckdb"):
        if old != path:
            try:
                old.unlink()
            except OSError:
                pass  # another process may still have it attached; it goes next time
