"""How a delimited export is laid out: delimiter, quoting, and the sample they are judged on.

Also the repair for a quote that swallowed whole records, which is judged
by the same evidence as the quoting.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO

from vocsrc.errors import ImportFailed
from vocsrc.ingest.encodings import codec_args

# CFPB narratives and pasted e-mails make big fields; 64 MB is far beyond any
# real comment, so a bigger field is an unclosed quote eating the file, and
# reading stops with a message instead of consuming all memory.
FIELD_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_CHARS = 256 * 1024
SNIFF_RECORDS = 200
_SEP_HINT = re.compile(r"sep=(.)\r?\n")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # not str.splitlines: NEL (U+0085) is data


@dataclass
class Layout:
    encoding: str
    delimiter: str
    quoting: int
    header_rows: int
    skip_after_header: int
    batch_size: int
    quick: bool  # preview: encoding checked on a prefix only, so decode leniently
    sep_line: bool = False  # Excel's "sep=;" hint line comes before the header


def open_text(path: Path, encoding: str, quick: bool = False) -> IO[str]:
    codec, errors = codec_args(encoding)
    if quick:
        errors = "replace"
    # newline='' hands line endings to csv untouched, which is what it needs
    # for CRLF inside quoted fields; it splits lines on CR, LF and CRLF only.
    return open(path, encoding=codec, errors=errors, newline="")


def read_sample(path: Path, encoding: str, quick: bool) -> tuple[str, bool]:
    """The first part of the file as text, and whether that is all of it."""
    with open_text(path, encoding, quick) as f:
        text = f.read(SAMPLE_CHARS)
        return text, f.read(1) == ""


def sample_records(sample: str, complete: bool, delimiter: str, quoting: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, quoting=quoting)
    try:
        records = [r for r in islice(reader, SNIFF_RECORDS + 1) if r]
    except csv.Error:
        return []
    if len(records) <= SNIFF_RECORDS and not complete and records:
        records.pop()  # cut off by the sample's end
    return records[:SNIFF_RECORDS]


def sniff_delimiter(sample: str, complete: bool, prefer_tab: bool, has_header: bool = True) -> str | None:
    """The candidate that splits the first records into a steady field count > 1.

    Rows shorter than the usual count still count as consistent: Excel drops
    trailing empty cells; a header never does, so a candidate that splits the
    header into fewer fields than the rows is wrong (commas in one-column
    comments). csv.Sniffer alone guesses wrong on free text.
    """
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best: tuple[float, float, bool, int, int] | None = None
    choice = None
    for rank, delimiter in enumerate(order):
        counts = [len(r) for r in sample_records(sample, complete, delimiter, csv.QUOTE_MINIMAL)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2 or (has_header and counts[0] < mode):
            continue
        steady = sum(1 for c in counts if 1 < c <= mode) / len(counts)
        # Among equally steady candidates a tab wins: tabs almost never occur
        # in text, while a list like "[0, -1, 2]" in every row splits
        # steadily on commas. Otherwise more fields wins ("a;b;3,5").
        key = (round(steady, 3), round(freq / len(counts), 3), delimiter == "\t", mode, -rank)
        if best is None or key > best:
            best, choice = key, delimiter
    return choice


def quotes_are_literal(sample: str, complete: bool, delimiter: str) -> bool:
    """True when '"' is text, not CSV quoting (e.g. the VADER snippet files).

    There a field that merely starts with a quote would swallow the next lines
    into one record. We switch quoting off when every line splits into the
    same number of fields without quote handling, while the quote-aware parse
    runs fields across lines.
    """
    lines = _LINE_BREAK.split(sample)
    if not complete:
        lines = lines[:-1]
    lines = [line for line in lines if line][:SNIFF_RECORDS]
    if not lines or not any('"' in line for line in lines):
        return False
    counts = {line.count(delimiter) for line in lines}
    if len(counts) != 1 or counts == {0}:
        return False
    records = sample_records("\n".join(lines), True, delimiter, csv.QUOTE_MINIMAL)
    return any(swallowed(cell, delimiter) for record in records for cell in record)


def swallowed(cell: str, delimiter: str) -> bool:
    """A quoted cell holding line breaks and delimiters looks like whole records."""
    return delimiter in cell and ("\n" in cell or "\r" in cell)


def split_swallowed(raw: str | None, delimiter: str, ncols: int) -> list[tuple[str, list[str]]] | None:
    """Split a multi-line record back into its lines when the lines after the
    first are each a full record: the opening quote was text or never closed.

    The evidence is the lines between the first and the last, which in a real
    comment are prose: each must split into exactly the header's field count
    (the last line, where the quote closes, may match by chance). Prose seldom
    holds tabs, but often commas, so in a comma file we also want the record
    to be broken CSV: a runaway quote ends at the next quote in the file,
    usually followed by text rather than a delimiter, or never ends.
    A line with an odd number of quotes is split literally (its quote is
    text); the others are parsed as CSV."""
    if raw is None:
        return None
    if delimiter == "," and _valid_csv(raw):
        return None
    out = []
    for line in _LINE_BREAK.split(raw.rstrip("\r\n")):
        if line.count('"') % 2:
            fields = line.split(delimiter)
        else:
            fields = next(csv.reader([line], delimiter=delimiter), [])
        out.append((line, fields))
    if any(line and len(fields) != ncols for line, fields in out[1:]):
        return None
    evidence = sum(1 for line, _ in out[1:-1] if line)
    if evidence < (3 if delimiter == "," and ncols < 4 else 1):
        return None
    return out


def _valid_csv(raw: str) -> bool:
    try:
        return len(list(csv.reader(io.StringIO(raw, newline=""), strict=True))) == 1
    except csv.Error:
        return False


def layout_for(
    path: Path,
    encoding: str,
    *,
    delimiter: str | None,
    header_rows: int,
    skip_after_header: int,
    batch_size: int,
    quick: bool,
    strict_sniff: bool,
) -> tuple[Layout, str, bool]:
    sample, complete = read_sample(path, encoding, quick)
    if not sample.strip():
        raise ImportFailed(path.name, "empty file")
    hint = _SEP_HINT.match(sample)
    if hint and delimiter is None:
        delimiter = hint.group(1)
    if delimiter is None:
        prefer_tab = path.suffix.lower() in (".tsv", ".tab", ".txt")
        delimiter = sniff_delimiter(sample, complete, prefer_tab, header_rows > 0)
        if delimiter is None:
            if strict_sniff:
                raise ImportFailed(path.name, "unsupported format: not a recognisable table")
            # One column (a comment per line): split on the candidate the
            # text uses least, so commas in a comment do not split it.
            order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
            delimiter = min(order, key=sample.count)
    quoting = csv.QUOTE_NONE if quotes_are_literal(sample, complete, delimiter) else csv.QUOTE_MINIMAL
    layout = Layout(encoding, delimiter, quoting, header_rows, skip_after_header, batch_size, quick, bool(hint))
    return layout, sample, complete
