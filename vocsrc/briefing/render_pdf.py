"""The pack as a PDF (fpdf2, pure Python), with the same chart PNGs as the HTML and slides.

Fonts: fpdf2's core Helvetica knows only latin-1, which mangles customers' names and comments
in Polish, Greek, Cyrillic and other scripts. So when this machine has a Unicode TrueType family
(``pdf_fonts.find_font``: ``VOC_PDF_FONT``, else DejaVu Sans, Noto Sans, Liberation Sans or
Arial in their usual folders), the PDF embeds it (fpdf2 keeps only the glyphs used) and prints
the real characters; anything that family has no glyph for (CJK in DejaVu Sans, emoji) becomes
'?' or an ASCII stand-in rather than an invisible box (``pdf_fonts.fit_text``). fpdf2 does no
text shaping or right-to-left ordering without uharfbuzz, which we do not install, so Hebrew
and Arabic print their letters left to right (reversed for their readers, Arabic unjoined), and
DejaVu's oblique, used for verbatims, has no Arabic at all ('?'): a known limit.

With no such font, or a file fpdf2 cannot load, the PDF is what it always was: core Helvetica,
text spelled in latin-1 first (``render_common.to_latin1``: curly quotes, dashes and ellipses
mapped, accents kept where latin-1 has them, other accents stripped, other scripts '?'), so it
still builds on a bare machine with only pip packages.
"""

from __future__ import annotations

import io
import logging

from vocsrc.briefing.pack import Figure, Pack
from vocsrc.briefing.pdf_fonts import FontFamily, find_font, fit_text
from vocsrc.briefing.render_common import (CUSTOMER_COLUMNS, CUSTOMERS_TITLE, chart_images, customer_rows,
                                            customers_footnote, customers_unavailable_line, heard_text,
                                            to_latin1)

log = logging.getLogger(__name__)

BLUE = (0, 114, 178)
GREY = (110, 110, 110)
CORE_FONT = "Helvetica"


class _Face:
    """The family text is drawn in, and how a text is made drawable in it."""

    def __init__(self, family: FontFamily | None) -> None:
        self.family = family
        # Our own name for the embedded family: fpdf2 treats 'Arial', 'Helvetica' or 'Times' as its
        # core fonts (and would ignore add_font for them), whatever file VOC_PDF_FONT names.
        self.name = f"voc-{family.name}" if family else CORE_FONT
        # Each style's glyph set: DejaVu's bold and oblique cover fewer characters than its regular.
        self._glyphs = {s: family.glyphs(s) for s in family.files} if family else {}

    def fit(self, text: str, style: str = "") -> str:
        if self.family is None:
            return to_latin1(text)
        return fit_text(text, self._glyphs[style])


def _pdf(family: FontFamily | None):
    """The document and its face; a family fpdf2 cannot load falls back to core Helvetica."""
    from fpdf import FPDF

    class _Doc(FPDF):
        footer_text = ""
        face = _Face(None)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(self.face.name, size=7)
            self.set_text_color(*GREY)
            self.cell(0, 5, self.face.fit(f"{self.footer_text}    page {self.page_no()}"), align="C")

    doc = _Doc(format="A4", unit="mm")
    if family is not None:
        try:
            face = _Face(family)
            for style, path in family.files.items():
                doc.add_font(face.name, style, str(path))
            doc.face = face
        except Exception as exc:  # noqa: BLE001 - a bad font file must not cost the pack
            log.warning("cannot embed font %s (%s); the PDF uses Helvetica and latin-1", family.name, exc)
            doc = _Doc(format="A4", unit="mm")
    return doc


class _Writer:
    def __init__(self, pack: Pack) -> None:
        self.pdf = _pdf(find_font())
        self.face: _Face = self.pdf.face
        self.pdf.footer_text = f"{pack.title} · data to {pack.freshness}"
        self.pdf.set_auto_page_break(True, margin=16)
        self.pdf.set_margins(16, 16, 16)
        # Metadata is UTF-16 whatever the font; in core mode it stays latin-1, as it always was.
        self.pdf.set_title(pack.title if self.face.family else to_latin1(pack.title))
        self.pdf.add_page()

    def font(self, style: str, size: float) -> None:
        self.pdf.set_font(self.face.name, style, size)

    def fit(self, s: str, style: str) -> str:
        return self.face.fit(s, style)

    def text(self, s: str, size: float = 10, style: str = "", colour=(34, 34, 34), h: float = 5) -> None:
        self.font(style, size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, h, self.fit(s, style), new_x="LMARGIN", new_y="NEXT")

    def heading(self, s: str, keep: float = 20) -> None:
        """A section heading, on a new page unless ``keep`` mm of what follows fit under it
        (a heading left at a page's foot, its chart on the next page, reads as empty)."""
        if self.pdf.get_y() + 12 + keep > _BOTTOM:
            self.pdf.add_page()
        self.pdf.ln(3)
        self.text(s, 14, "B", BLUE, 7)
        self.pdf.ln(1)

    def bullet(self, s: str, note: str = "") -> None:
        self.text(f"- {s}", 10)
        if note:
            self.note(note)

    def note(self, s: str) -> None:
        self.text(s, 7.5, "", GREY, 3.8)
        self.pdf.ln(0.8)

    def figure(self, f: Figure, label: str | None = None) -> None:
        self.bullet(f"{label or f.label}: {f.text}", f.footnote)

    def image(self, png: bytes | None, footnote: str = "") -> None:
        if not png:
            return
        width, height = _image_size(png)
        if self.pdf.get_y() + height > _BOTTOM:
            self.pdf.add_page()
        self.pdf.image(io.BytesIO(png), w=width, h=height)
        if footnote:
            self.note(footnote)

    def table(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[float, ...]) -> None:
        """A small table in 8-point text; the header in bold, rows wrapped within their column."""
        pdf = self.pdf
        pdf.set_text_color(34, 34, 34)
        with pdf.table(col_widths=widths, text_align="LEFT", line_height=4, first_row_as_headings=True) as t:
            for i, row in enumerate((header, *rows)):
                style = "B" if i == 0 else ""
                self.font(style, 8)
                r = t.row()
                for cell in row:
                    r.cell(self.fit(cell, style))
        self.font("", 10)
        pdf.ln(1)

    def quote(self, before: str, evidence: str, after: str, meta: str) -> None:
        pdf = self.pdf
        pdf.set_text_color(34, 34, 34)
        self.font("I", 9.5)
        pdf.write(4.8, self.fit('"' + before, "I"))
        self.font("BI", 9.5)
        pdf.write(4.8, self.fit(evidence, "BI"))
        self.font("I", 9.5)
        pdf.write(4.8, self.fit(after + '"', "I"))
        pdf.ln(5)
        self.note(meta)
        pdf.ln(1)


