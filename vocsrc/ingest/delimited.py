"""CSV, TSV and TXT exports: the header and the streaming row loop (layout: sniff.py).

Blank records (an empty line, or a record whose every cell is empty) are not
data: they yield no row and no problem, and are counted in
``RawTable.blank_records``. Line numbers still count them.
"""

from __future__ import annotations

import csv
import gc
import io
from collections import deque
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import IO

from vocsrc.errors import ImportFailed
from vocsrc.ingest.rawtable import (
    Cell,
    RawBatch,
    RawTable,
    fill_group_headers,
    fit_row,
    header_names,
    unique_names,
)
from vocsrc.ingest.sniff import FIELD_LIMIT, Layout, open_text, sample_records, split_swallowed, swallowed

READ_HINT = 1 << 20


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
        records = sample_records(sample, complete, layout.delimiter, layout.quoting)
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


# Records are taken from csv.reader in small runs by list(islice(...)), which
# costs no Python bytecode per record. A run of single-line records of the
# right width (nearly all of them) is converted in one comprehension over all
# its cells and numbered with a range; only other runs go record by record.
RUN = 256


def _stream(table: RawTable, layout: Layout) -> Iterator[RawBatch]:
    ncols = len(table.columns)
    blank: list[Cell] = [None] * ncols
    with open_text(table.path, layout.encoding, layout.quick) as f:
        lines, reader = _reader(f, layout)
        try:
            _read_head(reader, layout)
            prev = reader.line_num  # type: ignore[attr-defined]
            done = False
            while not done:
                rows: list[list[Cell]] = []
                starts: list[int] = []
                # Batches are millions of fresh lists; the cyclic GC would scan
                # them over and over for nothing (they hold only strings).
                gc_was_on = gc.isenabled()
                gc.disable()
                try:
                    while len(rows) < layout.batch_size:
                        run = list(islice(reader, min(RUN, layout.batch_size - len(rows))))
                        if not run:
                            done = True
                            break
                        end = reader.line_num  # type: ignore[attr-defined]
                        if end - prev == len(run) and set(map(len, run)) == {ncols}:
                            flat = [None if not c or c.isspace() else c for c in chain.from_iterable(run)]
                            converted = list(map(list, zip(*[iter(flat)] * ncols)))
                            numbers = range(prev + 1, end + 1)
                            if blank in converted:
                                kept = [(n, r) for n, r in zip(numbers, converted) if r != blank]
                                table.blank_records += len(converted) - len(kept)
                                numbers = [n for n, _ in kept]  # type: ignore[assignment]
                                converted = [r for _, r in kept]
                            rows += converted
                            starts += numbers
                        else:
                            _record_by_record(table, run, prev, lines, layout, rows, starts)
                        prev = end
                finally:
                    if gc_was_on:
                        gc.enable()
                if rows:
                    # While the caller works on the batch, park all objects
                    # (the new batch included) outside the collector, else
                    # its next collections scan the whole batch again (20%
                    # of the reading time). They are still freed as usual.
                    if gc_was_on:
                        gc.freeze()
                    try:
                        yield RawBatch(starts, rows)
                    finally:
                        if gc_was_on:
                            gc.unfreeze()
        except (csv.Error, UnicodeDecodeError) as err:
            raise _fail(table.path, reader.line_num, err) from None  # type: ignore[attr-defined]


def _record_by_record(
    table: RawTable,
    run: list[list[str]],
    prev: int,
    lines: _Lines,
    layout: Layout,
    rows: list[list[Cell]],
    starts: list[int],
) -> None:
    """A run with a multi-line, blank or ragged record. Where each record starts
    is worked out from the line breaks inside its fields: a record spans one
    line plus one per break, as csv keeps a quoted field's breaks verbatim."""
    ncols = len(table.columns)
    guard = layout.quoting != csv.QUOTE_NONE and ncols > 1
    start = prev + 1
    for row in run:
        joined = "\x00".join(row)  # a separator, so a CR and LF in two cells are two breaks
        end = start + joined.count("\n") + joined.count("\r") - joined.count("\r\n")
        if len(row) == ncols and end == start:
            cells = [None if not c or c.isspace() else c for c in row]
            if any(cells):
                rows.append(cells)
                starts.append(start)
            else:
                table.blank_records += 1
        else:
            _odd_record(table, row, start, end, lines, layout, guard, rows, starts)
        start = end + 1


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
    if guard and end > start and any(swallowed(c, layout.delimiter) for c in row):
        repaired = split_swallowed(lines.raw(start, end), layout.delimiter, ncols)
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
