"""Import benchmark: a generated 1M-row survey CSV (~150-character comments) into a fresh store.

Prints rows/s and peak RSS for the store part of an import (read, validate, dedupe, write;
sentiment excluded), next to two baselines measured in the same run on the same file:
DuckDB's own read_csv straight into a table (the floor: no validation, no line numbers) and
pandas.read_csv of the whole file (what "never hold a whole file in pandas" avoids).
Each measurement runs in its own process so peak RSS is that step's alone.

    python bench/ingest.py [--rows 1000000] [--repeats 3]

Targets (issue 2): at least 200k rows/s and peak RSS under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = ("the delivery was late again and nobody called me back about the refund I was promised "
         "great service from the store team very helpful and quick app keeps crashing when I try "
         "to pay my bill charged twice this month still waiting for an answer lovely staff").split()
FUNCTIONS = ["Billing", "Deliveries", "Customer service", "Online & app", "Stores", "Claims"]
CHANNELS = ["Phone", "Web", "App", "Store"]


def write_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("response_id,date,customer_id,function,channel,region,nps,csat,comment\n")
        for i in range(rows):
            words = []
            while sum(len(w) + 1 for w in words) < 150:
                words.append(rng.choice(WORDS))
            comment = " ".join(words)
            fh.write(f"R{i:08d},2026-{1 + i % 12:02d}-{1 + i % 28:02d},C{rng.randrange(300_000):06d},"
                     f"{FUNCTIONS[i % 6]},{CHANNELS[i % 4]},{'NSC'[i % 3]},{rng.randrange(11)},"
                     f"{1 + rng.randrange(5)},\"{comment}\"\n")


# (imports, timed work): library imports are not part of an import's cost.
STEPS = {
    "voc import": ("""
from vocsrc.ingest.pipeline import import_file
from vocsrc.ingest.mapping import Mapping
m = Mapping(name="bench", kind="survey", source="Bench", columns={
    "source_id": "response_id", "received_at": "date", "customer_id": "customer_id", "function": "function",
    "channel": "channel", "region": "region", "nps": "nps", "csat": "csat", "text": "comment"})
""", """
r = import_file(CSV, db=DB, mapping=m)
assert r.accepted == ROWS, r
"""),
    "duckdb read_csv (floor)": ("import duckdb", """
con = duckdb.connect(DB)
con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, all_varchar=true)", [CSV])
con.close()
"""),
    "pandas read_csv (whole file)": ("import pandas as pd", """
df = pd.read_csv(CSV, dtype=str)
assert len(df) == ROWS
"""),
}


def run_step(step: tuple[str, str], csv: Path, db: Path, rows: int) -> tuple[float, float]:
    setup, code = step
    prelude = f"CSV = {str(csv)!r}; DB = {str(db)!r}; ROWS = {rows}\n"
    script = ("import time, resource, json\n" + prelude + setup + "\nt = time.perf_counter()\n" + code +
              "\nprint(json.dumps([time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    seconds, rss_kb = json.loads(out.stdout.strip().splitlines()[-1])
    return seconds, rss_kb / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "survey.csv"
        t = time.perf_counter()
        write_csv(csv, args.rows)
        print(f"wrote {args.rows:,} rows, {csv.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f} s")
        results: dict[str, list[tuple[float, float]]] = {}
        for i in range(args.repeats):
            for name, code in STEPS.items():
                db = Path(tmp) / f"{i}-{len(results.get(name, []))}-{abs(hash(name))}.duckdb"
                results.setdefault(name, []).append(run_step(code, csv, db, args.rows))
                db.unlink(missing_ok=True)
        print(f"\n{'step':<30} {'median s':>9} {'rows/s':>12} {'peak RSS MB':>12}")
        medians = {}
        for name, runs in results.items():
            sec = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            medians[name] = (sec, rss)
            print(f"{name:<30} {sec:>9.2f} {args.rows / sec:>12,.0f} {rss:>12,.0f}")
        ours, floor = medians["voc import"], medians["duckdb read_csv (floor)"]
        pandas = medians["pandas read_csv (whole file)"]
        print(f"\nvoc import takes {ours[0] / floor[0]:.1f}x the time of a bare DuckDB load "
              f"and {ours[1] / pandas[1]:.2f}x the memory of holding the file in pandas")
        rate_ok = args.rows / ours[0] >= 200_000
        rss_ok = ours[1] < 1024
        print(f"target >= 200,000 rows/s: {'PASS' if rate_ok else 'FAIL'} ({args.rows / ours[0]:,.0f})")
        print(f"target peak RSS < 1 GB:   {'PASS' if rss_ok else 'FAIL'} ({ours[1]:,.0f} MB)")
        return 0 if rate_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
