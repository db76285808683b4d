"""The pack as one self-contained HTML file: inline CSS, charts as base64 PNGs, a print
stylesheet, no scripts and no external requests, so it opens offline and prints cleanly.

Everything from the data (comments, theme and driver names, the function's name, actions) goes
through ``html.escape``; the page holds no <script> at all, so a review containing one is text.
"""

from __future__ import annotations

import base64
from html import escape

from vocsrc.briefing.pack import Figure, Pack
from vocsrc.briefing.render_common import (CUSTOMER_COLUMNS, CUSTOMERS_TITLE, chart_images, customer_rows,
                                            customers_footnote, customers_unavailable_line, heard_text)

CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#222;max-width:960px;margin:2em auto;
padding:0 1.2em;line-height:1.45}
h1{font-size:1.8em;margin-bottom:.1em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:1.8em}
.sub{color:#555;margin-top:0}.fn{color:#666;font-size:.82em;display:block;margin-top:.15em}
.grey{color:#9A9A9A}.sig{color:#0072B2;font-weight:600}
table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.92em}
th,td{border-bottom:1px solid #ddd;text-align:left;padding:.3em .5em;vertical-align:top}th{background:#f4f6f8}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#666;font-size:.82em}
blockquote{border-left:4px solid #BBBBBB;margin:.8em 0;padding:.3em .9em;background:#fafafa}
blockquote.bad{border-color:#D55E00}blockquote.good{border-color:#0072B2}
mark{background:#fff1b8;padding:0 .1em}.meta{color:#666;font-size:.82em}
.notes{color:#555;font-size:.85em}.caveat{border-left:4px solid #E69F00;padding:.3em .9em;background:#fffaf0}
@media print{body{max-width:none;margin:0;font-size:10.5pt}h2{page-break-after:avoid}
figure,blockquote,table,tr{page-break-inside:avoid}a{color:inherit;text-decoration:none}
@page{size:A4;margin:15mm}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _fig(f: Figure) -> str:
    cls = "" if f.solid else ' class="grey"'
    return f"<span{cls}>{_e(f.text)}</span><span class=\"fn\">{_e(f.footnote)}</span>"


def _chart(pack: Pack, images: dict[str, bytes], name: str) -> str:
    spec = pack.chart(name)
    if spec is None or name not in images:
        return ""
    data = base64.b64encode(images[name]).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(spec.title + ". " + spec.alt_text)}">'
            f"<figcaption>{_e(spec.footnote)}</figcaption></figure>")


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>"


def _themes(pack: Pack) -> str:
    rows = []
    for t in (*pack.themes_negative, *pack.themes_positive):
        verdict = '<span class="sig">beyond noise</span>' if t.significant else "within noise"
        rows.append(f"<tr><td>{_e(t.theme.replace('_', ' '))}</td><td>{_fig(t.impact)}</td>"
                    f"<td>{t.mentions:,}</td><td>{verdict}</td></tr>")
    out = ("<table><tr><th>Theme</th><th>Impact (with minus without)</th><th>Mentions</th><th>Verdict</th></tr>"
           + "".join(rows) + "</table>") if rows else "<p>Too few themed comments to estimate impact.</p>"
    if pack.middle_themes:
        out += "<h3>What holds the middle back</h3><table><tr><th>Theme</th><th>Middle mentioning</th>" \
               "<th>Top band mentioning</th><th>Verdict</th></tr>"
        for m in pack.middle_themes:
            out += (f"<tr><td>{_e(m.theme.replace('_', ' '))}</td><td>{_fig(m.middle_share)}</td>"
                    f"<td>{_fig(m.top_share)}</td><td>{'beyond noise' if m.beyond_noise else 'within noise'}</td></tr>")
        out += "</table>"
    return out


def _complaints(pack: Pack, images: dict[str, bytes]) -> str:
    c = pack.complaints
    if c is None:
        return "<p>No complaints in either period.</p>"
    out = _list(c.sentences) + f"<p>{_e(c.volume.label)}: {_fig(c.volume)}</p>"
    if c.shares:
        out += "<table><tr><th>Measure</th><th>Share</th></tr>" + "".join(
            f"<tr><td>{_e(f.label)}</td><td>{_fig(f)}</td></tr>" for f in c.shares) + "</table>"
    out += "<table><tr><th>Driver</th><th>" + _e(pack.previous_period) + "</th><th>" + _e(pack.period) + \
           "</th><th>Verdict</th><th>Timely</th></tr>"
    for d in c.drivers[:10]:
        timely = f"{d.timely_share:.0%}" if d.timely_share is not None else "n/a"
        verdict = '<span class="sig">rising, beyond noise</span>' if d.rising else "within noise"
        out += f"<tr><td>{_e(d.driver)}</td><td>{d.previous:,}</td><td>{d.current:,}</td><td>{verdict}</td><td>{timely}</td></tr>"
    return out + "</table>" + _chart(pack, images, "complaints")


def _customers(pack: Pack) -> str:
    """'Our customers': heard from, value and churn by band, the sentences, the caveat, the footnote."""
    c = pack.customers
    if c is None:
        return ""
    head = f"<h2>{_e(CUSTOMERS_TITLE)}</h2>"
    if not c.available:
        return head + f"<p>{_e(customers_unavailable_line(c))}</p>"
    grey = ' class="grey"'
    rows = "".join(  # the churn cell greyed when the band is too small to read
        "<tr>" + "".join(f"<td{grey if i == len(row) - 1 and not b.solid else ''}>{_e(cell)}</td>"
                         for i, cell in enumerate(row)) + "</tr>"
        for b, row in zip(c.bands, customer_rows(c)))
    table = ("<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in CUSTOMER_COLUMNS) + f"</tr>{rows}</table>"
             if rows else "")
    return (head + f"<p>{_e(heard_text(c))}</p>" + table + _list(c.sentences)
            + f'<p class="caveat">{_e(c.caveat)}</p><span class="fn">{_e(customers_footnote(pack))}</span>')


def _verbatims(pack: Pack) -> str:
    if not pack.include_text:
        return "<p>Free text is left out of this pack.</p>"
    if not pack.verbatims:
        return "<p>No comments in this period.</p>"
    return "".join(
        f'<blockquote class="{_e(v.tone)}">{_e(v.before)}<mark>{_e(v.evidence)}</mark>{_e(v.after)}'
        f'<div class="meta">{_e(v.band)} · {_e(v.meta)}</div></blockquote>' for v in pack.verbatims)


def _actions(pack: Pack) -> str:
    if not pack.actions:
        return "<p>No actions recorded yet.</p>"
    return ("<table><tr><th>Period</th><th>You said</th><th>We did</th><th>Owner</th><th>Status</th></tr>"
            + "".join(f"<tr><td>{_e(a.period)}</td><td>{_e(a.you_said)}</td><td>{_e(a.we_did)}</td>"
                      f"<td>{_e(a.owner)}</td><td>{_e(a.status)}</td></tr>" for a in pack.actions) + "</table>")


def render_html(pack: Pack, images: dict[str, bytes] | None = None) -> str:
    images = chart_images(pack) if images is None else images
    heads = "".join(
        f"<li>{_e(h.sentence)}" + "".join(f" {_e(x)}" for x in h.extra) + f"<br>{_fig(h.current)}</li>"
        for h in pack.headlines) or "<li>No scored responses in this period.</li>"
    dist = "".join(f"<tr><td>{_e(f.label)}</td><td>{_fig(f)}</td></tr>" for f in pack.distribution)
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(pack.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(pack.title)}</h1><p class=\"sub\">{_e(pack.subtitle)}</p>",
        f"<h2>Headlines</h2><ul>{heads}</ul>",
        "<h2>The whole distribution and how the middle moved</h2>",
        (f"<table><tr><th>Band</th><th>Share, {_e(pack.period)}</th></tr>{dist}</table>" if dist else ""),
        _list(pack.middle_sentences),
        _chart(pack, images, "distribution"), _chart(pack, images, "migration"), _chart(pack, images, "trend"),
        "<h2>What changed (beyond noise only)</h2>", _list(pack.changes),
        "<h2>Themes by impact</h2>", _chart(pack, images, "themes"), _themes(pack),
        "<h2>Complaints</h2>", _complaints(pack, images),
        _customers(pack),
        "<h2>In their words</h2>", _verbatims(pack),
        "<h2>Questions to take back to your team</h2>",
        "<ol>" + "".join(f"<li>{_e(q.text)}<span class=\"fn\">Because: {_e(q.because)}</span></li>"
                         for q in pack.questions) + "</ol>",
        "<h2>You said, we did</h2>", _actions(pack),
        f"<h2>How to read this</h2><div class=\"notes\">{_list(pack.notes)}</div>",
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)
