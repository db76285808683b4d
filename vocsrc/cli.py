"""The command line: thin wrappers over the same functions the pages call."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from vocsrc import config
from vocsrc.errors import VocError

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(fn: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    COMMANDS[fn.__name__.removeprefix("cmd_").replace("_", "-")] = fn
    return fn


class _Lines:
    """Progress as 'PROGRESS <fraction> <message>' lines, for the app that runs us as a subprocess."""

    def close(self) -> None:
        pass

    def __call__(self, fraction: float, message: str = "") -> None:
        print(f"PROGRESS {fraction:.4f} {message}", flush=True)


def _bar(desc: str, enabled: bool = True):
    """A tqdm progress bar driven by (fraction, message) callbacks; quiet when not a terminal.

    With VOC_PROGRESS=lines the bar is machine-readable lines on stdout instead.
    """
    import os

    from tqdm import tqdm

    if os.environ.get("VOC_PROGRESS") == "lines":
        lines = _Lines()
        return lines, lines

    # no monitor thread (we refresh the bar ourselves): with a second Python thread running,
    # scoring cannot fork its workers and starts them through the slower forkserver
    tqdm.monitor_interval = 0
    bar = tqdm(total=100, desc=desc, unit="%", disable=not enabled or not sys.stderr.isatty(),
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")

    def update(fraction: float, message: str = "") -> None:
        bar.n = int(fraction * 100)
        bar.set_postfix_str(message, refresh=False)
        bar.refresh()

    return bar, update


def _refresh_rollups(db: str | None, force: bool = True, quiet: bool = False) -> None:
    """Rebuild the dashboard's rollups after the store changed (writers only); without
    ``force`` only when they no longer match the store."""
    from vocsrc import rollup
    from vocsrc.store import open_store

    with open_store(db) as con:
        if force or not rollup.current(con) or rollup.outdated(con):
            rollup.refresh(con)
        # The Customer base page's summary is built here, where the user waits for an import
        # anyway, rather than on the first view afterwards (about a minute at a million customers).
        from vocsrc.customer_base.summary import prepare

        shown: list = []  # the bar, made on the first step: most stores have nothing to build

        def update(fraction: float, message: str) -> None:
            if not shown:
                shown.extend(_bar("customer base summary"))
            shown[1](fraction, message)

        try:
            prepare(con, progress=None if quiet else update)
        finally:
            if shown:
                shown[0].close()


def _print_json(value: object) -> None:
    print(json.dumps(value, indent=2, default=str))


@command
def cmd_import(args: argparse.Namespace) -> int:
    from vocsrc.ingest.mapping import resolve_mapping
    from vocsrc.ingest.pipeline import import_file
    from vocsrc.scoring import score_new_texts

    mapping = resolve_mapping(args.mapping) if args.mapping else None
    bar, update = _bar(f"importing {Path(args.file).name}", not args.json)
    try:
        result = import_file(args.file, db=args.db, mapping=mapping, kind=args.kind,
                             source=args.source, progress=update)
    finally:
        bar.close()
    scoring = score_new_texts(args.db, progress=None if args.json else _bar("scoring texts")[1])
    if result.accepted or scoring.scored:
        _refresh_rollups(args.db, quiet=args.json)
    out = {**result.to_dict(), "scored_texts": scoring.scored}
    if args.json:
        _print_json(out)
    else:
        print(f"{result.file}: {result.accepted:,} accepted, {result.rejected:,} rejected, "
              f"{result.duplicate:,} duplicate (of {result.rows_read:,} rows; {result.kind}, "
              f"source {result.source!r}, mapping {result.mapping!r}) in {result.seconds:.1f} s")
        if result.rejected:
            print("  see rejected rows with reasons: python -m vocsrc rejected "
                  f"--import-id {result.import_id}")
    return 0


@command
def cmd_status(args: argparse.Namespace) -> int:
    from vocsrc.queries import status
    from vocsrc.store import open_store

    with open_store(args.db, read_only=True) as con:
        info = status(con)
    info["db"] = str(config.db_path(args.db))
    if args.json:
        _print_json(info)
        return 0
    print(f"store: {info['db']}")
    for kind, n in info["rows"].items():
        print(f"  {kind:<10} {n:>10,}")
    print(f"  rejected   {info['rejected']:>10,}")
    print(f"  texts scored {info['texts']['scored']:,} of {info['texts']['distinct']:,} distinct")
    for src in info["by_source"]:
        print(f"    {src['kind']:<10} {src['source']:<30} {src['rows']:>10,}")
    print("last imports:")
    for imp in info["last_imports"]:
        print(f"  #{imp['import_id']} {imp['file_name']} at {imp['finished_at']}: {imp['rows_accepted']:,} "
              f"accepted, {imp['rows_rejected']:,} rejected, {imp['rows_duplicate']:,} duplicate")
    return 0


@command
def cmd_rejected(args: argparse.Namespace) -> int:
    from vocsrc.queries import rejected_rows
    from vocsrc.store import open_store

    with open_store(args.db, read_only=True) as con:
        frame = rejected_rows(con, args.import_id, limit=None)
    if args.csv:
        frame.to_csv(args.csv, index=False)
        print(f"wrote {len(frame):,} rejected rows to {args.csv}")
    else:
        print(frame.drop(columns=["raw"]).to_string(index=False, max_colwidth=80))
    return 0


@command
def cmd_demo(args: argparse.Namespace) -> int:
    from vocsrc.demo_store import build_demo_store

    bar, update = _bar("building demo store")
    try:
        summary = build_demo_store(args.db, seed=args.seed, scale=args.scale, progress=update,
                                   replace=args.replace)
    finally:
        bar.close()
    print(json.dumps(summary, default=str) if args.json else
          f"demo store at {config.db_path(args.db)}: {summary['rows']:,} rows")
    return 0


@command
def cmd_rescore(args: argparse.Namespace) -> int:
    from vocsrc.scoring import score_new_texts

    bar, update = _bar("scoring new texts" if args.new_only else "rescoring texts")
    try:
        result = score_new_texts(args.db, progress=update, rescore=not args.new_only, processes=args.processes)
    finally:
        bar.close()
    _refresh_rollups(args.db, force=bool(result.scored))
    print(f"scored {result.scored:,} distinct texts in {result.seconds:.1f} s "
          f"({result.rate:,.0f} texts/s) with {result.scorer}")
    return 0


# Subcommands defined in this module and in cli_more without importing a feature package.
# The others (brief, complaints, customers, suppress) import their feature at registration
# (pandas, DuckDB: ~0.5-0.9 s), which `score -` over a pipe must not pay for.
_LIGHT_COMMANDS = frozenset({"import", "status", "rejected", "demo", "rescore", "score", "evaluate", "metrics"})


def _command_name(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (after the global ``--db PATH``), or None if unclear."""
    it = iter(argv)
    for arg in it:
        if arg == "--db":
            next(it, None)
        elif arg.startswith("--db="):
            continue
        elif arg.startswith("-"):
            return None  # --help or a mistake: the full parser answers it
        else:
            return arg
    return None


