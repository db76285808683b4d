"""Subcommands for scoring, evaluation and reports (kept apart so cli.py stays small)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from vocsrc.cli_args import iso_date
from vocsrc import config


def register(command: Callable, features: bool = True) -> list[Callable]:
    """Register this module's subcommands and return their parser builders.

    ``features=False`` leaves out the subcommands whose modules import their feature
    package (briefing, complaints, customer base) and with it pandas and DuckDB.
    """
    command(cmd_score)
    command(cmd_evaluate)
    command(cmd_metrics)
    if not features:
        return [_score_parser, _evaluate_parser, _metrics_parser]
    from vocsrc.briefing import cli as brief_cli

    command(brief_cli.cmd_brief)
    command(cmd_complaints)
    from vocsrc.complaints import cli as complaints_cli
    from vocsrc.customer_base import cli as customer_base_cli

    command(customer_base_cli.cmd_customers)
    command(customer_base_cli.cmd_suppress)
    return [_score_parser, _evaluate_parser, _metrics_parser, brief_cli.add_parser, complaints_cli.add_parser,
            customer_base_cli.add_parser]


def cmd_complaints(args: argparse.Namespace) -> int:
    from vocsrc.complaints import cli as complaints_cli

    return complaints_cli.run(args)


def _score_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("score", help="print raw VADER and CX-aware scores for a text ('-' reads stdin)")
    p.add_argument("text", nargs="?", help="the text, or - for one text per line on stdin")
    p.add_argument("--json", action="store_true")
    p.add_argument("--check", metavar="FILE", help="score FILE (one text per line) with both engines "
                                                  "and report the largest difference")


def cmd_score(args: argparse.Namespace) -> int:
    if args.check:
        from vocsrc.sentiment.check import check_file

        report = check_file(Path(args.check))
        print(json.dumps(report, indent=2, default=str))
        return 0 if report.get("max_abs_diff", 1) <= 1e-9 else 1
    if args.text is None:
        print("error: give a text, '-' for stdin, or --check FILE", file=sys.stderr)
        return 2
    from vocsrc.sentiment.document import map_chunks

    chunk: Callable[[list[str]], Any] = _json_chunk if args.json else _plain_chunk
    out = getattr(sys.stdout, "buffer", None)
    if out is not None and os.linesep == "\n":
        # the workers also encode their lines as sys.stdout would (joining, decoding and
        # encoding again 2 MB of mostly non-ASCII text cost the parent ~10 ms per 10k lines)
        chunk = partial(_encoded, chunk, sys.stdout.encoding, sys.stdout.errors)
        sys.stdout.flush()
        write: Callable[[Any], Any] = out.write
        empty: Any = b""
    else:
        write, empty = sys.stdout.write, ""
    # Read stdin in blocks: each block is scored on every core, and output keeps input order;
    # the workers also format their lines, so the parent only reads and writes.
    if args.text == "-" and hasattr(sys.stdin, "reconfigure"):
        # one text per line, lines ending in \n or \r\n, as `--check` reads a file: a lone \r
        # inside a text (text mode splits there too) is part of it
        sys.stdin.reconfigure(newline="\n")
    for block in _blocks(sys.stdin) if args.text == "-" else [[args.text]]:
        write(empty.join(map_chunks(block, chunk)))
    return 0


def _encoded(chunk: Callable[[list[str]], str], encoding: str, errors: str, texts: list[str]) -> bytes:
    return chunk(texts).encode(encoding, errors)


def _json_chunk(texts: list[str]) -> str:
    from vocsrc.sentiment.document import score_batch

    return "".join([_json_line(t, s) for t, s in zip(texts, score_batch(texts))])


def _plain_chunk(texts: list[str]) -> str:
    from vocsrc.sentiment.document import score_batch

    out = []
    for text, s in zip(texts, score_batch(texts)):
        out.append(f"vader {s.vader_compound:+.4f} ({s.label})  cx {s.cx_compound:+.4f} ({s.cx_label})  {text}\n")
    return "".join(out)


def _json_line(text: str, s) -> str:
    """``json.dumps({"text": ..., "vader": ..., ...}, ensure_ascii=False) + "\\n"``, built directly.

    json.dumps per line cost about as much as scoring a short comment; the scores are
    finite floats (json writes float.__repr__, as {!r} does), labels plain ASCII, and the
    text goes through json's own string encoder, so the bytes are the same
    (tests/unit/test_score_cli.py compares them).
    """
    return (f'{{"text": {_encode_str(text)}, "vader": {s.vader_compound!r}, "cx": {s.cx_compound!r}, '
            f'"label": "{s.label}", "cx_label": "{s.cx_label}", "pos": {s.vader_pos!r}, '
            f'"neu": {s.vader_neu!r}, "neg": {s.vader_neg!r}}}\n')


_encode_str = json.encoder.encode_basestring  # what json.dumps(str, ensure_ascii=False) writes


def _blocks(stream, size: int = 20_000):
    block: list[str] = []
    for line in stream:
        if line.endswith("\n"):
            line = line[:-1]
        block.append(line[:-1] if line.endswith("\r") else line)  # as check.read_texts
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


def _evaluate_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="validate sentiment and themes against human-rated data")
    p.add_argument("--external", default=str(config.PROJECT_DIR.parent / "shared" / "data" / "external"))
    p.add_argument("--out", default=str(config.DATA_DIR / "evaluation"))


def cmd_evaluate(args: argparse.Namespace) -> int:
    from vocsrc.evaluate import run_evaluation

    report = run_evaluation(Path(args.external), Path(args.out))
    print(json.dumps(report, indent=2, default=str)[:4000])
    print(f"report written to {args.out}")
    return 0




def _metrics_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("metrics", help="headline, interval, bands and really-happy share per group")
    p.add_argument("--metric", required=True, choices=["nps", "csat", "ces", "stars", "sentiment"])
    p.add_argument("--by", choices=["function", "channel", "region", "source", "product", "kind", "month",
                                    "quarter"])
    p.add_argument("--from", dest="date_from", type=iso_date)
    p.add_argument("--to", dest="date_to", type=iso_date)
    p.add_argument("--text-score", choices=["cx", "vader"], default="cx",
                   help="which sentiment score the sentiment metric uses (default: CX-aware)")
    p.add_argument("--json", action="store_true")


def cmd_metrics(args: argparse.Namespace) -> int:
    from vocsrc.filters import Filters
    from vocsrc.metrics import metrics_json
    from vocsrc.store import open_store

    filters = Filters(date_from=args.date_from, date_to=args.date_to)
    with open_store(args.db, read_only=True) as con:
        rows = metrics_json(con, filters, args.metric, by=args.by, text_score=args.text_score)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        grey = "" if r["solid"] else "  (n too small: treat as indicative)"
        scale = 1 if r["unit"] != "share" else 100
        unit = "" if r["unit"] != "share" else "%"
        print(f"{r['group']:<24} n={r['n']:>7,}  {r['headline_label']} {r['headline'] * scale:.1f}{unit} "
              f"[{r['low'] * scale:.1f}, {r['high'] * scale:.1f}]{grey}")
    return 0
