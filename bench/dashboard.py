"""Dashboard benchmark: every figure of each page after a filter change, on a 10M-row store.

For each page, the functions the page calls are run (uncached, as after a filter
change) on 20 random filter sets, each on a fresh read-only connection as the
app opens one; median and p95 are printed against the 300 ms target. The same
figures computed by loading the table into pandas are the baseline, measured
in the same run with their peak memory.

    python bench/dashboard.py [--rows 10000000] [--runs 20] [--store PATH]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vocsrc import customers, metrics, middle, queries, segments  # noqa: E402
from vocsrc.filters import Filters  # noqa: E402


def overview(con, f):
    queries.totals(con, f)
    queries.counts_by_month(con, f)
    for dim in ("source", "function", "channel", "region"):
        queries.counts_by(con, f, dim)


def move_the_middle(con, f):
    middle.period_distribution(con, f, "nps", "quarter")
    middle.step_change(con, f, "nps")
    periods = middle.available_periods(con, f, "nps", "quarter")
    if len(periods) >= 2:
        middle.compare_periods(con, f, "nps", "quarter", periods[-2], periods[-1])
    middle.movable_middle(con, f, "nps")
    cond = middle.band_condition("nps", "passive")
    middle.verbatims(con, f, cond, 6, 7, "cx", "positive")
    middle.verbatims(con, f, cond, 6, 7, "cx", "negative")
    middle.total_distribution(con, f, "nps")
    middle.middle_themes(con, f, "nps")


def score_vs_text(con, f):
    middle.score_vs_text(con, f, "cx", "quarter")
    middle.verbatims(con, f, "nps >= 9", 10, 7, "cx", "negative")


def segments_page(con, f):
    segments.segment_table(con, f, "nps", "function")
    segments.segment_trends(con, f, "nps", "function", "quarter")


def customers_page(con, f):
    customers.customer_summary(con, f, "nps", "function")


PAGES = {"Overview": overview, "Move the middle": move_the_middle, "Score versus text": score_vs_text,
         "Segments": segments_page, "Customers": customers_page}
FUNCTIONS = ["Billing", "Deliveries", "Customer service", "Online & app", "Stores", "Claims"]
CHANNELS = ["Phone", "Web", "App", "Store", "Email"]


def random_filters(rng: random.Random) -> Filters:
    """Filter sets the sidebar can produce: a range of whole months plus segment choices."""
    from vocsrc.rollup import month_end

    first = rng.randrange(0, 12)
    last = min(first + rng.randrange(3, 15), 23)
    start = dt.date(2024 + (10 + first) // 12, (10 + first) % 12 + 1, 1)
    end = month_end(dt.date(2024 + (10 + last) // 12, (10 + last) % 12 + 1, 1))
    kw: dict = {"date_from": start, "date_to": end}
    if rng.random() < 0.6:
        kw["function"] = tuple(rng.sample(FUNCTIONS, rng.randrange(1, 3)))
    if rng.random() < 0.4:
        kw["channel"] = tuple(rng.sample(CHANNELS, rng.randrange(1, 3)))
    return Filters(**kw)


def run_ours(store: Path, runs: int) -> dict[str, list[float]]:
    from vocsrc.store import open_store

    rng = random.Random(11)
    sets = [random_filters(rng) for _ in range(runs)]
    out: dict[str, list[float]] = {}
    for name, page in PAGES.items():
        for f in sets:
            t = time.perf_counter()
            with open_store(store, read_only=True) as con:  # as the app opens it, per query
                page(con, f)
            out.setdefault(name, []).append(1000 * (time.perf_counter() - t))
    return out


PANDAS_BASELINE = r"""
import time, resource, json, duckdb, pandas as pd, numpy as np
t0 = time.perf_counter()
con = duckdb.connect(STORE, read_only=True)
df = con.execute('''SELECT f.received_at, f.kind, f.source, f.function, f.channel, f.region, f.customer_id,
                           f.nps, f.csat, f.ces, f.stars, s.cx_label FROM feedback f
                    LEFT JOIN text_scores s USING (text_hash)''').df()
