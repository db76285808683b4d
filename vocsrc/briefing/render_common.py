"""What every renderer shares: chart images made once per pack, and the pack's figures as lines
of numbers (for speaker notes and appendices)."""

from __future__ import annotations

import unicodedata

from vocsrc.briefing.pack import Figure, Pack

IMAGE_SCALE = 2.0  # sharp on a projected slide and in print


def chart_images(pack: Pack, scale: float = IMAGE_SCALE) -> dict[str, bytes]:
    """PNG per chart name. Renderers take this dict so HTML, PDF and PPTX of one pack convert each
    chart once (vl-convert is most of an export's time)."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from vocsrc.charts import chart_to_png

    # vl-convert releases the GIL while it renders, so threads use every core (about 2x here).
    workers = max(1, min(len(pack.charts), os.cpu_count() or 1, 4))
    with ThreadPoolExecutor(workers) as pool:
        pngs = list(pool.map(lambda c: chart_to_png(c.chart, scale=scale), pack.charts))
    return {c.name: png for c, png in zip(pack.charts, pngs)}


def figure_line(f: Figure) -> str:
    return f"{f.label}: {f.text} [{f.footnote}]"


def numbers(pack: Pack) -> list[str]:
    """Every figure in the pack, one line each with n, period, method and freshness."""
    out = [figure_line(h.current) for h in pack.headlines]
    out += [figure_line(h.previous) for h in pack.headlines if h.previous]
    out += [figure_line(f) for f in pack.distribution]
    out += [figure_line(t.impact) for t in (*pack.themes_negative, *pack.themes_positive)]
    if pack.complaints:
        out.append(figure_line(pack.complaints.volume))
        out += [figure_line(f) for f in pack.complaints.shares]
    return out


# Characters outside latin-1 that readers of a briefing will meet, spelled in latin-1. The PDF's
# core fonts only cover latin-1 (see render_pdf for why we do not embed a TTF).
_LATIN1 = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2026": "...", "\u2022": "-", "\u00a0": " ",
    "\u2192": "->", "\u2190": "<-", "\u2265": ">=", "\u2264": "<=", "\u2248": "~", "\u0394": "change in ",
    "\u00b7": "\u00b7", "\u2009": " ", "\u200b": "", "\ufeff": "",
})


def to_latin1(text: str) -> str:
    """Spell text in latin-1 without losing its meaning: quotes and dashes mapped, accents kept
    where latin-1 has them, otherwise stripped (é stays, ő becomes o), anything else '?'."""
    text = str(text).translate(_LATIN1)
    out = []
    for ch in text:
        if ord(ch) < 256:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in base if ord(c) < 256 and not unicodedata.combining(c))
        out.append(kept or "?")
    return "".join(out)