def _customers(w: _Writer, pack: Pack) -> None:
    c = pack.customers
    if c is None:
        return
    w.heading(CUSTOMERS_TITLE)
    if not c.available:
        w.text(customers_unavailable_line(c))
        return
    w.text(heard_text(c))
    w.pdf.ln(1)
    if c.bands:
        w.table(CUSTOMER_COLUMNS, customer_rows(c), (24, 18, 22, 16, 20, 12, 36))
    for s in c.sentences:
        w.bullet(s)
    w.text(c.caveat, 9, "I")
    w.note(customers_footnote(pack))


_BOTTOM = 275  # mm: below this the page's footer and margin begin


def _image_size(png: bytes | None) -> tuple[float, float]:
    """Width and height in mm at which ``image`` places a chart: the text width, at most 200 mm tall."""
    if not png:
        return 0.0, 0.0
    from PIL import Image

    w, h = Image.open(io.BytesIO(png)).size
    width = 178.0
    height = width * h / w
    if height > 200:
        width, height = width * 200 / height, 200
    return width, height


def render_pdf(pack: Pack, images: dict[str, bytes] | None = None) -> bytes:
    images = chart_images(pack) if images is None else images
    w = _Writer(pack)
    w.text(pack.title, 20, "B", h=9)
    w.text(pack.subtitle, 10, "", GREY)
    w.heading("Headlines")
    for h in pack.headlines:
        w.bullet(" ".join((h.sentence, *h.extra)), h.current.footnote)
    if not pack.headlines:
        w.text("No scored responses in this period.")
    w.heading("The whole distribution and how the middle moved")
    for f in pack.distribution:
        w.figure(f)
    for s in pack.middle_sentences:
        w.bullet(s)
    for name in ("distribution", "migration", "trend"):
        spec = pack.chart(name)
        w.image(images.get(name), spec.footnote if spec else "")
    w.heading("What changed (beyond noise only)")
    for s in pack.changes:
        w.bullet(s)
    w.heading("Themes by impact", keep=_image_size(images.get("themes"))[1] or 20)
    spec = pack.chart("themes")
    w.image(images.get("themes"), spec.footnote if spec else "")
    for t in (*pack.themes_negative, *pack.themes_positive):
        w.bullet(f"{t.theme.replace('_', ' ')}: {t.impact.text}, {t.mentions:,} mentions, "
                 f"{'beyond noise' if t.significant else 'within noise'}")
    if pack.middle_themes:
        w.text("What holds the middle back", 11, "B")
        for m in pack.middle_themes:
            w.bullet(f"{m.theme.replace('_', ' ')}: {m.middle_share.fmt()} of the middle against "
                     f"{m.top_share.fmt()} of the top band" + (", beyond noise" if m.beyond_noise else ""),
                     m.middle_share.footnote)
    w.heading("Complaints")
    c = pack.complaints
    if c is None:
        w.text("No complaints in either period.")
    else:
        for s in c.sentences:
            w.bullet(s)
        for f in c.shares:
            w.figure(f)
        spec = pack.chart("complaints")
        w.image(images.get("complaints"), spec.footnote if spec else "")
    _customers(w, pack)
    w.heading("In their words")
    if not pack.include_text:
        w.text("Free text is left out of this pack.")
    for v in pack.verbatims:
        w.quote(v.before, v.evidence, v.after, f"{v.band} · {v.meta}")
    w.heading("Questions to take back to your team")
    for i, q in enumerate(pack.questions, 1):
        w.text(f"{i}. {q.text}")
        w.note(f"Because: {q.because}")
    w.heading("You said, we did")
    if not pack.actions:
        w.text("No actions recorded yet.")
    for a in pack.actions:
        w.bullet(f"[{a.period}, {a.status}] You said: {a.you_said} - We did: {a.we_did or '(not yet)'}"
                 + (f" ({a.owner})" if a.owner else ""))
    w.heading("How to read this")
    for n in pack.notes:
        w.note(n)
    return bytes(w.pdf.output())
