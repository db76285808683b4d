"""The PDF briefing in customers' own alphabets: a Unicode TrueType family found on the machine
(or named by VOC_PDF_FONT) is embedded and keeps Polish, Greek and Cyrillic intact; characters it
has no glyph for become '?' instead of invisible boxes; with no font the PDF is the latin-1 one.

Discovery runs against copies of this machine's own font files in temporary folders. The pack
test builds a real pack on the demo store with a planted review and reads the PDF's text back
through its fonts' ToUnicode maps (what a viewer copies and searches)."""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

import pytest

from tests.unit.pdftext import embedded_fonts, pdf_text
from vocsrc.briefing import pdf_fonts
from vocsrc.briefing.pdf_fonts import Candidate, find_font, fit_text, font_glyphs
from vocsrc.briefing.render_common import to_latin1
from vocsrc.store import open_store

# Polish, Norwegian, Greek and Cyrillic, an emoji and CJK that no font on this image draws.
REVIEW = ("Łukasz from the Kraków depot and Ødegård both waited, Σοφία too. "
          "Доставка опоздала на три дня 👍 配送 never came and nobody called back.")
# Packs show as many good verbatims as bad ones, so the bad review needs a good partner.
PRAISE = "Wonderful fitters, Mikołaj and Ζωή were early and tidy, спасибо большое from all of us."
KEPT = ("Łukasz", "Kraków", "Ødegård", "Σοφία", "Доставка опоздала на три дня")
THUMBS, CJK = "\U0001f44d", "配送"
# Any folder a machine keeps fonts in, for the last resort of finding one to point VOC_PDF_FONT at.
FONT_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
              "/System/Library/Fonts", "/Library/Fonts", os.path.join(os.environ.get("WINDIR", "C:/Windows"), "Fonts"))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _covers(path: str, text: str) -> bool:
    glyphs = font_glyphs(path) or frozenset()
    return all(ord(c) in glyphs for c in text if not c.isspace())


def _machine_family(monkeypatch) -> pdf_fonts.FontFamily:
    """The family this machine offers: the built-in search first; failing that, any TrueType file
    under the usual font folders that draws the kept words, through VOC_PDF_FONT. None at all is
    a broken test image (CI's has DejaVu and Liberation), so fail rather than skip."""
    monkeypatch.delenv(pdf_fonts.ENV_VAR, raising=False)
    family = find_font()
    if family is not None:
        return family
    roots = [Path(r).expanduser() for r in FONT_ROOTS]
    for path in (p for root in roots if root.is_dir() for p in sorted(root.rglob("*.[tT][tT][fF]"))):
        if _covers(str(path), "".join(KEPT)):
            monkeypatch.setenv(pdf_fonts.ENV_VAR, str(path))
            family = find_font()
            assert family is not None
            return family
    pytest.fail("no Unicode TrueType font on this machine (fc-list shows none); install fonts-dejavu-core "
                "or set VOC_PDF_FONT: the Unicode PDF path cannot be tested")


def _candidate_for(family: pdf_fonts.FontFamily) -> Candidate:
    return next(c for c in pdf_fonts.SEARCH if c.name == family.name and
                any((d / c.files[""]) == family.files[""] for d in c.dirs))


# --- discovery ---------------------------------------------------------------------------------

def test_the_family_is_found_in_a_search_folder(monkeypatch, tmp_path):
    real = _machine_family(monkeypatch)
    if os.environ.get(pdf_fonts.ENV_VAR):
        pytest.fail("no font in the built-in search folders; this test needs one (CI has DejaVu)")
    cand = _candidate_for(real)
    empty, fonts = tmp_path / "empty", tmp_path / "fonts"
    empty.mkdir()
    fonts.mkdir()
    for style, name in cand.files.items():
        if (src := real.files[style]).name == name:  # the styles this machine really has
            (fonts / name).symlink_to(src)
    monkeypatch.setattr(pdf_fonts, "SEARCH", (Candidate(cand.name, (empty, fonts), cand.files),))
    found = find_font()
    assert found is not None and found.name == cand.name
    assert {s: p.parent for s, p in found.files.items()} == {s: fonts for s in pdf_fonts.STYLES}
    assert [found.files[s].name for s in pdf_fonts.STYLES] == [real.files[s].name for s in pdf_fonts.STYLES]


