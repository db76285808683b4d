"""``python -m vocsrc brief --function NAME|--all --period YYYY-MM|YYYY-Qn --format html,pdf,pptx,md
--out DIR``: write briefing packs (and, with --all, a leadership deck across functions)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path

from vocsrc.briefing.pack import Pack

FORMATS = ("html", "pdf", "pptx", "md")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"formats must be among {', '.join(FORMATS)}; got {text!r}")
    return chosen


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser("brief", help="write customer-advocate briefing packs (HTML, PDF, PPTX, Markdown)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--function", help="the business function (or segment value) to brief")
    who.add_argument("--all", action="store_true", help="every function, plus a leadership deck across them")
    p.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn; compared with the period before")
    p.add_argument("--format", dest="formats", type=_formats, default=FORMATS, help="comma-separated: html,pdf,pptx,md")
    p.add_argument("--out", default="briefings", help="folder for the files (created if missing)")
    p.add_argument("--by", default="function", help="segment column the name refers to (default: function)")
    p.add_argument("--seed", type=int, default=7, help="seed for the verbatim sample (default 7)")
    p.add_argument("--no-text", action="store_true", help="leave every customer comment out")
    return p


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "segment"


def render(pack: Pack, formats: tuple[str, ...], images: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Format -> file bytes for one pack; chart images are made once and shared."""
    from vocsrc.briefing.render_common import chart_images

    if images is None and {"html", "pdf", "pptx"} & set(formats):
        images = chart_images(pack)
    out: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "html":
            from vocsrc.briefing.render_html import render_html

            out[fmt] = render_html(pack, images).encode("utf-8")
        elif fmt == "md":
            from vocsrc.briefing.render_md import render_md

            out[fmt] = render_md(pack).encode("utf-8")
        elif fmt == "pdf":
            from vocsrc.briefing.render_pdf import render_pdf

            out[fmt] = render_pdf(pack, images)
        elif fmt == "pptx":
            from vocsrc.briefing.render_pptx import render_pptx

            out[fmt] = render_pptx(pack, images)
    return out


def build_packs(con, names: list[str] | None, period: str, by: str = "function", seed: int = 7,
                include_text: bool = True, progress: Callable[[float, str], None] | None = None) -> list[Pack]:
    """A pack per name (None: every value of ``by``); complaint measures computed once for all."""
    from vocsrc.briefing.build import build_pack, shared_complaint_counts
    from vocsrc.queries import distinct_values

    targets = names if names else distinct_values(con, by)
    shared = shared_complaint_counts(con, period, by) if len(targets) > 1 else None
    packs = []
    for i, name in enumerate(targets):
        if progress:
            progress(i / (len(targets) + 1), f"building {name}")
        packs.append(build_pack(con, name, period, seed=seed, include_text=include_text, dimension=by,
                                complaint_counts=shared.get(name, {}) if shared is not None else None))
    return packs


def write_packs(db: str | None, names: list[str] | None, period: str, formats: tuple[str, ...], out: Path,
                by: str = "function", seed: int = 7, include_text: bool = True,
                progress: Callable[[float, str], None] | None = None) -> list[Path]:
    """Build and write every pack; names None means every value of ``by`` in the store."""
    from vocsrc.store import open_store

    out.mkdir(parents=True, exist_ok=True)
    with open_store(db, read_only=True) as con:
        packs = build_packs(con, names, period, by, seed, include_text, progress)
    written: list[Path] = []
    for i, pack in enumerate(packs):
        if progress:
            progress((i + 0.5) / (len(packs) + 1), f"rendering {pack.function}")
        for fmt, data in render(pack, formats).items():
            path = out / f"briefing-{slug(pack.function)}-{pack.period}.{fmt}"
            path.write_bytes(data)
            written.append(path)
    if names is None and packs:
        from vocsrc.briefing.render_pptx import render_leadership_deck

        path = out / f"leadership-summary-{packs[0].period}.pptx"
        path.write_bytes(render_leadership_deck(packs, packs[0].period))
        written.append(path)
    if progress:
        progress(1.0, f"{len(written)} files written")
    return written


def cmd_brief(args: argparse.Namespace) -> int:
    from vocsrc.cli import _bar

    bar, update = _bar("briefing packs")
    try:
        written = write_packs(args.db, None if args.all else [args.function], args.period, args.formats,
                              Path(args.out), by=args.by, seed=args.seed, include_text=not args.no_text,
                              progress=update)
    finally:
        bar.close()
    for path in written:
        print(path)
    return 0


run = cmd_brief  # the name the brief asks for; cli.py registers commands by their cmd_ name
