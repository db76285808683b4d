"""A Unicode TrueType family for the PDF briefing, found on this machine, and text fitted to it.

Why: fpdf2's core Helvetica knows only latin-1, so customers' names and comments in Polish,
Greek, Cyrillic and other scripts came out as '?' in a pack shown to leadership. No Unicode font
ships in any package we install, but most machines have one: we look for well-known files
(``SEARCH``, first family whose regular face loads wins) or take ``VOC_PDF_FONT``, the path to a
regular .ttf (bold and italic siblings are found beside it when they exist; ``off`` asks for
core Helvetica). With none, the PDF keeps core Helvetica and ``render_common.to_latin1``, exactly
as before.

A font never covers every script (DejaVu Sans has no CJK and few emoji), and fpdf2
would draw a missing glyph as an empty box that silently hides a word. ``fit_text`` replaces each
such character with an ASCII stand-in or '?' first, reading the font's own cmap (once per file
per process: parsing it takes tens of milliseconds).
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

ENV_VAR = "VOC_PDF_FONT"
STYLES = ("", "B", "I", "BI")  # fpdf2's style letters: regular, bold, italic, bold italic
# A style the family lacks borrows the nearest one it has (bold italic -> bold -> regular).
_NEAREST = {"": ("",), "B": ("B", ""), "I": ("I", ""), "BI": ("BI", "B", "I", "")}


@dataclass(frozen=True)
class Candidate:
    """A well-known family: the folders it is installed in and its file name per style."""

    name: str
    dirs: tuple[Path, ...]
    files: Mapping[str, str]  # style -> file name; "" (regular) is the one that must exist


@dataclass(frozen=True)
class FontFamily:
    """The family the PDF embeds: a file for every style (missing styles point at a sibling)."""

    name: str
    files: Mapping[str, Path]  # every key of STYLES

    def glyphs(self, style: str) -> frozenset[int]:
        """Code points the file drawing ``style`` has a glyph for."""
        return font_glyphs(str(self.files[style])) or frozenset()


def _windows_fonts() -> tuple[Path, ...]:
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    return (Path(windir) / "Fonts",) if windir else ()


# Broadest coverage first: DejaVu Sans has Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew and
# Arabic; Noto Sans and Liberation Sans cover Latin, Greek and Cyrillic; Arial is the fallback on
# macOS and Windows, where the Linux families are rarely installed.
SEARCH: tuple[Candidate, ...] = (
    Candidate("DejaVuSans",
              (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu-sans-fonts"),
               Path("/usr/share/fonts/TTF"), Path("/usr/share/fonts/dejavu")),
              {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf",
               "BI": "DejaVuSans-BoldOblique.ttf"}),
    Candidate("NotoSans",
              (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/noto"),
               Path("/usr/share/fonts/google-noto")),
              {"": "NotoSans-Regular.ttf", "B": "NotoSans-Bold.ttf", "I": "NotoSans-Italic.ttf",
               "BI": "NotoSans-BoldItalic.ttf"}),
    Candidate("LiberationSans",
              (Path("/usr/share/fonts/truetype/liberation"), Path("/usr/share/fonts/liberation-sans"),
               Path("/usr/share/fonts/TTF")),
              {"": "LiberationSans-Regular.ttf", "B": "LiberationSans-Bold.ttf", "I": "LiberationSans-Italic.ttf",
               "BI": "LiberationSans-BoldItalic.ttf"}),
    Candidate("Arial",
              (Path("/System/Library/Fonts/Supplemental"), Path("/Library/Fonts")),
              {"": "Arial.ttf", "B": "Arial Bold.ttf", "I": "Arial Italic.ttf", "BI": "Arial Bold Italic.ttf"}),
    Candidate("Arial", _windows_fonts(),
              {"": "arial.ttf", "B": "arialbd.ttf", "I": "ariali.ttf", "BI": "arialbi.ttf"}),
)


@lru_cache(maxsize=None)
def font_glyphs(path: str) -> frozenset[int] | None:
    """The code points a font file maps to glyphs; None when it cannot be read as a font.

    Cached per path for the life of the process: every pack of a run reuses the same file."""
    try:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as font:
            # fpdf2 draws from TrueType outlines ('glyf') or CFF; a bitmap-only font (colour emoji)
            # would fail later inside add_font, so it is no use to us.
            if "glyf" not in font and "CFF " not in font:
                return None
            cmap = font.getBestCmap()
    except Exception as exc:  # noqa: BLE001 - any unreadable file just means "not this font"
        log.debug("font %s unreadable: %s", path, exc)
        return None
    return frozenset(cmap) if cmap else None


def _usable(path: Path) -> bool:
    return path.is_file() and font_glyphs(str(path)) is not None


def _family(name: str, found: Mapping[str, Path]) -> FontFamily:
    """Every style filled in, from the nearest style that was found (regular must be)."""
    files = {s: next(found[n] for n in _NEAREST[s] if n in found) for s in STYLES}
    return FontFamily(name, files)


# Names a family's styles go by beside a regular file: 'X-Bold.ttf' (DejaVu, Noto, Liberation),
# 'X Bold.ttf' (macOS), 'xbd.ttf' (Windows).
_SUFFIXES = {
    "B": ("-Bold", " Bold", "Bold", "bd"),
    "I": ("-Italic", "-Oblique", " Italic", "Italic", "Oblique", "i"),
    "BI": ("-BoldItalic", "-BoldOblique", " Bold Italic", "BoldItalic", "BoldOblique", "bi", "z"),
}
_REGULAR_TAILS = ("-Regular", " Regular", "Regular", "-Book", "-Roman")


def _from_override(regular: Path) -> FontFamily | None:
    """The family of ``VOC_PDF_FONT``: the regular file given, styles from siblings that load."""
    if not _usable(regular):
        return None
    stem = regular.stem
    base = next((stem[: -len(t)] for t in _REGULAR_TAILS if stem.lower().endswith(t.lower())), stem)
    try:  # case-insensitive: Windows writes ARIALBD.TTF as readily as arialbd.ttf
        beside = {p.name.lower(): p for p in regular.parent.iterdir()}
    except OSError:
        beside = {}
    found = {"": regular}
    for style, suffixes in _SUFFIXES.items():
        for suffix in suffixes:
            p = beside.get(f"{base}{suffix}{regular.suffix}".lower())
            if p is not None and p != regular and _usable(p):
                found[style] = p
                break
    return _family(base.replace(" ", "") or "Custom", found)


def find_font(search: tuple[Candidate, ...] | None = None) -> FontFamily | None:
    """The family to embed, or None for core Helvetica.

    ``VOC_PDF_FONT`` wins when it names a loadable font (``off``: core Helvetica, for whoever
    wants the old latin-1 files); otherwise (and with a warning when it was set but unusable)
    the first ``SEARCH`` family whose regular file loads."""
    override = os.environ.get(ENV_VAR, "").strip()
    if override.lower() == "off":
        return None
    if override:
        family = _from_override(Path(override).expanduser())
        if family is not None:
            return family
        log.warning("%s=%s is not a readable TrueType font; looking for a system font instead",
                    ENV_VAR, override)
    for cand in SEARCH if search is None else search:
        for folder in cand.dirs:
            regular = folder / cand.files[""]
            if not _usable(regular):
                continue
            found = {"": regular}
            for style in ("B", "I", "BI"):
                p = folder / cand.files[style] if style in cand.files else None
                if p is not None and _usable(p):
                    found[style] = p
            return _family(cand.name, found)
    return None


def fit_text(text: str, glyphs: frozenset[int]) -> str:
    """``text`` with every character the font cannot draw replaced, so nothing turns into an
    invisible box: an ASCII or latin-1 stand-in when one keeps the meaning (a curly quote, an
    accented letter the font lacks), otherwise '?'. Marks and joiners that belong to a replaced
    character (emoji skin tones, variation selectors, zero-width joiners) add no further '?'."""
    from vocsrc.briefing.render_common import to_latin1

    # Composed form: 'e' + combining acute becomes 'é', which the font has; fpdf2 does no shaping
    # (no uharfbuzz), so a separate combining mark would be drawn beside its letter, not on it.
    text = unicodedata.normalize("NFC", str(text))
    out: list[str] = []
    replaced = False  # the last character written was a '?': what clings to it goes with it
    joined = False  # ... and a zero-width joiner followed: 👩‍💻 is one picture, so one '?'
    for ch in text:
        cp = ord(ch)
        if replaced:
            if ch == "\u200d":
                joined = True
                continue
            if _clings(ch):
                continue
            if joined and cp not in glyphs:
                joined = False
                continue
        joined = False
        if cp in glyphs or ch == "\n":
            out.append(ch)
            replaced = False
            continue
        replaced = False
        if ch == "\t" or unicodedata.category(ch).startswith("Z"):
            out.append(" ")
            continue
        if _clings(ch) or unicodedata.category(ch) == "Cc":
            continue  # nothing visible of its own: a mark, a selector, a format or control code
        stand_in = to_latin1(ch)  # itself '?' for anything latin-1 cannot spell either
        replaced = stand_in == "?" or not all(ord(c) in glyphs for c in stand_in)
        out.append("?" if replaced else stand_in)
    return "".join(out)


def _clings(ch: str) -> bool:
    """Marks, variation selectors, emoji skin tones, joiners and other format codes: drawn as
    part of the character before them, never alone."""
    return unicodedata.category(ch) in ("Mn", "Me", "Cf") or 0x1F3FB <= ord(ch) <= 0x1F3FF
