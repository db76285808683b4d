"""The pack as Markdown for email: the same sections as the HTML, charts named with their
footnotes (email clients strip embedded images), every data string escaped so a comment can
neither format nor link nor smuggle HTML."""

from __future__ import annotations

from vocsrc.briefing.pack import Figure, Pack
from vocsrc.briefing.render_common import (CUSTOMER_COLUMNS, CUSTOMERS_TITLE, customer_rows, customers_footnote,
                                            customers_unavailable_line, heard_text)
from vocsrc.privacy import escape_markdown as esc


def _fig(f: Figure) -> str:
    return f"{esc(f.text)}  \n  <small>{esc(f.footnote)}</small>"


def _customers(pack: Pack) -> list[str]:
    c = pack.customers
    if c is None:
        return []
    out = ["", f"## {esc(CUSTOMERS_TITLE)}", ""]
    if not c.available:
        return out + [esc(customers_unavailable_line(c))]
    out += [esc(heard_text(c)), ""]
    rows = customer_rows(c)
    if rows:
        out += ["| " + " | ".join(esc(h) for h in CUSTOMER_COLUMNS) + " |", "|" + "---|" * len(CUSTOMER_COLUMNS)]
        out += ["| " + " | ".join(esc(cell) for cell in row) + " |" for row in rows]
        out.append("")
    out += [f"- {esc(s)}" for s in c.sentences]
    return out + ["", f"_{esc(c.caveat)}_", "", f"<small>{esc(customers_footnote(pack))}</small>"]


def render_md(pack: Pack) -> str:
    out = [f"# {esc(pack.title)}", "", esc(pack.subtitle), "", "## Headlines", ""]
    for h in pack.headlines:
        out.append(f"- {esc(' '.join((h.sentence, *h.extra)))}  \n  {_fig(h.current)}")
    out += ["", "## The whole distribution and how the middle moved", ""]
    out += [f"- {esc(f.label)}: {_fig(f)}" for f in pack.distribution]
    out += [f"- {esc(s)}" for s in pack.middle_sentences]
    out += ["", "## What changed (beyond noise only)", ""] + [f"- {esc(s)}" for s in pack.changes]
    out += ["", "## Themes by impact", ""]
    for t in (*pack.themes_negative, *pack.themes_positive):
        verdict = "beyond noise" if t.significant else "within noise"
        out.append(f"- {esc(t.theme.replace('_', ' '))}: {esc(t.impact.text)}, {t.mentions:,} mentions, {verdict}")
    if pack.middle_themes:
        out += ["", "**What holds the middle back**", ""]
        out += [f"- {esc(m.theme.replace('_', ' '))}: {esc(m.middle_share.fmt())} of the middle against "
                f"{esc(m.top_share.fmt())} of the top band" + (", beyond noise" if m.beyond_noise else "")
                for m in pack.middle_themes]
    out += ["", "## Complaints", ""]
    if pack.complaints:
        out += [f"- {esc(s)}" for s in pack.complaints.sentences]
        out += [f"- {esc(f.label)}: {_fig(f)}" for f in pack.complaints.shares]
    else:
        out.append("No complaints in either period.")
    out += _customers(pack)
    out += ["", "## In their words", ""]
    if not pack.include_text:
        out.append("Free text is left out of this pack.")
    for v in pack.verbatims:
        quote = esc(v.before) + (f"**{esc(v.evidence)}**" if v.evidence else "") + esc(v.after)
        out += [f"> {quote}  \n> <small>{esc(v.band)} · {esc(v.meta)}</small>", ""]
    out += ["", "## Questions to take back to your team", ""]
    out += [f"{i}. {esc(q.text)} <small>(because: {esc(q.because)})</small>" for i, q in enumerate(pack.questions, 1)]
    out += ["", "## You said, we did", ""]
    if pack.actions:
        out += ["| Period | You said | We did | Owner | Status |", "|---|---|---|---|---|"]
        out += [f"| {esc(a.period)} | {esc(a.you_said)} | {esc(a.we_did)} | {esc(a.owner)} | {esc(a.status)} |"
                for a in pack.actions]
    else:
        out.append("No actions recorded yet.")
    out += ["", "## Charts (in the HTML, PDF and slides)", ""]
    out += [f"- {esc(c.title)}: {esc(c.footnote)}" for c in pack.charts]
    out += ["", "## How to read this", ""] + [f"- {esc(n)}" for n in pack.notes]
    return "\n".join(out) + "\n"
