"""Fill a store with the seeded demo data, the way a first start does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vocsrc import config
from vocsrc.errors import VocError
from vocsrc.store import open_store
from vocsrc.store.schema import FEEDBACK_FIELDS

# Rough row count at scale 1.0, for the progress bar only.
_EXPECTED_ROWS = 88_000


def build_demo_store(db: str | Path | None = None, *, seed: int = 7, scale: float = 1.0,
                     progress: Callable[[float, str], None] | None = None,
                     replace: bool = False) -> dict:
    """Generate the demo feedback into ``db`` (and score its texts); refuses a non-empty store."""
    from vocsrc.demo import generate_feedback
    from vocsrc.scoring import score_new_texts

    path = config.db_path(db)
    if replace:
        for p in (path, Path(str(path) + ".wal")):
            p.unlink(missing_ok=True)
    fields = ", ".join(FEEDBACK_FIELDS)
    with open_store(path) as con:
        if con.execute("SELECT count(*) FROM feedback").fetchone()[0]:
            raise VocError(f"{path} already holds data; use --replace to rebuild it from the demo")
        con.execute("BEGIN TRANSACTION")
        con.execute(
            """INSERT INTO imports (import_id, file_name, checksum, kind, source, mapping, started_at)
               VALUES (1, ?, ?, 'survey', 'demo', 'demo', now())""",
            [f"demo generator (seed {seed}, scale {scale})", f"demo:{seed}:{scale}"])
        rows = 0
        expected = max(_EXPECTED_ROWS * scale, 1)
        for frame in generate_feedback(seed=seed, scale=scale):
            con.register("demo_chunk", frame)
            con.execute(
                f"""INSERT INTO feedback (feedback_id, kind, source, {fields}, text_hash, extra, import_id)
                    SELECT feedback_id, kind, source, {fields}, md5_number_lower(text), NULL, 1
                    FROM demo_chunk""")
            con.unregister("demo_chunk")
            rows += len(frame)
            if progress:
                progress(min(0.4 * rows / expected, 0.4), f"generated {rows:,} rows")
        con.execute("""UPDATE imports SET finished_at = now(), rows_read = ?, rows_accepted = ?
                       WHERE import_id = 1""", [rows, rows])
        customers = _load_customers(con, seed, scale)
        con.execute("COMMIT")

        def scoring_progress(fraction: float, message: str) -> None:
            if progress:
                progress(0.4 + 0.6 * fraction, f"scoring: {message}")

        scored = score_new_texts(con=con, progress=scoring_progress)
        from vocsrc import rollup

        rollup.refresh(con)
    return {"db": str(path), "rows": rows, "customers": customers, "scored_texts": scored.scored,
            "seconds_scoring": scored.seconds}


def _load_customers(con, seed: int, scale: float) -> int:
    """The demo customer file, as if imported from a CRM export (import 2)."""
    from vocsrc.demo import generate_customers
    from vocsrc.store.schema import CUSTOMER_FIELDS

    frame = generate_customers(seed=seed, scale=scale)
    fields = ", ".join(CUSTOMER_FIELDS)
    con.execute(
        """INSERT INTO imports (import_id, file_name, checksum, kind, source, mapping, started_at, finished_at,
                                rows_read, rows_accepted)
           VALUES (2, ?, ?, 'customer', 'Customer file', 'demo', now(), now(), ?, ?)""",
        [f"demo customers (seed {seed}, scale {scale})", f"demo-customers:{seed}:{scale}", len(frame), len(frame)])
    con.register("demo_customers", frame)
    con.execute(f"""INSERT INTO customer_versions (row_key, {fields}, extra, import_id, source_line)
                    SELECT md5('demo' || customer_id), {fields}, NULL, 2, row_number() OVER () FROM demo_customers""")
    con.unregister("demo_customers")
    return len(frame)
