"""What every renderer shares: chart images made once per pack, and the pack's figures as lines
of numbers (for speaker notes and appendices)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from vocsrc.briefing.pack import Figure, Pack

if TYPE_CHECKING:
    from vocsrc.customer_base import BandFigures, CustomerSection

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
    if pack.customers is not None and pack.customers.available:
        note = customers_footnote(pack)
        out += [f"{line} [{note}]" for line in (heard_text(pack.customers), *band_lines(pack.customers))]
    return out


# 'Our customers': the same words and numbers in every format.
CUSTOMERS_TITLE = "Our customers"
NO_CUSTOMERS = "No customer file has been imported, so customers cannot be counted here."
CUSTOMER_COLUMNS = ("Band", "Active customers", "Yearly revenue", "Share of revenue", "Customers in the period",
                    "Lost", "Churn (95% Wilson interval)")


def customers_unavailable_line(c: CustomerSection) -> str:
    """The one plain line shown when the section cannot be filled."""
    return c.sentences[0] if c.sentences else NO_CUSTOMERS


def heard_text(c: CustomerSection) -> str:
    share = f" ({c.heard_share:.0%})" if c.heard_share is not None else ""
    return f"Customers heard from: {c.heard_customers:,} of {c.active_customers:,} active customers{share}"


def _rate(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def churn_text(b: BandFigures) -> str:
    """'1.5% (0.6% to 3.5%)', flagged when the band has too few customers to read."""
    if b.churn_rate is None:
        return "n/a"
    text = _rate(b.churn_rate)
    if b.churn_low is not None and b.churn_high is not None:
        text += f" ({_rate(b.churn_low)} to {_rate(b.churn_high)})"
    return text if b.solid else f"{text}, too few to rely on"


def money(x: float) -> str:
    return f"£{x:,.0f}"


def customer_rows(c: CustomerSection) -> list[tuple[str, ...]]:
    """One row per band, in the order of ``CUSTOMER_COLUMNS``."""
    return [(b.label, f"{b.active_customers:,}", money(b.revenue),
             "n/a" if b.revenue_share is None else f"{b.revenue_share:.0%}", f"{b.customers:,}", f"{b.lost:,}",
             churn_text(b)) for b in c.bands]


def band_lines(c: CustomerSection) -> list[str]:
    """Each band's figures as one sentence-like line (speaker notes, the numbers appendix)."""
    return [f"{b.label}: {b.active_customers:,} active customers holding {money(b.revenue)} of yearly revenue"
            + (f" ({b.revenue_share:.0%})" if b.revenue_share is not None else "")
            + f"; {b.lost:,} of {b.customers:,} lost in the period, churn {churn_text(b)}" for b in c.bands]


def customers_footnote(pack: Pack) -> str:
    """The section's footnote (n, period, method) with the pack's data freshness."""
    c = pack.customers
    note = c.footnote if c is not None else ""
    if "data to " not in note:
        note = " · ".join(p for p in (note, f"data to {pack.freshness}") if p)
    return note


# Characters outside latin-1 that readers of a briefing will meet, spelled in latin-1: for the PDF
# on a machine with no Unicode font, whose core Helvetica covers only latin-1 (see render_pdf), and
# as the stand-in for a character the embedded font has no glyph for (pdf_fonts.fit_text).
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
