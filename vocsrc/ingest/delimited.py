"""CSV, TSV and TXT exports: delimiter sniffing and the streaming row loop.

Blank records (an empty line, or a record whose every cell is empty) are not
data: they yield no row and no problem, and are counted in
``RawTable.blank_records``. Line numbers still count them.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import IO

from vocsrc.errors import ImportFailed
from vocsrc.ingest.encodings import codec_args
from vocsrc.ingest.rawtable import (
    Cell,
    RawBatch,
    RawTable,
    RowProblem,
    fill_group_headers,
    fit_row,
    header_names,
    unique_names,
)

# CFPB narratives and pasted e-mails make big fields; 64 MB is far beyond any
# real comment yet stops a runaway quote from eating the whole file silently.
FIELD_LIMIT = 64 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)

DELIMITERS = (",", ";", "\t", "|")
SAMPLE_CHARS = 256 * 1024
SNIFF_RECORDS = 200
READ_HINT = 1 << 20
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


def _sample_records(sample: str, complete: bool, delimiter: str, quoting: int) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, quoting=quoting)
    try:
        records = [r for r in islice(reader, SNIFF_RECORDS + 1) if r]
    except csv.Error:
        return []
    if len(records) <= SNIFF_RECORDS and not complete and records:
        records.pop()  # cut off by the sample's end
    return records[:SNIFF_RECORDS]


def sniff_delimiter(sample: str, complete: bool, prefer_tab: bool) -> str | None:
    """The candidate that splits the first records into a steady field count > 1.

    Rows shorter than the usual count still count as consistent: Excel drops
    trailing empty cells. csv.Sniffer alone guesses wrong on free text.
    """
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best: tuple[float, float, bool, int, int] | None = None
    choice = None
    for rank, delimiter in enumerate(order):
        counts = [len(r) for r in _sample_records(sample, complete, delimiter, csv.QUOTE_MINIMAL)]
        if not counts:
            continue
        mode, freq = Counter(counts).most_common(1)[0]
        if mode < 2:
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
    records = _sample_records("\n".join(lines), True, delimiter, csv.QUOTE_MINIMAL)
    return any(_swallowed(cell, delimiter) for record in records for cell in record)


def _swallowed(cell: str, delimiter: str) -> bool:
    """A quoted cell holding line breaks and delimiters looks like whole records."""
    return delimiter in cell and ("\n" in cell or "\r" in cell)


class _Lines:
    """Feeds csv.reader the physical lines, keeping the last few chunks so a
    problem record's raw text can be reported exactly as it was in the file."""

    def __init__(self, f: IO[str]) -> None:
        self.f = f
        self.count = 0
        self.chunks: deque[tuple[int, list[str]]] = deque(maxlen=4)

    def _chunks(self) -> Iterator[list[str]]:
        while True:
            lines = self.f.readlines(READ_HINT)
            if not lines:
                return
            self.chunks.append((self.count + 1, lines))
            self.count += len(lines)
            yield lines

    def __iter__(self) -> Iterator[str]:
        # chain() keeps the per-line step in C: no Python frame per line.
        return chain.from_iterable(self._chunks())

    def raw(self, first: int, last: int) -> str | None:
        out: list[str] = []
        for start, lines in self.chunks:
            end = start + len(lines) - 1
            if end >= first and start <= last:
                out.extend(lines[max(first, start) - start : min(last, end) - start + 1])
        if len(out) != last - first + 1:
            return None
        return "".join(out)


def _reader(f: IO[str], layout: Layout) -> tuple[_Lines, Iterator[list[str]]]:
    lines = _Lines(f)
    reader = csv.reader(iter(lines), delimiter=layout.delimiter, quoting=layout.quoting)
    return lines, reader


def _read_head(reader, layout: Layout) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """Header records, then the records ``skip_after_header`` drops.

    Blank lines before the header are skipped: they are not a header."""
    header: list[list[str]] = []
    if layout.sep_line:
        next(reader, None)
    while len(header) < layout.header_rows:
        record = next(reader, None)
        if record is None:
            break
        if header or any(c.strip() for c in record):
            header.append(record)
    skipped = 0
    while skipped < layout.skip_after_header:
        record = next(reader, None)
        if record is None:
            break
        if any(c.strip() for c in record):
            skipped += 1
    return header


def _fail(path: Path, line: int, err: Exception) -> ImportFailed:
    if isinstance(err, UnicodeDecodeError):
        return ImportFailed(path.name, f"near line {line}: the text is not valid {err.encoding}")
    message = str(err)
    if "field larger than field limit" in message:
        message = f"a field is larger than {FIELD_LIMIT // (1024 * 1024)} MB (an unclosed quote?)"
    return ImportFailed(path.name, f"line {line}: {message}")


