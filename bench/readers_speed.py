"""How fast the CSV reader streams a big export, and how much memory it needs.

Writes a 1M-row, 8-column CSV with ~150-character comments (some quoted with
commas, a few spanning lines, some empty cells) to a temp dir, then reads it
with ``open_table(...).batches()`` and prints rows/s and peak RSS.

    python bench/readers_speed.py [rows] [batch_size]
"""

from __future__ import annotations

import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vocsrc.ingest.readers import open_table  # noqa: E402

WORDS = (
    "the service was great but delivery slow and app crashed twice when I tried to pay, "
    "support said sorry refund never arrived; staff friendly store clean queue long"
).split()


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id", "date", "channel", "product", "region", "nps", "csat", "comment"])
        for i in range(rows):
            comment = " ".join(rng.choice(WORDS) for _ in range(28))[:150]
            if i % 1000 == 0:
                comment = comment[:70] + "\n" + comment[70:]
            out.writerow([
                f"R{i:07d}",
                f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}",
                rng.choice(("web", "app", "phone", "store")),
                f"Product {i % 40}",
                rng.choice(("EU", "US", "APAC", "")),
                i % 11,
                "" if i % 7 == 0 else i % 5 + 1,
                comment,
            ])


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    batch_size = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        write_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        rss_before = peak_rss_mb()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        table = open_table(path, batch_size=batch_size)
        opened = time.perf_counter()
        n = 0
        for batch in table.batches():
            n += len(batch.rows)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        read_only = time.perf_counter() - opened
    assert n + len(table.problems) == rows, (n, len(table.problems))
    print(f"file: {rows:,} rows, {size_mb:.0f} MB, encoding {table.encoding}, delimiter {table.delimiter!r}")
    print(f"open_table (encoding check + sniff + header): {opened - wall0:.2f} s")
    print(f"batches() alone: {n / read_only:,.0f} rows/s")
    print(f"open + read: {n / wall:,.0f} rows/s wall, {n / cpu:,.0f} rows/s per CPU second")
    print(f"peak RSS: {peak_rss_mb():.0f} MB (before reading: {rss_before:.0f} MB)")


if __name__ == "__main__":
    main()
