"""Excel workbooks, streamed with openpyxl's read-only mode.

Read-only mode does not report merged cells, yet survey tools merge group
headers ("Scores" over "NPS" and "CSAT"). We read ``<mergeCell ref=...>``
from the sheet's XML ourselves and give every column a merged header cell
spans its value. If ``header_rows`` is 1 but the first header row has a cell
merged across columns, that row is a group header over a second row of
sub-headers, so the header is taken as 2 rows ('Scores / NPS').
Merged cells in the data (a 'Region' cell merged down over its rows) fill
every cell they cover too: each of those rows belongs to that region.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries

from vocsrc.errors import ImportFailed
from vocsrc.ingest.rawtable import Cell, RawBatch, RawTable, cell_text, fit_row, header_names, unique_names

Merge = tuple[int, int, int, int]  # min_col, min_row, max_col, max_row (1-based)
WIDTH_PEEK_ROWS = 200
EXCEL_DIGITS = 15  # Excel shows 15 significant digits; 0.1+0.2 is '0.3' there


@contextmanager
def _sheet(path: Path, sheet: str | None) -> Iterator[Any]:
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise ImportFailed(path.name, f"not a readable Excel workbook ({err})") from None
    try:
        if sheet is None:
            if not wb.worksheets:
                raise ImportFailed(path.name, "the workbook has no worksheet")
            ws = wb.worksheets[0]
        elif sheet in wb.sheetnames:
            ws = wb[sheet]
        else:
            raise ImportFailed(path.name, f"no sheet named {sheet!r}; sheets: {', '.join(wb.sheetnames)}")
        # Some writers store a wrong size; without it openpyxl reads every cell.
        ws.reset_dimensions()
        yield ws
    finally:
        wb.close()


def _merges(path: Path, ws: Any) -> list[Merge]:
    sheet_path = getattr(ws, "_worksheet_path", None)
    if not sheet_path:
        return []
    merges: list[Merge] = []
    try:
        with zipfile.ZipFile(path) as z, z.open(sheet_path.lstrip("/")) as fh:
            data = None
            for event, el in ET.iterparse(fh, events=("start", "end")):
                tag = el.tag.rpartition("}")[2]
                if event == "start":
                    if tag == "sheetData":
                        data = el
                    continue
                if tag == "mergeCell" and el.get("ref"):
                    merges.append(tuple(range_boundaries(el.get("ref"))))  # type: ignore[arg-type]
                elif tag == "row" and data is not None:
                    # The merge list comes after all rows: drop rows as we pass
                    # them so a big sheet is not built up in memory.
                    data.clear()
    except (KeyError, ET.ParseError, ValueError, zipfile.BadZipFile):
        return []  # no merge information: headers are read as they are
    return merges


def _values(row: tuple[Any, ...], spans: list[Merge] | None = None, anchors: dict[Merge, Cell] | None = None) -> list[Cell]:
    cells = [cell_text(v, EXCEL_DIGITS) for v in row]
    for span in spans or ():
        c1, r1, c2, r2 = span
        assert anchors is not None
        if span not in anchors:  # the merge's first row holds its value
            anchors[span] = cells[c1 - 1] if c1 - 1 < len(cells) else None
        if len(cells) < c2:
            cells.extend([None] * (c2 - len(cells)))
        cells[c1 - 1 : c2] = [anchors[span]] * (c2 - c1 + 1)
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def _data_spans(merges: list[Merge], after_row: int) -> dict[int, list[Merge]]:
    """Sheet row -> the merges below the header that cover it."""
    spans: dict[int, list[Merge]] = {}
    for span in merges:
        c1, r1, c2, r2 = span
        if r1 > after_row:
            for r in range(r1, r2 + 1):
                spans.setdefault(r, []).append(span)
    return spans


def _header(rows: Iterator[tuple[int, tuple[Any, ...]]], header_rows: int, merges: list[Merge]) -> tuple[list[list[Cell]], int, int]:
    """(header cells, header rows used, sheet row of the last header row)."""
    header: list[list[Cell]] = []
    first = last = 0
    wanted = header_rows
    for number, row in rows:
        cells = _values(row)
        if not header and not cells:
            continue  # blank rows above the table
        if not header:
            first = number
            if wanted == 1 and any(r1 == number and c2 > c1 for c1, r1, c2, r2 in merges):
                wanted = 2  # a group header over sub-headers
        header.append(cells)
        last = number
        if len(header) == wanted:
            break
    for c1, r1, c2, r2 in merges:
        if not header or r1 < first or r1 > last:
            continue
        top = header[r1 - first]
        value = top[c1 - 1] if c1 - 1 < len(top) else None
        for r in range(r1, min(r2, last) + 1):
            cells = header[r - first]
            if len(cells) < c2:
                cells.extend([None] * (c2 - len(cells)))
            for c in range(c1 - 1, c2):
                cells[c] = value
    return header, wanted, last


def _open_rows(ws: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    # openpyxl yields gaps in the sheet as empty rows, so numbering is exact.
    return enumerate(ws.iter_rows(values_only=True), start=1)


def _skip(rows: Iterator[tuple[int, tuple[Any, ...]]], count: int) -> None:
    skipped = 0
    while skipped < count:
        item = next(rows, None)
        if item is None:
            return
        if _values(item[1]):
            skipped += 1


def open_xlsx(path: Path, *, sheet: str | None, header_rows: int, skip_after_header: int, batch_size: int) -> RawTable:
    with _sheet(path, sheet) as ws:
        merges = _merges(path, ws)
        rows = _open_rows(ws)
        header, used, _ = _header(rows, header_rows, merges) if header_rows else ([], 0, 0)
        if header_rows and not header:
            raise ImportFailed(path.name, "empty sheet")
        _skip(rows, skip_after_header)
        widths = []
        for _, row in rows:
            cells = _values(row)
            if cells:
                widths.append(len(cells))
                if header_rows or len(widths) >= WIDTH_PEEK_ROWS:
                    break
        if not widths:
            if not header_rows:
                raise ImportFailed(path.name, "empty sheet")
            raise ImportFailed(path.name, "headers only: no data rows")
    if header_rows:
        columns = header_names(header, max(len(r) for r in header))
    else:
        columns = unique_names([None] * max(widths))
    table = RawTable(path, "xlsx", None, None, columns, used)

    def stream(t: RawTable) -> Iterator[RawBatch]:
        return _stream(t, sheet, used, skip_after_header, merges, batch_size)

    table._stream = stream
    return table


def _stream(table: RawTable, sheet: str | None, header_rows: int, skip: int, merges: list[Merge], batch_size: int) -> Iterator[RawBatch]:
    with _sheet(table.path, sheet) as ws:
        rows = _open_rows(ws)
        last_header = 0
        if header_rows:
            # header_rows already counts an auto-detected group row.
            _, _, last_header = _header(rows, header_rows, [])
        _skip(rows, skip)
        spans = _data_spans(merges, last_header)
        anchors: dict[Merge, Cell] = {}
        batch = RawBatch([], [])
        for number, row in rows:
            cells = _values(row, spans.get(number), anchors)
            if not cells:
                table.blank_records += 1
                continue
            fitted = fit_row(table, cells, number, lambda: json.dumps(cells, ensure_ascii=False))
            if fitted is None:
                continue
            batch.lines.append(number)
            batch.rows.append(fitted)
            if len(batch.rows) >= batch_size:
                yield batch
                batch = RawBatch([], [])
        if batch.rows:
            yield batch
