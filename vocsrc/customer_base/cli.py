"""`python -m vocsrc customers` and `python -m vocsrc suppress`: the same functions the page calls."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from vocsrc.cli_args import iso_date


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("customers", help="customers, active, lost, churn, revenue and heard-from share per group")
    p.add_argument("--by", choices=["band", "segment", "tenure"],
                   help="band: each customer's latest NPS answer (promoter, passive, detractor, unheard)")
    p.add_argument("--from", dest="date_from", type=iso_date)
    p.add_argument("--to", dest="date_to", type=iso_date, help="the 'as of' date (default: the latest feedback)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("suppress", help="customers with a live service problem, to leave out of marketing")
    p.add_argument("--days", type=int, required=True, help="look back this many days for bad experiences")
    p.add_argument("--out", required=True, help="CSV file to write")
    p.add_argument("--as-of", type=iso_date, help="the last day to look at (default: today)")


def cmd_customers(args: argparse.Namespace) -> int:
    from vocsrc.customer_base.figures import customers_json
    from vocsrc.filters import Filters
    from vocsrc.store import open_store

    filters = Filters(date_from=args.date_from, date_to=args.date_to)
    with open_store(args.db, read_only=True) as con:
        rows = customers_json(con, filters, by=args.by)
    if args.json:
        print(json.dumps(rows, indent=2, default=str))
        return 0
    if not rows:
        print("no feedback in the store yet")
        return 0
    print(f"customers from {rows[0]['period_from']} to {rows[0]['as_of']} (churn = lost / customers in the group)")
    for r in rows:
        churn = "n/a" if r["churn_rate"] is None else f"{r['churn_rate']:.1%}"
        heard = "n/a" if r["heard_share"] is None else f"{r['heard_share']:.0%}"
        print(f"{r['group']:<18} customers {r['customers']:>9,}  active {r['active']:>9,}  lost {r['lost']:>7,}  "
              f"churn {churn:>6}  revenue {r['revenue']:>14,.0f}  heard {heard:>4}")
    return 0


def cmd_suppress(args: argparse.Namespace) -> int:
    from pathlib import Path

    from vocsrc.customer_base.lists import safe_csv, suppression_list
    from vocsrc.store import open_store

    as_of = args.as_of or dt.date.today()
    with open_store(args.db, read_only=True) as con:
        frame = suppression_list(con, as_of, args.days)
    Path(args.out).write_text(safe_csv(frame), encoding="utf-8")
    print(f"wrote {len(frame):,} customers to {args.out} (open complaints, and detractors, low scores or "
          f"negative comments from {as_of - dt.timedelta(days=args.days - 1)} to {as_of})")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run whichever of the two subcommands was chosen."""
    return cmd_suppress(args) if args.command == "suppress" else cmd_customers(args)
