"""Briefing packs for every function in every format, timed; target: 6 functions from a
10M-row store in under 60 s in total.

    python bench/briefing.py                      # ~500k rows (quick)
    python bench/briefing.py --rows 10000000      # the target size

The store is the demo replicated in SQL (bench/bigstore.py), so every planted story and text
score survives. Wall time is what the target is about; CPU seconds and the load average are
printed beside it because the benchmark machines are shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_SECONDS = 60.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500_000)
    parser.add_argument("--store", help="store path (default /tmp/voc-bench/briefing-<rows>.duckdb)")
    parser.add_argument("--period", default="2026-Q3")
    parser.add_argument("--formats", default="html,pdf,pptx,md")
    parser.add_argument("--out", help="folder for the files (default: a temporary one)")
    args = parser.parse_args()

    from bigstore import build

    store = Path(args.store or f"/tmp/voc-bench/briefing-{args.rows}.duckdb")
    store.parent.mkdir(parents=True, exist_ok=True)
    build(store, args.rows)

    from vocsrc.briefing.build import build_pack
    from vocsrc.briefing.cli import build_packs, render, slug
    from vocsrc.briefing.render_common import chart_images
    from vocsrc.briefing.render_pptx import render_leadership_deck
    from vocsrc.queries import distinct_values
    from vocsrc.store import open_store

    formats = tuple(f.strip() for f in args.formats.split(","))
    out = Path(args.out or tempfile.mkdtemp(prefix="voc-briefing-"))
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = defaultdict(float)
    load_before = os.getloadavg()[0]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    with open_store(store, read_only=True) as con:
        rows = con.execute("SELECT count(*) FROM feedback").fetchone()[0]
        functions = distinct_values(con, "function")
        t = time.perf_counter()
        packs = build_packs(con, functions, args.period)
        timings["build packs (queries)"] += time.perf_counter() - t
    files = 0
    for pack in packs:
        t = time.perf_counter()
        images = chart_images(pack) if {"html", "pdf", "pptx"} & set(formats) else {}
        timings["chart images (vl-convert)"] += time.perf_counter() - t
        for fmt in formats:
            t = time.perf_counter()
            data = render(pack, (fmt,), images)[fmt]
            timings[f"render {fmt}"] += time.perf_counter() - t
            (out / f"briefing-{slug(pack.function)}-{pack.period}.{fmt}").write_bytes(data)
            files += 1
    t = time.perf_counter()
    (out / f"leadership-summary-{args.period}.pptx").write_bytes(render_leadership_deck(packs, args.period))
    timings["leadership deck"] += time.perf_counter() - t
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    with open_store(store, read_only=True) as con:  # outside the timed run: one pack, as the page builds it
        t = time.perf_counter()
        build_pack(con, functions[0], args.period)
        single = time.perf_counter() - t

    print(f"\n{rows:,} rows, {len(packs)} functions, formats {','.join(formats)}, period {args.period}: "
          f"{files + 1} files in {out}")
    for step, seconds in timings.items():
        print(f"  {step:<28} {seconds:7.2f} s")
    print(f"  {'total (wall)':<28} {wall:7.2f} s   cpu {cpu:.1f} s   load average {load_before:.1f} -> "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  (one pack alone, as the page builds it: {single:.2f} s)")
    ok = wall < TARGET_SECONDS
    print(f"target: all packs under {TARGET_SECONDS:.0f} s: {'PASS' if ok else 'FAIL'} ({wall:.1f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
