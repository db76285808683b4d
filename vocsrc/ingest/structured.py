"""Parquet, JSON and NDJSON: files whose rows are typed records, not text lines.

Line numbers are record numbers (1-based) for Parquet and JSON arrays, and
physical line numbers for NDJSON. These formats carry their column names in
the records, so ``header_rows`` is 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from vocsrc.errors import ImportFailed
from vocsrc.ingest.sniff import open_text
from vocsrc.ingest.rawtable import Cell, RawBatch, RawTable, RowProblem, cell_text, unique_names


def _parquet_file(path: Path) -> pq.ParquetFile:
    try:
        return pq.ParquetFile(path)
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ...
        raise ImportFailed(path.name, f"not a readable Parquet file ({err})") from None


def _texts(column: pa.Array | pa.ChunkedArray) -> list[Cell]:
    kind = column.type
    if pa.types.is_integer(kind):
        return pc.cast(column, pa.string()).to_pylist()  # type: ignore[no-any-return]
    values = column.to_pylist()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return [None if not v or v.isspace() else v for v in values]
    return [cell_text(v) for v in values]


def open_parquet(path: Path, batch_size: int) -> RawTable:
    pf = _parquet_file(path)
    if pf.metadata.num_rows == 0:
        raise ImportFailed(path.name, "headers only: no data rows")
    columns = unique_names(pf.schema_arrow.names)
    table = RawTable(path, "parquet", None, None, columns, 0)

    def stream(t: RawTable) -> Iterator[RawBatch]:
        number = 0
        for rb in _parquet_file(path).iter_batches(batch_size=batch_size):
            cols = [_texts(rb.column(i)) for i in range(rb.num_columns)]
            batch = RawBatch([], [])
            for cells in zip(*cols):
                number += 1
                if any(cells):
                    batch.lines.append(number)
                    batch.rows.append(list(cells))
                else:
                    t.blank_records += 1
            if batch.rows:
                yield batch

    table._stream = stream
    return table


def _records_of(path: Path, data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [k for k, v in data.items() if isinstance(v, list) and any(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return data[lists[0]]  # type: ignore[no-any-return]
        if len(lists) > 1:
            raise ImportFailed(path.name, f"the JSON object holds several lists of records ({', '.join(lists)}); export one")
        return [data]  # a single record
    raise ImportFailed(path.name, "the JSON holds a single value, not records")


def _keys(records: Any) -> tuple[list[str], dict[str, int]]:
    """Columns in first-seen key order, and each original key's position."""
    order: dict[str, None] = {}
    for record in records:
        if isinstance(record, dict):
            order.update(dict.fromkeys(record))
    keys = list(order)
    return unique_names(keys), {k: i for i, k in enumerate(keys)}


def _row(record: dict[str, Any], index: dict[str, int], width: int) -> list[Cell] | None:
    cells: list[Cell] = [None] * width
    for key, value in record.items():
        position = index.get(key)
        if position is None:
            return None
        cells[position] = cell_text(value)
    return cells


def open_json(path: Path, encoding: str, batch_size: int, quick: bool) -> RawTable:
    # A JSON document has no record boundaries to stream on, so it is loaded
    # whole; exports big enough for that to matter come as CSV or NDJSON.
    try:
        with open_text(path, encoding, quick) as f:
            data = json.load(f)
    except json.JSONDecodeError as err:
        raise ImportFailed(path.name, f"not valid JSON: {err.msg} at line {err.lineno}") from None
    except UnicodeDecodeError:
        raise ImportFailed(path.name, f"the text is not valid {encoding}") from None
    records = _records_of(path, data)
    if not records:
        raise ImportFailed(path.name, "no records: the JSON list is empty")
    columns, index = _keys(records)
    if not columns:
        raise ImportFailed(path.name, "the JSON list holds no objects with fields")
    table = RawTable(path, "json", encoding, None, columns, 0)

    def stream(t: RawTable) -> Iterator[RawBatch]:
        batch = RawBatch([], [])
        for number, record in enumerate(records, start=1):
            raw = lambda: json.dumps(record, ensure_ascii=False, default=str)  # noqa: E731
            if not isinstance(record, dict):
                t.problems.append(RowProblem(number, None, "record is not a JSON object", raw()))
                continue
            cells = _row(record, index, len(columns))
            if cells is None or not any(cells):
                t.blank_records += 1
                continue
            batch.lines.append(number)
            batch.rows.append(cells)
            if len(batch.rows) >= batch_size:
                yield batch
                batch = RawBatch([], [])
        if batch.rows:
            yield batch

    table._stream = stream
    return table


def _ndjson_lines(path: Path, encoding: str, quick: bool, limit: int | None = None) -> Iterator[tuple[int, str, Any]]:
    """(line number, text, parsed object or the JSONDecodeError) per non-blank line."""
    with open_text(path, encoding, quick) as f:
        for number, line in enumerate(f, start=1):
            if limit is not None and number > limit:
                return
            text = line.strip()
            if not text:
                continue
            try:
                yield number, text, json.loads(text)
            except json.JSONDecodeError as err:
                yield number, text, err


def open_ndjson(path: Path, encoding: str, batch_size: int, quick: bool, preview_rows: int | None) -> RawTable:
    # First pass: the union of keys, so the columns are known before any row.
    limit = preview_rows * 2 + 10 if quick and preview_rows else None
    try:
        objects = (obj for _, _, obj in _ndjson_lines(path, encoding, quick, limit) if isinstance(obj, dict))
        columns, index = _keys(objects)
    except UnicodeDecodeError:
        raise ImportFailed(path.name, f"the text is not valid {encoding}") from None
    if not columns:
        raise ImportFailed(path.name, "no JSON objects with fields, one per line, were found")
    table = RawTable(path, "ndjson", encoding, None, columns, 0)

    def stream(t: RawTable) -> Iterator[RawBatch]:
        batch = RawBatch([], [])
        for number, text, obj in _ndjson_lines(path, encoding, quick, limit):
            if isinstance(obj, json.JSONDecodeError):
                t.problems.append(RowProblem(number, None, f"not valid JSON: {obj.msg}", text))
                continue
            if not isinstance(obj, dict):
                t.problems.append(RowProblem(number, None, "line is not a JSON object", text))
                continue
            cells = _row(obj, index, len(columns))
            if cells is None:
                # Only when the file changed between the two passes.
                t.problems.append(RowProblem(number, None, "a field not seen when the columns were read", text))
                continue
            if not any(cells):
                t.blank_records += 1
                continue
            batch.lines.append(number)
            batch.rows.append(cells)
            if len(batch.rows) >= batch_size:
                yield batch
                batch = RawBatch([], [])
        if batch.rows:
            yield batch

    table._stream = stream
    return table