def test_first_family_in_search_order_wins_and_missing_styles_borrow_regular(monkeypatch, tmp_path):
    real = _machine_family(monkeypatch)
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    shutil.copy(real.files[""], first / "Only-Regular.ttf")
    for style in pdf_fonts.STYLES:
        shutil.copy(real.files[style], second / f"S{style or 'R'}.ttf")
    both = (Candidate("First", (first,), {"": "Only-Regular.ttf", "B": "Only-Bold.ttf", "I": "Only-Italic.ttf",
                                          "BI": "Only-BoldItalic.ttf"}),
            Candidate("Second", (second,), {s: f"S{s or 'R'}.ttf" for s in pdf_fonts.STYLES}))
    monkeypatch.setattr(pdf_fonts, "SEARCH", both)
    found = find_font()
    assert found.name == "First" and set(found.files.values()) == {first / "Only-Regular.ttf"}
    (first / "Only-Regular.ttf").unlink()
    assert find_font().name == "Second"


def test_empty_search_path_means_core_helvetica(monkeypatch, tmp_path):
    monkeypatch.delenv(pdf_fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(pdf_fonts, "SEARCH", ())
    assert find_font() is None
    monkeypatch.setattr(pdf_fonts, "SEARCH", (Candidate("DejaVuSans", (tmp_path,), {"": "DejaVuSans.ttf"}),))
    assert find_font() is None


def test_a_broken_font_file_is_passed_over(monkeypatch, tmp_path):
    real = _machine_family(monkeypatch)
    broken, good = tmp_path / "broken", tmp_path / "good"
    broken.mkdir()
    good.mkdir()
    (broken / "R.ttf").write_bytes(real.files[""].read_bytes()[:5000])  # a truncated download
    shutil.copy(real.files[""], good / "R.ttf")
    monkeypatch.setattr(pdf_fonts, "SEARCH", (Candidate("Broken", (broken,), {"": "R.ttf"}),
                                              Candidate("Good", (good,), {"": "R.ttf"})))
    assert font_glyphs(str(broken / "R.ttf")) is None
    assert find_font().name == "Good"


def test_voc_pdf_font_wins_and_finds_its_style_siblings(monkeypatch, tmp_path):
    real = _machine_family(monkeypatch)
    for style, suffix in (("", "-Regular"), ("B", "-Bold"), ("I", "-Italic")):
        shutil.copy(real.files[style], tmp_path / f"House{suffix}.ttf")
    monkeypatch.setattr(pdf_fonts, "SEARCH", ())
    monkeypatch.setenv(pdf_fonts.ENV_VAR, str(tmp_path / "House-Regular.ttf"))
    found = find_font()
    assert found.name == "House"
    assert {s: p.name for s, p in found.files.items()} == {
        "": "House-Regular.ttf", "B": "House-Bold.ttf", "I": "House-Italic.ttf", "BI": "House-Bold.ttf"}
    monkeypatch.setenv(pdf_fonts.ENV_VAR, "off")
    assert find_font() is None


@pytest.mark.parametrize("bad", ["missing.ttf", "not-a-font.ttf"])
def test_unusable_voc_pdf_font_falls_back_to_the_search_then_helvetica(monkeypatch, tmp_path, caplog, bad):
    real = _machine_family(monkeypatch)
    (tmp_path / "not-a-font.ttf").write_text("this is not a font")
    monkeypatch.setenv(pdf_fonts.ENV_VAR, str(tmp_path / bad))
    monkeypatch.setattr(pdf_fonts, "SEARCH", (Candidate("Found", (real.files[""].parent,),
                                                        {"": real.files[""].name}),))
    with caplog.at_level(logging.WARNING, logger="vocsrc.briefing.pdf_fonts"):
        assert find_font().name == "Found"
    assert bad in caplog.text
    monkeypatch.setattr(pdf_fonts, "SEARCH", ())
    assert find_font() is None


def test_the_cmap_is_read_once_per_file(monkeypatch):
    real = _machine_family(monkeypatch)
    import fontTools.ttLib

    opened = []
    original = fontTools.ttLib.TTFont

    def counting(*args, **kwargs):
        opened.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(fontTools.ttLib, "TTFont", counting)
    font_glyphs.cache_clear()
    for _ in range(3):
        find_font()
        real.glyphs("")
    assert sorted(opened) == sorted(map(str, set(real.files.values())))


# --- fitting text to the glyphs --------------------------------------------------------------

def test_fit_text_keeps_what_the_font_draws_and_marks_the_rest(monkeypatch):
    real = _machine_family(monkeypatch)
    glyphs = real.glyphs("")
    woman, laptop = "\U0001f469", "\U0001f4bb"
    assert not {ord(c) for c in (THUMBS, woman, laptop, *CJK)} & glyphs, "pick characters this font lacks"
    assert fit_text(REVIEW, glyphs) == REVIEW.replace(THUMBS, "?").replace(CJK, "??")
    # One '?' per picture: a skin tone, a variation selector and a zero-width joiner add none.
    assert fit_text(f"a {THUMBS}\U0001f3fd b {woman}\u200d{laptop} c {THUMBS}\ufe0f", glyphs) == "a ? b ? c ?"
    assert fit_text("Cafe\u0301\tok", glyphs) == "Café ok"  # composed, so no detached accent


def test_fit_text_spells_a_missing_character_the_latin1_way():
    latin1 = frozenset(range(32, 256))
    assert fit_text("“Late” — ő → 配", latin1) == '"Late" - o -> ?'


# --- a real pack --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unicode_pack(demo_store, tmp_path_factory):
    from vocsrc.briefing.build import build_pack

    db = tmp_path_factory.mktemp("unicode") / "voc.duckdb"
    shutil.copy(demo_store(0.3), db)
    with open_store(db) as con:
        for fid, stars, text in (("u-bad", 1, REVIEW), ("u-good", 5, PRAISE)):
            con.execute("""INSERT INTO feedback (feedback_id, kind, source, function, received_at, stars, text,
                                                 text_hash, import_id)
                           VALUES (?, 'review', 'Test reviews', 'Unicode function', TIMESTAMP '2026-08-10 10:00',
                                   ?, ?, hash(?), 1)""", [fid, stars, text, text])
    with open_store(db, read_only=True) as con:
        pack = build_pack(con, "Unicode function", "2026-Q3")
    assert [v.feedback_id for v in pack.verbatims] == ["u-bad", "u-good"]
    assert [v.before + v.evidence + v.after for v in pack.verbatims] == [REVIEW, PRAISE]
    return pack


def _postscript_name(path: Path) -> str:
    from fontTools.ttLib import TTFont

    with TTFont(str(path), lazy=True) as font:
        return font["name"].getDebugName(6)


def test_pack_pdf_embeds_the_font_and_keeps_every_alphabet(unicode_pack, monkeypatch):
    from vocsrc.briefing.render_pdf import render_pdf

    family = _machine_family(monkeypatch)
    glyphs = family.glyphs("I")  # verbatims are set in italic
    assert _covers(str(family.files["I"]), "".join(KEPT)) and ord(THUMBS) not in glyphs
    data = render_pdf(unicode_pack, images={})
    fonts = embedded_fonts(data)
    assert not any(f.startswith("Helvetica") for f in fonts), fonts
    assert any("+" + _postscript_name(family.files[""]) in f for f in fonts), fonts  # a subset of it
    assert _postscript_name(family.files[""]).encode() in data
    text = _flat(pdf_text(data))
    for word in (*KEPT, PRAISE):
        assert word in text, word
    assert "три дня ? ?? never came" in text  # emoji and CJK marked, not dropped into empty boxes
    assert THUMBS not in text and CJK not in text
    assert "\x00" not in text and "\ufffd" not in text  # no .notdef glyph drawn, every code mapped
    for needle in (unicode_pack.title, "Headlines", "In their words", "data to 2026-10-31"):
        assert needle in text, needle


def test_pack_pdf_without_a_font_is_the_latin1_one(unicode_pack, monkeypatch):
    from vocsrc.briefing.render_pdf import render_pdf

    monkeypatch.delenv(pdf_fonts.ENV_VAR, raising=False)
    monkeypatch.setattr(pdf_fonts, "SEARCH", ())
    data = render_pdf(unicode_pack, images={})
    assert data.startswith(b"%PDF-") and set(embedded_fonts(data)) <= {
        "Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"}
    text = _flat(pdf_text(data))
    assert to_latin1(REVIEW) in text and to_latin1(PRAISE) in text
    assert "?ukasz" in text and "Łukasz" not in text and "Σοφία" not in text
    assert unicode_pack.title in text and "In their words" in text


def test_a_font_fpdf2_refuses_still_gives_the_latin1_pdf(unicode_pack, monkeypatch, caplog):
    """A file whose cmap reads but whose outlines fpdf2 cannot embed must not cost the pack."""
    import fpdf

    from vocsrc.briefing.render_pdf import render_pdf

    _machine_family(monkeypatch)

    def refuse(self, *args, **kwargs):
        raise RuntimeError("unsupported outline format")

    monkeypatch.setattr(fpdf.FPDF, "add_font", refuse)
    with caplog.at_level(logging.WARNING, logger="vocsrc.briefing.render_pdf"):
        data = render_pdf(unicode_pack, images={})
    assert "unsupported outline format" in caplog.text
    assert all(f.startswith("Helvetica") for f in embedded_fonts(data))
    assert to_latin1(REVIEW) in _flat(pdf_text(data))
