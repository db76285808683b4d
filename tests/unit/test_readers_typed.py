"""The readers for typed files: XLSX (merged headers, dates, numbers), Parquet, JSON, NDJSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from tests.unit.test_readers import read_all, write
from vocsrc.errors import ImportFailed
from vocsrc.ingest.readers import open_table


# --- xlsx ------------------------------------------------------------------


def test_xlsx_merged_group_header_is_detected(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["ID", "Scores", None, "Comment"])
    ws.append([None, "NPS", "CSAT", None])
    ws.append([1, 9, 4, "great"])
    ws.append([2, 3, None, "  "])
    ws.merge_cells("B1:C1")
    ws.merge_cells("A1:A2")
    ws.merge_cells("D1:D2")
    path = tmp_path / "s.xlsx"
    wb.save(path)
    for header_rows in (1, 2):
        table = open_table(path, header_rows=header_rows)
        assert table.header_rows == 2
        assert table.columns == ["ID", "Scores / NPS", "Scores / CSAT", "Comment"]
        assert read_all(table) == ([3, 4], [["1", "9", "4", "great"], ["2", "3", None, None]])


def test_xlsx_merged_data_cells_fill_the_rows_they_cover(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Region", "Store", "Comment"])
    ws.append(["EU", "Paris", "ok"])
    ws.append([None, "Rome", "slow"])
    ws.append(["US", "Boston", None])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B4:C4")
    path = tmp_path / "m.xlsx"
    wb.save(path)
    table = open_table(path)
    assert table.header_rows == 1
    assert read_all(table)[1] == [["EU", "Paris", "ok"], ["EU", "Rome", "slow"], ["US", "Boston", "Boston"]]


def test_xlsx_values_sheets_and_ragged_rows(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["other"])
    ws = wb.create_sheet("Data")
    ws.append(["when", "stamp", "score", "ratio", "ok", "sum"])
    ws.append([date(2024, 3, 1), datetime(2024, 3, 1, 10, 30), 9.0, 9.5, True, 0.1 + 0.2])
    ws.append([])
    ws.append([datetime(2024, 3, 2), None, 10, 0.25, False, None, None, "extra!"])
    path = tmp_path / "v.xlsx"
    wb.save(path)
    table = open_table(path, sheet="Data")
    assert table.format == "xlsx" and table.header_rows == 1
    lines, rows = read_all(table)
    assert lines == [2]
    assert rows == [["2024-03-01", "2024-03-01T10:30:00", "9", "9.5", "true", "0.3"]]
    assert table.blank_records == 1
    [problem] = table.problems
    assert problem.line == 4 and "8 fields but the header has 6" in problem.reason
    assert "extra!" in problem.raw
    with pytest.raises(ImportFailed, match="no sheet named 'Nope'"):
        open_table(path, sheet="Nope")


def test_xlsx_headers_only(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["a", "b"])
    path = tmp_path / "h.xlsx"
    wb.save(path)
    with pytest.raises(ImportFailed, match="headers only"):
        open_table(path)


# --- parquet and JSON ----------------------------------------------------------


def test_parquet_values_become_strings(tmp_path: Path) -> None:
    data = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "score": [9.0, 9.5, None],
            "text": ["good", " ", None],
            "day": [date(2024, 1, 2), None, date(2024, 1, 3)],
            "at": [datetime(2024, 1, 2, 3, 4, 5), None, None],
            "flag": [True, False, None],
            "tags": [["a", "b"], [], None],
        }
    )
    path = tmp_path / "p.parquet"
    pq.write_table(data, path)
    table = open_table(path, batch_size=2)
    assert table.format == "parquet" and table.columns == list(data.column_names)
    assert [len(b.rows) for b in table.batches()] == [2, 1]
    lines, rows = read_all(table)
    assert lines == [1, 2, 3]
    assert rows[0] == ["1", "9", "good", "2024-01-02", "2024-01-02T03:04:05", "true", '["a", "b"]']
    assert rows[1] == ["2", "9.5", None, None, None, "false", "[]"]


def test_json_array_and_wrapped_records(tmp_path: Path) -> None:
    records = [{"id": 1, "text": "hi", "meta": {"src": "app"}}, {"id": 2, "score": 9.0}, "oops"]
    for name, doc in (("a.json", records), ("w.json", {"responses": records, "count": 3})):
        table = open_table(write(tmp_path, name, json.dumps(records if name == "a.json" else doc, indent=1)))
        assert table.format == "json" and table.columns == ["id", "text", "meta", "score"]
        lines, rows = read_all(table)
        assert lines == [1, 2]
        assert rows == [["1", "hi", '{"src": "app"}', None], ["2", None, None, "9"]]
        assert [(p.line, p.raw) for p in table.problems] == [(3, '"oops"')]


def test_ndjson_with_a_broken_line(tmp_path: Path) -> None:
    data = '{"id": 1, "text": "a"}\n\n{"id": 2, "text": "b", "nps": 9}\n{"id": 3, "text": \n{"id": 4}\n'
    for name in ("a.ndjson", "a.jsonl", "a.json"):
        table = open_table(write(tmp_path, name, data))
        assert table.format == "ndjson" and table.columns == ["id", "text", "nps"]
        lines, rows = read_all(table)
        assert lines == [1, 3, 5]
        assert rows[1] == ["2", "b", "9"]
        [problem] = table.problems
        assert problem.line == 4 and problem.raw == '{"id": 3, "text":' and "not valid JSON" in problem.reason
