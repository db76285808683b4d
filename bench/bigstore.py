"""Build a large store for benchmarks by replicating the demo store in SQL.

The demo generator makes ~88k realistic rows; copies with new ids and dates
shifted by whole years keep every distribution and the text scores (copies
share text hashes), so a 10M-row store takes a minute rather than an hour.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vocsrc import rollup  # noqa: E402
from vocsrc.store.schema import FEEDBACK_FIELDS  # noqa: E402


def build(path: Path, rows: int, scale: float = 1.0) -> Path:
    """A store at ``path`` with about ``rows`` feedback rows (reused if already that big)."""
    from vocsrc.demo_store import build_demo_store

    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        have = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
        fresh = rollup.customers_current(con)
        con.close()
        if have >= rows * 0.95:
            if not fresh:  # built before this step existed, or by an older version
                _refresh_rollups(path)
            return path
        path.unlink()
    t = time.perf_counter()
    build_demo_store(path, scale=scale)
    con = duckdb.connect(str(path))
    base = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    copies = max(rows // base, 1)
    cols = [c for c in FEEDBACK_FIELDS if c not in ("received_at", "customer_id")]
    select = ", ".join(cols)
    # Each copy gets its own ids and customers, and spreads over the same two years
    # (dates nudged by whole days) so period figures keep their shape.
    con.execute(
        f"""INSERT INTO feedback (feedback_id, kind, source, {select}, received_at, customer_id, text_hash,
                                  extra, import_id, source_line)
            SELECT f.feedback_id || '-' || c.i, f.kind, f.source, {", ".join("f." + x for x in cols)},
                   f.received_at + to_days((c.i % 7)::INTEGER), f.customer_id || '-' || (c.i % 33),
                   f.text_hash, f.extra, f.import_id, f.source_line
            FROM feedback f, range(1, ?) c(i)""", [copies])
    total = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
    con.execute("CHECKPOINT")
    con.close()
    print(f"built {total:,} rows in {time.perf_counter() - t:.0f} s at {path}", flush=True)
    _refresh_rollups(path)
    return path


def _refresh_rollups(path: Path) -> None:
    """Rebuild the rollups as the CLI does after an import: without it the copies above left
    them describing the demo alone, and every page silently measured the raw-table fallback."""
    t = time.perf_counter()
    con = duckdb.connect(str(path))
    rollup.refresh(con)
    con.execute("CHECKPOINT")
    con.close()
    print(f"rollups rebuilt in {time.perf_counter() - t:.1f} s", flush=True)


if __name__ == "__main__":
    build(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000)
