"""``python -m vocsrc complaints [--json] [--by function|driver|channel]``: the page's
figures per group, from the same functions the page calls."""

from __future__ import annotations

import argparse
import json

from vocsrc.cli_args import iso_date
from vocsrc.complaints.summary import BY_CHOICES, group_summaries, method_note




def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "complaints", help="complaints as signals: volume, failure demand, closed in time, repeats, rising drivers")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per group")
    p.add_argument("--by", choices=BY_CHOICES, default=None, help="one row per function, driver or channel")
    p.add_argument("--driver", choices=("category", "sub_issue", "theme"), default="category",
                   help="what counts as a driver for the rising test (default: category)")
    p.add_argument("--from", dest="date_from", type=iso_date, default=None, help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=iso_date, default=None, help="last day, YYYY-MM-DD")
    p.add_argument("--source", action="append", default=None, help="only this source (repeatable)")
    p.set_defaults(handler=run)
    return p


def _pct(x: float | None) -> str:
    return "  n/a" if x is None else f"{100 * x:4.0f}%"


def run(args: argparse.Namespace) -> int:
    from vocsrc.filters import Filters
    from vocsrc.store import open_store

    filters = Filters(date_from=getattr(args, "date_from", None), date_to=getattr(args, "date_to", None),
                      source=tuple(getattr(args, "source", None) or ()))
    with open_store(args.db, read_only=True) as con:
        rows = group_summaries(con, filters, by=args.by, driver=getattr(args, "driver", "category"))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No complaints match.")
        return 0
    width = min(max(len(r["group"]) for r in rows), 48)
    print(f"{'group':<{width}}  {'volume':>7}  {'failure':>7}  {'in time':>7}  {'repeat':>7}  flagged")
    for r in rows:
        print(f"{r['group'][:width]:<{width}}  {r['volume']:>7,}  {_pct(r['failure_demand_share']):>7}  "
              f"{_pct(r['closed_in_time_share']):>7}  {_pct(r['repeat_share']):>7}  {', '.join(r['flagged'])}")
    print()
    for key, note in method_note(args.by).items():
        print(f"{key}: {note}")
    return 0