def open_delimited(path: Path, layout: Layout, sample: str, complete: bool) -> RawTable:
    """Read the header and check there is data; the rows are streamed later."""
    with open_text(path, layout.encoding, layout.quick) as f:
        _, reader = _reader(f, layout)
        try:
            header = _read_head(reader, layout)
            if layout.header_rows and not header:
                raise ImportFailed(path.name, "empty file")
            first = next((r for r in reader if any(c.strip() for c in r)), None)
        except (csv.Error, UnicodeDecodeError) as err:
            raise _fail(path, reader.line_num, err) from None  # type: ignore[attr-defined]
    if first is None:
        raise ImportFailed(path.name, "headers only: no data rows")
    if layout.header_rows:
        width = max(len(r) for r in header)
        cells: list[list[Cell]] = [list(r) for r in header]
        columns = header_names(fill_group_headers(cells), width)
    else:
        records = _sample_records(sample, complete, layout.delimiter, layout.quoting)
        width = max([len(first)] + [len(r) for r in records])
        columns = unique_names([None] * width)
    table = RawTable(
        path=path,
        format="csv",
        encoding=layout.encoding,
        delimiter=layout.delimiter,
        columns=columns,
        header_rows=layout.header_rows,
    )
    table._stream = lambda t: _stream(t, layout)
    return table


def _stream(table: RawTable, layout: Layout) -> Iterator[RawBatch]:
    ncols = len(table.columns)
    # A quote that was meant as text (or never closed) swallows the records
    # after it into one field; _odd_record splits them apart again.
    guard = layout.quoting != csv.QUOTE_NONE and ncols > 1
    with open_text(table.path, layout.encoding, layout.quick) as f:
        lines, reader = _reader(f, layout)
        prev = 0
        try:
            _read_head(reader, layout)
            prev = reader.line_num  # type: ignore[attr-defined]
            while True:
                rows: list[list[Cell]] = []
                starts: list[int] = []
                app, lapp = rows.append, starts.append
                before = prev
                # Batches are millions of fresh lists; the cyclic GC would scan
                # them over and over for nothing (they hold only strings).
                gc_was_on = gc.isenabled()
                gc.disable()
                try:
                    for row in islice(reader, layout.batch_size):
                        end = reader.line_num  # type: ignore[attr-defined]
                        # The common case, kept to a few operations per row: one
                        # comprehension beat every "check first, convert only if
                        # needed" variant we measured (min/max, '' in row, map).
                        if len(row) == ncols and (end == prev + 1 or not guard):
                            row = [None if not c or c.isspace() else c for c in row]  # type: ignore[misc]
                            if row[0] is None and not any(row):
                                table.blank_records += 1
                            else:
                                app(row)
                                lapp(prev + 1)
                        else:
                            _odd_record(table, row, prev + 1, end, lines, layout, guard, rows, starts)
                        prev = end
                finally:
                    if gc_was_on:
                        gc.enable()
                if prev == before:  # every record takes a line: nothing left
                    return
                if rows:
                    yield RawBatch(starts, rows)
        except (csv.Error, UnicodeDecodeError) as err:
            raise _fail(table.path, prev + 1, err) from None


def _odd_record(
    table: RawTable,
    row: list[str],
    start: int,
    end: int,
    lines: _Lines,
    layout: Layout,
    guard: bool,
    rows: list[list[Cell]],
    starts: list[int],
) -> None:
    ncols = len(table.columns)
    if guard and end > start and any(_swallowed(c, layout.delimiter) for c in row):
        repaired = _split_swallowed(lines.raw(start, end), layout.delimiter, ncols)
        if repaired is not None:
            for i, (line, fields) in enumerate(repaired):
                cells = [None if not c or c.isspace() else c for c in fields]
                if not any(cells):
                    table.blank_records += 1
                    continue
                fitted = fit_row(table, cells, start + i, lambda line=line: line)  # type: ignore[misc]
                if fitted is not None:
                    rows.append(fitted)
                    starts.append(start + i)
            return
    if not row:
        table.blank_records += 1
        return
    cells: list[Cell] = [None if not c or c.isspace() else c for c in row]
    if not any(cells):
        table.blank_records += 1
        return

    def raw() -> str:
        text = lines.raw(start, end)
        if text is None:  # the record outgrew the kept chunks: rebuild it
            buf = io.StringIO()
            csv.writer(buf, delimiter=layout.delimiter, lineterminator="").writerow(row)
            text = buf.getvalue()
        return text.rstrip("\r\n")

    fitted = fit_row(table, cells, start, raw)
    if fitted is not None:
        rows.append(fitted)
        starts.append(start)


def _split_swallowed(raw: str | None, delimiter: str, ncols: int) -> list[tuple[str, list[str]]] | None:
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
        delimiter = sniff_delimiter(sample, complete, prefer_tab)
        if delimiter is None:
            if strict_sniff:
                raise ImportFailed(path.name, "unsupported format: not a recognisable table")
            delimiter = "\t" if prefer_tab else ","  # one column: any delimiter reads it
    quoting = csv.QUOTE_NONE if quotes_are_literal(sample, complete, delimiter) else csv.QUOTE_MINIMAL
    layout = Layout(encoding, delimiter, quoting, header_rows, skip_after_header, batch_size, quick, bool(hint))
    return layout, sample, complete