con.close()
load = time.perf_counter() - t0
times = []
for f in FILTERS:
    t = time.perf_counter()
    m = (df.received_at >= f['from']) & (df.received_at < f['to'])
    if f.get('function'): m &= df.function.isin(f['function'])
    if f.get('channel'): m &= df.channel.isin(f['channel'])
    d = df[m]
    # Overview
    d.groupby('kind').size(); d.groupby([d.received_at.dt.to_period('M'), 'kind']).size()
    for dim in ('source', 'function', 'channel', 'region'): d.groupby([dim, 'kind']).size()
    # Move the middle / segments / score vs text / customers: the same group-bys in pandas
    q = d.received_at.dt.to_period('Q')
    d.groupby([q, 'nps']).size(); d.groupby(['function', 'nps']).size(); d.groupby(['function', q, 'nps']).size()
    d[(d.nps >= 7) & (d.nps <= 8)].groupby('cx_label').size()
    d[d.nps >= 9].groupby([q, 'cx_label']).size(); d[d.stars >= 4].groupby([q, 'cx_label']).size()
    c = d[d.customer_id.notna() & d.nps.notna()].sort_values('received_at')
    c.groupby('customer_id').agg(first=('nps', 'first'), last=('nps', 'last'), n=('nps', 'size'))
    times.append(1000 * (time.perf_counter() - t))
print(json.dumps({"load_s": load, "times_ms": times,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_pandas(store: Path, runs: int) -> dict:
    rng = random.Random(11)
    filters = []
    for _ in range(runs):
        f = random_filters(rng)
        filters.append({"from": str(f.date_from), "to": str(f.date_to + dt.timedelta(days=1)),
                        "function": list(f.function), "channel": list(f.channel)})
    code = f"STORE = {str(store)!r}\nFILTERS = {json.dumps(filters)}\n" + PANDAS_BASELINE
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_ours_rss(store: Path, runs: int) -> tuple[dict, float]:
    code = (f"import sys, json, resource; sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
            f"from dashboard import run_ours\nfrom pathlib import Path\n"
            f"r = run_ours(Path({str(store)!r}), {runs})\n"
            f"print(json.dumps([r, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024]))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    r, rss = json.loads(out.stdout.strip().splitlines()[-1])
    return r, rss


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--store", default="/tmp/voc-bench/big.duckdb")
    args = parser.parse_args()
    store = Path(args.store)
    store.parent.mkdir(parents=True, exist_ok=True)
    # In a child process: a forked child starts with this process's peak RSS, so building or
    # refreshing the store here (over 1 GB) would be reported as the dashboard's peak memory.
    subprocess.run([sys.executable, str(ROOT / "bench" / "bigstore.py"), str(store), str(args.rows)], check=True)
    ours, our_rss = run_ours_rss(store, args.runs)
    base = run_pandas(store, args.runs)
    print(f"\n{'page':<20} {'median ms':>10} {'p95 ms':>8}  target p95 <= 300 ms")
    ok = True
    for name, times in ours.items():
        good = p95(times) <= 300
        ok &= good
        print(f"{name:<20} {statistics.median(times):>10.0f} {p95(times):>8.0f}  {'PASS' if good else 'FAIL'}")
    all_pages = [sum(v) for v in zip(*ours.values())]
    pandas_first = base["load_s"] * 1000 + base["times_ms"][0]
    print(f"\nall pages, per filter change: median {statistics.median(all_pages):.0f} ms, p95 {p95(all_pages):.0f} ms")
    print(f"pandas baseline: load {base['load_s']:.1f} s once, then median {statistics.median(base['times_ms']):.0f} ms "
          f"per filter change for a subset of the figures; first view {pandas_first / 1000:.1f} s")
    ratio = pandas_first / statistics.median(all_pages)
    mem_ratio = base["rss_mb"] / our_rss
    print(f"speed: ours {ratio:.1f}x faster than pandas for the first view (target 5x): {'PASS' if ratio >= 5 else 'FAIL'}")
    print(f"peak memory: ours {our_rss:,.0f} MB, pandas {base['rss_mb']:,.0f} MB ({mem_ratio:.1f}x; target 5x): "
          f"{'PASS' if mem_ratio >= 5 else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
