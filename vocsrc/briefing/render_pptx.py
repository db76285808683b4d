"""The pack as a PowerPoint deck for leadership meetings (python-pptx).

One message per slide: the slide title is the message in plain words, the chart or a few
bullets support it, the footnote (n, period, method, freshness) sits at the bottom, and the
numbers behind the message go in the speaker notes so the presenter has them to hand.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from vocsrc.briefing.pack import Pack
from vocsrc.briefing.questions import short_sentence as short
from vocsrc.briefing.render_common import (CUSTOMER_COLUMNS, CUSTOMERS_TITLE, band_lines, chart_images,
                                            customer_rows, customers_footnote, figure_line, heard_text, numbers)

WIDE = (13.333, 7.5)  # 16:9, inches


class Deck:
    def __init__(self) -> None:
        from pptx import Presentation
        from pptx.util import Inches

        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(WIDE[0]), Inches(WIDE[1])

    def _slide(self, title: str, notes: Sequence[str], footnote: str = "", layout: int = 5):
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.prs.slide_layouts[layout])
        t = slide.shapes.title
        t.left, t.top, t.width, t.height = Inches(0.5), Inches(0.3), Inches(12.3), Inches(1.2)
        t.text = title
        for p in t.text_frame.paragraphs:
            for r in p.runs:
                r.font.size = Pt(26 if len(title) < 90 else 20)
        if footnote:
            box = slide.shapes.add_textbox(Inches(0.5), Inches(6.85), Inches(12.3), Inches(0.5))
            box.text_frame.word_wrap = True
            box.text_frame.text = footnote
            for p in box.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(10)
        slide.notes_slide.notes_text_frame.text = "\n".join(notes) or title
        return slide

    def title_slide(self, title: str, subtitle: str, notes: Sequence[str] = ()) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[0])
        slide.shapes.title.text = title
        slide.placeholders[1].text = subtitle
        slide.notes_slide.notes_text_frame.text = "\n".join(notes) or subtitle

    def bullets(self, title: str, items: Sequence[str], notes: Sequence[str], footnote: str = "") -> None:
        from pptx.util import Inches, Pt

        slide = self._slide(title, notes, footnote)
        box = slide.shapes.add_textbox(Inches(0.7), Inches(1.7), Inches(11.9), Inches(5.0))
        tf = box.text_frame
        tf.word_wrap = True
        for i, item in enumerate(items or ["Nothing to report."]):
            p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
            p.text = f"• {item}"
            p.space_after = Pt(10)
            for r in p.runs:
                r.font.size = Pt(18 if len(items) <= 5 else 14)

    def picture(self, title: str, png: bytes, notes: Sequence[str], footnote: str = "") -> None:
        from PIL import Image
        from pptx.util import Inches

        slide = self._slide(title, notes, footnote)
        w, h = Image.open(io.BytesIO(png)).size
        max_w, max_h = 12.3, 5.1
        width = min(max_w, max_h * w / h)
        left = (WIDE[0] - width) / 2
        slide.shapes.add_picture(io.BytesIO(png), Inches(left), Inches(1.6), width=Inches(width))

    def table(self, title: str, lead: str, header: Sequence[str], rows: Sequence[Sequence[str]], after: str,
              notes: Sequence[str], footnote: str = "") -> None:
        """A sentence, a small table and a closing line (e.g. a caveat) on one slide."""
        from pptx.util import Inches, Pt

        slide = self._slide(title, notes, footnote)
        box = slide.shapes.add_textbox(Inches(0.7), Inches(1.5), Inches(11.9), Inches(0.6))
        box.text_frame.word_wrap = True
        box.text_frame.text = lead
        for r in box.text_frame.paragraphs[0].runs:
            r.font.size = Pt(18)
        height = 0.4 * (len(rows) + 1)
        shape = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.7), Inches(2.2), Inches(11.9),
                                       Inches(height))
        for i, row in enumerate((header, *rows)):
            for j, text in enumerate(row):
                cell = shape.table.cell(i, j)
                cell.text = str(text)
                for p in cell.text_frame.paragraphs:
                    for r in p.runs:
                        r.font.size = Pt(12)
        box = slide.shapes.add_textbox(Inches(0.7), Inches(2.4 + height), Inches(11.9), Inches(1.2))
        box.text_frame.word_wrap = True
        box.text_frame.text = after
        for r in box.text_frame.paragraphs[0].runs:
            r.font.size = Pt(14)
            r.font.italic = True

    def save(self) -> bytes:
        buf = io.BytesIO()
        self.prs.save(buf)
        return buf.getvalue()


def _message(pack: Pack) -> str:
    """The one thing to remember: the first change beyond noise, else the NPS headline."""
    from vocsrc.briefing.build import NOTHING_CHANGED

    real = [c for c in pack.changes if not c.startswith(NOTHING_CHANGED)]
    if real:
        return short(real[0])
    return pack.headlines[0].sentence if pack.headlines else pack.changes[0]


def add_pack_slides(deck: Deck, pack: Pack, images: dict[str, bytes]) -> None:
    all_numbers = numbers(pack)
    deck.title_slide(pack.title, pack.subtitle, [_message(pack), *pack.notes])
    if pack.headlines:
        h0 = pack.headlines[0]
        deck.bullets(h0.sentence, [" ".join((h.sentence, *h.extra)) for h in pack.headlines],
                     [figure_line(h.current) for h in pack.headlines]
                     + [figure_line(h.previous) for h in pack.headlines if h.previous], h0.current.footnote)
    middle = next((s for s in pack.middle_sentences if "beyond noise" in s and "within" not in s), None)
    for name in ("trend", "migration", "distribution"):
        spec = pack.chart(name)
        if spec is None or name not in images:
            continue
        title = short(middle) if (middle and name == "trend") else spec.title
        notes = [*pack.middle_sentences, *(figure_line(f) for f in pack.distribution)]
        deck.picture(title, images[name], notes, spec.footnote)
    deck.bullets("What changed, beyond noise only", list(pack.changes), list(pack.changes) + all_numbers[:6])
    themes = pack.chart("themes")
    if themes and "themes" in images:
        worst = pack.themes_negative[0] if pack.themes_negative else None
        title = (f"Biggest drag: {worst.theme.replace('_', ' ')} ({worst.impact.fmt()} points"
                 f"{'' if worst.significant else ', within noise'})") if worst and worst.impact.unit == "points" \
            else themes.title
        deck.picture(title, images["themes"],
                     [figure_line(t.impact) for t in (*pack.themes_negative, *pack.themes_positive)], themes.footnote)
    if pack.middle_themes:
        deck.bullets("What holds the middle back",
                     [f"{m.theme.replace('_', ' ')}: {m.middle_share.fmt()} of the middle against {m.top_share.fmt()} "
                      f"of the top band" + (", beyond noise" if m.beyond_noise else "") for m in pack.middle_themes],
                     [f"{m.theme}: {figure_line(m.middle_share)}; {figure_line(m.top_share)}" for m in pack.middle_themes],
                     pack.middle_themes[0].middle_share.footnote)
    c = pack.complaints
    if c is not None:
        rising = next((s for s in c.sentences if s.startswith("Complaints about")), c.sentences[0])
        notes = [*c.sentences, figure_line(c.volume), *(figure_line(f) for f in c.shares)]
        if pack.chart("complaints") and "complaints" in images:
            deck.picture(short(rising), images["complaints"], notes, pack.chart("complaints").footnote)
        else:
            deck.bullets(short(rising), list(c.sentences), notes, c.volume.footnote)
    c = pack.customers
    if c is not None and c.available:  # without a customer file the deck leaves the slide out
        deck.table(CUSTOMERS_TITLE, heard_text(c), CUSTOMER_COLUMNS, customer_rows(c), c.caveat,
                   [heard_text(c), *band_lines(c), *c.sentences, c.caveat, customers_footnote(pack)],
                   customers_footnote(pack))
    if pack.include_text and pack.verbatims:
        quotes = [f"“{v.evidence or v.text[:160]}” ({v.band}, {v.source})" for v in pack.verbatims[:6]]
        deck.bullets("In their words: as many good as bad", quotes, [f"{v.band}: {v.text}" for v in pack.verbatims],
                     f"Sampled evenly from good and bad scores across sources, seed {pack.seed}; personal data redacted")
    deck.bullets("Questions to take back to your team", [q.text for q in pack.questions],
                 [f"{q.text} Because: {q.because}" for q in pack.questions])
    if pack.actions:
        deck.bullets("You said, we did", [f"{a.you_said} → {a.we_did or 'not yet'} ({a.status})" for a in pack.actions],
                     [f"{a.period} · {a.owner} · {a.status}" for a in pack.actions])
    deck.bullets("How to read these figures", list(pack.notes), all_numbers)


def render_pptx(pack: Pack, images: dict[str, bytes] | None = None) -> bytes:
    images = chart_images(pack) if images is None else images
    deck = Deck()
    add_pack_slides(deck, pack, images)
    return deck.save()


def render_leadership_deck(packs: Sequence[Pack], period: str) -> bytes:
    """One deck across functions: a title slide, then one message per function."""
    deck = Deck()
    fresh = packs[0].freshness if packs else "n/a"
    deck.title_slide(f"Customer briefing across functions, {period}",
                     f"{len(packs)} functions against the previous period · data to {fresh}")
    overview = []
    for p in packs:
        nps = next((h for h in p.headlines if h.metric == "nps"), None)
        overview.append(f"{p.function}: " + (f"NPS {nps.current.text}, n = {nps.current.n:,}" if nps else "no NPS"))
    deck.bullets("Where each function stands", overview,
                 [figure_line(h.current) for p in packs for h in p.headlines[:1]],
                 "NPS with adjusted-Wald 95% intervals; see each function's pack for the rest")
    for p in packs:
        items = [h.sentence for h in p.headlines[:2]] + [c for c in p.changes if c not in
                                                          [h.sentence for h in p.headlines]][:3]
        deck.bullets(f"{p.function}: {_message(p)}", items, numbers(p)[:12],
                     p.headlines[0].current.footnote if p.headlines else "")
    return deck.save()
