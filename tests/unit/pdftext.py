"""Text of the PDFs fpdf2 writes for us, without adding a PDF library to the tests.

Two encodings occur: core Helvetica writes latin-1 literal strings; an embedded Unicode font
(Type0, Identity-H) writes 2-byte codes that only its ToUnicode CMap turns back into characters,
the same map a PDF viewer uses for copy, paste and search. Reading that map is what lets a test
see whether "Łukasz" survived, not merely whether some glyphs were drawn.
"""

from __future__ import annotations

import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
# In a content stream: a font choice, a TJ array, or a single shown string.
_TOKEN = re.compile(rb"/(\w+)\s+[\d.]+\s+Tf|\[((?:\((?:\\.|[^\\)])*\)|[^\]])*)\]\s*TJ|"
                    rb"(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)\s*Tj", re.S)
_STRING = re.compile(rb"\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>", re.S)


def _unescape(raw: bytes) -> bytes:
    def one(m: re.Match) -> bytes:
        e = m.group(1)
        if e[:1].isdigit():
            return bytes([int(e, 8) & 0xFF])
        return _ESCAPES.get(e, e)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.S)


def _string_bytes(token: bytes) -> bytes:
    if token.startswith(b"<"):
        return bytes.fromhex(re.sub(rb"\s", b"", token[1:-1]).decode())
    return _unescape(token[1:-1])


def _stream(obj: bytes) -> bytes | None:
    m = _STREAM.search(obj)
    if m is None:
        return None
    if b"/FlateDecode" not in obj[:m.start()]:
        return m.group(1)
    try:
        return zlib.decompress(m.group(1))
    except zlib.error:
        return None


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """Code -> text from a ToUnicode CMap (bfchar pairs and bfrange runs)."""
    out: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = bytes.fromhex(dst.decode()).decode("utf-16-be")
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = first[:-1] + chr(ord(first[-1]) + i)
    return out


def font_maps(data: bytes) -> dict[str, dict[int, str] | None]:
    """Resource name (F1, F2...) -> its ToUnicode map, or None for a core (latin-1) font."""
    objs = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}
    maps: dict[str, dict[int, str] | None] = {}
    for body in objs.values():
        for fonts in re.findall(rb"/Font\s*<<(.*?)>>", body, re.S):
            for name, ref in re.findall(rb"/(\w+)\s+(\d+) 0 R", fonts):
                font = objs.get(int(ref), b"")
                tu = re.search(rb"/ToUnicode\s+(\d+) 0 R", font)
                cmap = _stream(objs.get(int(tu.group(1)), b"")) if tu else None
                maps[name.decode()] = _to_unicode(cmap) if cmap else None
    return maps


def pdf_text(data: bytes) -> str:
    """Every string the pages show, in order: one TJ array is one run of text; runs joined by a space."""
    maps = font_maps(data)
    runs: list[str] = []
    for m in _OBJ.finditer(data):
        body = m.group(2)
        if b"/Subtype /Image" in body or b"/FontFile" in body or b"/Length1" in body:
            continue  # a chart or a font program: no text, and inflating pixels took most of a minute
        content = _stream(body)
        if content is None or (b"Tj" not in content and b"TJ" not in content):
            continue
        cmap: dict[int, str] | None = None
        for t in _TOKEN.finditer(content):
            if t.group(1) is not None:
                cmap = maps.get(t.group(1).decode())
                continue
            strings = _STRING.findall(t.group(2)) if t.group(2) is not None else [t.group(3)]
            raw = b"".join(_string_bytes(s) for s in strings)
            if cmap is None:
                runs.append(raw.decode("latin-1"))
            else:
                runs.append("".join(cmap.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                                    for i in range(0, len(raw) - 1, 2)))
    return " ".join(runs)


def embedded_fonts(data: bytes) -> list[str]:
    """BaseFont names of the fonts the PDF uses (subset prefixes kept: 'ABCDEF+DejaVuSans')."""
    return sorted({n.decode() for n in re.findall(rb"/BaseFont\s*/([^\s/>\]]+)", data)})
