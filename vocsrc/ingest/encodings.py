"""Which text encoding a delimited or JSON export uses, and whether it is text at all.

Order: a byte-order mark decides; then the whole file is checked as UTF-8 by
streaming binary chunks through an incremental decoder (C speed, constant
memory); a file that is not UTF-8 is cp1252 (what Excel on Windows writes),
or latin-1 when it holds bytes cp1252 leaves undefined. A file that is mostly
UTF-8 with some stray cp1252 bytes (two exports pasted together) is read as
UTF-8 with those bytes decoded as cp1252, so neither part is garbled.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO

from vocsrc.errors import ImportFailed

CHUNK = 1 << 20
HEAD = 64 * 1024
MIXED = "utf-8+cp1252"
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_HIGH = bytes(range(0x80, 0x100))
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Control characters no text export contains. Tab, LF, CR, FF and ESC are
# fine, and so is VT: FileMaker writes it for a line break inside a field.
_CONTROL = bytes(sorted(set(range(0x20)) - {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1B}))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    byte = exc.object[exc.start : exc.start + 1]
    try:
        return byte.decode("cp1252"), exc.start + 1
    except UnicodeDecodeError:
        return byte.decode("latin-1"), exc.start + 1


codecs.register_error("vocsrc.cp1252", _cp1252_fallback)


def codec_args(encoding: str) -> tuple[str, str]:
    """The (codec, errors) pair for ``open()`` for one of our encoding names."""
    if encoding == MIXED:
        return "utf-8", "vocsrc.cp1252"
    return encoding, "strict"


def check_encoding_name(file: str, encoding: str) -> str:
    if encoding == MIXED:
        return encoding
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise ImportFailed(file, f"unknown text encoding {encoding!r}") from None
    return encoding


def _utf16_without_bom(head: bytes) -> str | None:
    """Excel's 'Unicode Text' has a BOM, but some tools drop it: ASCII text in
    UTF-16 has a zero in every other byte."""
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even = head[0 : pairs * 2 : 2].count(0)
    odd = head[1 : pairs * 2 : 2].count(0)
    if odd > 0.4 * pairs and even < 0.05 * pairs:
        return "utf-16-le"
    if even > 0.4 * pairs and odd < 0.05 * pairs:
        return "utf-16-be"
    return None


def check_text(file: str, head: bytes) -> None:
    """Refuse binary junk before the permissive single-byte fallbacks accept it."""
    # A stray NUL or two occurs in real exports; binary files are full of them.
    if head:
        controls = len(head) - len(head.translate(None, _CONTROL))
        if controls > max(8, len(head) // 100):
            raise ImportFailed(file, "this is a binary file, not a text export")


def detect_encoding(path: Path, quick: bool = False) -> str:
    """Name of the encoding to read ``path`` with. ``quick`` checks only the
    first chunk (for a preview, which reads only the first rows)."""
    file = path.name
    with open(path, "rb") as f:
        head = f.read(HEAD)
        for bom, name in _BOMS:
            if head.startswith(bom):
                if not head[len(bom) :].strip(b"\x00 \t\r\n"):
                    raise ImportFailed(file, "empty file")
                return name
        utf16 = _utf16_without_bom(head)
        if utf16:
            return utf16
        check_text(file, head)
        if not head.strip():
            raise ImportFailed(file, "empty file")
        if _is_utf8(f, quick):
            return "utf-8"
        return _fallback(f, quick)


def _is_utf8(f: BinaryIO, quick: bool) -> bool:
    """Strict incremental decoding: the fast pass that nearly every file passes."""
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        while chunk := f.read(CHUNK):
            decoder.decode(chunk)
            if quick:
                return True
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _fallback(f: BinaryIO, quick: bool) -> str:
    """cp1252, latin-1 or UTF-8 with stray cp1252 bytes, for a file that is not UTF-8."""
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    undefined = False
    extra_bytes = 0  # bytes beyond one per character: valid multi-byte UTF-8
    high = letters = 0
    while True:
        chunk = f.read(CHUNK)
        text = decoder.decode(chunk, final=not chunk)
        extra_bytes += len(chunk) - len(text)
        if not undefined and any(b in chunk for b in _CP1252_UNDEFINED):
            undefined = True
        high += len(chunk) - len(chunk.translate(None, _HIGH))
        letters += len(chunk) - len(chunk.translate(None, _ASCII_LETTERS))
        if not chunk or quick:
            break
    if extra_bytes > 0:
        return MIXED
    if high > 0.3 * (high + letters):
        # Western text has an accent here and there; this dense it is Cyrillic,
        # Greek or Asian text in a legacy code page, which cp1252 would garble.
        raise ImportFailed(
            getattr(f, "name", "file").rsplit("/", 1)[-1],
            "the text is not UTF-8 and not Western European (cp1252); save it as UTF-8"
            " (Excel: 'CSV UTF-8') or give its encoding",
        )
    return "latin-1" if undefined else "cp1252"