def build_parser(command_name: str | None = None) -> argparse.ArgumentParser:
    """The CLI parser; for a light ``command_name`` only the light subcommands are registered.

    Registering the feature subcommands imports their packages, so a command that
    does not need them (``score``, ``status``...) is parsed without them; an unknown
    name, ``--help`` or a feature command gets every subcommand.
    """
    parser = argparse.ArgumentParser(prog="python -m vocsrc", description="Voice-of-customer store and reports")
    parser.add_argument("--db", help=f"DuckDB store (default: $VOC_DB or {config.DEFAULT_DB})")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import a CSV, XLSX, Parquet, JSON or NDJSON export")
    p.add_argument("file")
    p.add_argument("--kind", choices=["survey", "review", "complaint"])
    p.add_argument("--mapping", help="preset or saved mapping name, or a mapping .toml file")
    p.add_argument("--source", help="source name, e.g. 'Relationship survey'")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("status", help="counts by kind and source, last imports, rejected rows")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("rejected", help="list rejected rows with reasons")
    p.add_argument("--import-id", type=int)
    p.add_argument("--csv", help="write them to this CSV file")

    p = sub.add_parser("demo", help="build the demo store")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--scale", type=float, default=1.0)
    p.add_argument("--replace", action="store_true", help="delete an existing store first")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("rescore", help="recompute every text's scores and themes")
    p.add_argument("--processes", type=int)
    p.add_argument("--new-only", action="store_true", help="score only texts that have no score yet")

    from vocsrc import cli_more  # subcommands that live beside their feature

    light = command_name in _LIGHT_COMMANDS
    for add_parser in cli_more.register(command, features=not light):
        add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command_name(argv))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except VocError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return _interrupted(args.command)
    except Exception as exc:
        if not _duckdb_interrupt(exc):
            raise
        return _interrupted(args.command)


def _duckdb_interrupt(exc: Exception) -> bool:
    """Is this DuckDB stopping a query on Ctrl-C? Its signal handler raises RuntimeError("Query
    interrupted") rather than KeyboardInterrupt; ``interrupt()`` raises InterruptException."""
    if type(exc) is RuntimeError and str(exc) == "Query interrupted":
        return True
    duckdb = sys.modules.get("duckdb")  # not imported: not DuckDB's (`score` never imports it)
    return duckdb is not None and isinstance(exc, duckdb.InterruptException)


def _interrupted(command: str) -> int:
    print(_INTERRUPTED.get(command, "interrupted; the store keeps what was committed"), file=sys.stderr)
    return 130


_INTERRUPTED = {
    "score": "interrupted",  # no store: nothing kept or lost
    "evaluate": "interrupted",
    # an import commits its rows before scoring them: they stay, and the scoring resumes
    "import": "interrupted; the store keeps what was committed. Texts it had not scored yet are scored "
              "by `python -m vocsrc rescore --new-only` (`status` shows how many)",
    "rescore": "interrupted; the store keeps what was committed. Run `python -m vocsrc rescore` again to finish",
}
