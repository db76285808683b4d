"""The reader's output types and the helpers every format shares.

Kept apart from ``readers.py`` so the format modules can import them without
importing each other; callers should import from ``vocsrc.ingest.readers``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

Cell = str | None


@dataclass
class RawBatch:
    lines: list[int]
    rows: list[list[Cell]]


@dataclass
class RowProblem:
    line: int
    column: str | None
    reason: str
    raw: str


@dataclass
class RawTable:
    path: Path
    format: str
    encoding: str | None
    delimiter: str | None
    columns: list[str]
    header_rows: int
    problems: list[RowProblem] = field(default_factory=list)
    # Records with no value in any cell. They are not data (a trailing blank
    # line, a spacer row in Excel), so they yield no row and no problem; the
    # count lets the pipeline reconcile "records read" with rows + problems.
    blank_records: int = 0
    _stream: Callable[[RawTable], Iterator[RawBatch]] | None = field(
        default=None, repr=False, compare=False
    )

    def batches(self) -> Iterator[RawBatch]:
        """Stream the data rows from the start of the file, again on each call."""
        assert self._stream is not None
        # A second pass must not report the first pass's problems twice.
        self.problems.clear()
        self.blank_records = 0
        return self._stream(self)


def is_blank(value: str) -> bool:
    return not value or value.isspace()


def header_names(rows: Sequence[Sequence[Cell]], width: int) -> list[str]:
    """One name per column from ``rows`` of header cells (already merge-filled).

    Parts from several header rows are joined with ' / '; a part repeated
    straight below itself (a vertically merged cell) is used once.
    """
    names = []
    for i in range(width):
        parts: list[str] = []
        for row in rows:
            value = row[i] if i < len(row) else None
            text = value.strip() if value else ""
            if text and (not parts or parts[-1] != text):
                parts.append(text)
        names.append(" / ".join(parts))
    return unique_names(names)


def unique_names(names: Sequence[str | None]) -> list[str]:
    """Stripped names (inner whitespace runs become one space); blanks become
    'column_N'; repeats get '_2', '_3'.

    Compared case-insensitively because the store (DuckDB) treats 'Score' and
    'score' as the same column name.
    """
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        # A BOM left by a file opened with plain 'utf-8' is not part of a
        # name; nor is a line break inside a quoted header cell.
        base = " ".join((name or "").lstrip("\ufeff").split()) or f"column_{i}"
        candidate, k = base, 2
        while candidate.lower() in seen:
            candidate, k = f"{base}_{k}", k + 1
        seen.add(candidate.lower())
        out.append(candidate)
    return out


def fill_group_headers(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Guess merged group headers in a delimited file's upper header rows.

    A merged 'Scores' cell over 'NPS' and 'CSAT' is saved to CSV as
    'Scores,' then 'NPS,CSAT': the group name sits in its first column only.
    A blank upper cell takes the value to its left, but only where the row
    below names a column, so a trailing blank column stays unnamed.
    """
    filled = [list(r) for r in rows]
    for r in range(len(filled) - 1):
        upper, lower = filled[r], filled[r + 1]
        last: Cell = None
        for i in range(len(upper)):
            if upper[i] and upper[i].strip():
                last = upper[i]
            elif last is not None and i < len(lower) and lower[i] and lower[i].strip():
                upper[i] = last
    return filled


def float_text(value: float, digits: int | None = None) -> str:
    """9.0 -> '9', 9.5 -> '9.5'; ``digits`` rounds to Excel's 15 significant."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if digits:
        text = f"{value:.{digits}g}"
        return text
    return repr(value)


def datetime_text(value: datetime) -> str:
    if value.tzinfo is not None:
        # The store keeps naive timestamps; UTC is the only unambiguous choice.
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    if value.microsecond >= 500_000:
        # Excel stores times as fractions of a day, so 11:00 comes back as 10:59:59.9999.
        value = value + timedelta(microseconds=1_000_000 - value.microsecond)
    value = value.replace(microsecond=0)
    if value.time() == time(0, 0):
        return value.date().isoformat()
    return value.isoformat(timespec="seconds")


def cell_text(value: Any, digits: int | None = None) -> Cell:
    """A typed value (Excel, Parquet, JSON) as the string the pipeline parses."""
    if value is None:
        return None
    if isinstance(value, str):
        return None if is_blank(value) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value, digits)
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (bytes, bytearray)):
        text = bytes(value).decode("utf-8", "backslashreplace")
        return None if is_blank(text) else text
    text = str(value)
    return None if is_blank(text) else text


def fit_row(
    table: RawTable, cells: list[Cell], line: int, raw: Callable[[], str]
) -> list[Cell] | None:
    """Pad a short row, trim empty extras; a row with real extra values is a problem."""
    ncols = len(table.columns)
    n = len(cells)
    if n < ncols:
        cells.extend([None] * (ncols - n))
    elif n > ncols:
        if any(cells[ncols:]):
            table.problems.append(
                RowProblem(line, None, f"row has {n} fields but the header has {ncols}", raw())
            )
            return None
        del cells[ncols:]
    return cells
