"""Bad input: clear reasons naming file, line and column; nothing lost; failures change nothing."""

from __future__ import annotations

import json

import duckdb
import pytest

from vocsrc.errors import ImportFailed
from vocsrc.ingest.mapping import Mapping
from vocsrc.ingest.pipeline import import_file

SURVEY = Mapping(name="t", kind="survey", source="Test survey",
                 columns={"source_id": "id", "received_at": "date", "nps": "nps", "text": "comment"})


def _rows(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_out_of_range_and_na_scores(tmp_path):
    f = _write(tmp_path / "scores.csv",
               "id,date,nps,comment\n1,2026-01-05,9,great\n2,2026-01-06,11,too high\n"
               "3,2026-01-07,N/A,no score given\n4,2026-01-08,ten,words\n5,2026-01-09,7.5,half\n"
               "6,2026-01-10,9 - Extremely likely,labelled\n")
    db = tmp_path / "s.duckdb"
    r = import_file(f, db=db, mapping=SURVEY)
    assert (r.rows_read, r.accepted, r.rejected, r.duplicate) == (6, 3, 3, 0)
    rejected = _rows(db, "SELECT file_name, line, column_name, reason FROM rejected ORDER BY line")
    assert rejected[0][:3] == ("scores.csv", 3, "nps") and "outside the NPS scale 0-10" in rejected[0][3]
    assert rejected[1][:3] == ("scores.csv", 5, "nps") and "not a number" in rejected[1][3]
    assert rejected[2][1] == 6 and "not a whole number" in rejected[2][3]
    assert _rows(db, "SELECT source_id, nps FROM feedback ORDER BY source_id") == [("1", 9), ("3", None), ("6", 9)]
    raw = json.loads(_rows(db, "SELECT raw FROM rejected WHERE line = 3")[0][0])
    assert raw == {"id": "2", "date": "2026-01-06", "nps": "11", "comment": "too high"}


def test_dates_in_several_formats(tmp_path):
    f = _write(tmp_path / "dates.csv",
               "id,date,nps,comment\n1,2026-03-18,9,a\n2,2026/3/18,9,b\n3,03/18/2026,9,c\n"
               "4,18-Mar-26,9,d\n5,2026-03-18T10:11:12,9,e\n6,March 18 2026 maybe,9,f\n7,,9,g\n")
    db = tmp_path / "d.duckdb"
    r = import_file(f, db=db, mapping=SURVEY)
    assert (r.accepted, r.rejected) == (5, 2)
    assert {d for (d,) in _rows(db, "SELECT received_at::DATE::VARCHAR FROM feedback")} == {"2026-03-18"}
    reasons = dict(_rows(db, "SELECT line, reason FROM rejected"))
    assert "not a date" in reasons[7] and "missing required field" in reasons[8]


def test_day_first_dates_detected(tmp_path):
    f = _write(tmp_path / "uk.csv", "id,date,nps,comment\n1,03/04/2026,9,a\n2,25/12/2026,9,b\n")
    db = tmp_path / "uk.duckdb"
    import_file(f, db=db, mapping=SURVEY)
    assert _rows(db, "SELECT received_at::DATE::VARCHAR FROM feedback ORDER BY 1") == [("2026-04-03",), ("2026-12-25",)]


def test_cp1252_and_utf16_text_survives(tmp_path):
    text = "id,date,nps,comment\n1,2026-01-05,9,\u201cSuperb\u201d service \u2013 \u20ac5 off\n"
    db = tmp_path / "e.duckdb"
    import_file(_write(tmp_path / "win.csv", text, "cp1252"), db=db, mapping=SURVEY)
    utf16 = ("\ufeff" + text.replace(",", "\t").replace("1\t", "2\t", 1)).encode("utf-16-le")
    (tmp_path / "excel.txt").write_bytes(utf16)
    import_file(tmp_path / "excel.txt", db=db, mapping=SURVEY)
    assert {t for (t,) in _rows(db, "SELECT text FROM feedback")} == {"\u201cSuperb\u201d service \u2013 \u20ac5 off"}
    assert _rows(db, "SELECT count(*) FROM feedback") == [(2,)]


def test_ragged_rows_kept_as_rejected(tmp_path):
    f = _write(tmp_path / "ragged.csv", "id,date,nps,comment\n1,2026-01-05,9\n2,2026-01-05,8,ok,extra,more\n3,2026-01-05,7,fine\n")
    db = tmp_path / "r.duckdb"
    r = import_file(f, db=db, mapping=SURVEY)
    assert (r.rows_read, r.accepted, r.rejected) == (3, 2, 1)
    line, reason, raw = _rows(db, "SELECT line, reason, raw FROM rejected")[0]
    assert line == 3 and "fields" in reason and "extra" in raw


def test_ten_megabyte_field_rejected_not_crashing(tmp_path):
    big = "x" * (10 * 1024 * 1024)
    f = _write(tmp_path / "big.csv", f'id,date,nps,comment\n1,2026-01-05,9,"{big}"\n2,2026-01-05,9,short\n')
    db = tmp_path / "b.duckdb"
    r = import_file(f, db=db, mapping=SURVEY)
    assert (r.accepted, r.rejected) == (1, 1)
    column, reason, size = _rows(db, "SELECT column_name, reason, length(raw->>'comment') FROM rejected")[0]
    assert column == "comment" and "10,485,760 characters" in reason and size == len(big)


@pytest.mark.parametrize("content, problem", [("", "empty"), ("id,date,nps,comment\n", "headers only")])
def test_empty_and_header_only_files_change_nothing(tmp_path, content, problem):
    db = tmp_path / "x.duckdb"
    import_file(_write(tmp_path / "ok.csv", "id,date,nps,comment\n1,2026-01-05,9,a\n"), db=db, mapping=SURVEY)
    before = _rows(db, "SELECT (SELECT count(*) FROM feedback), (SELECT count(*) FROM imports)")
    with pytest.raises(ImportFailed) as err:
        import_file(_write(tmp_path / "bad.csv", content), db=db, mapping=SURVEY)
    assert "bad.csv" in str(err.value) and problem in str(err.value)
    assert _rows(db, "SELECT (SELECT count(*) FROM feedback), (SELECT count(*) FROM imports)") == before


def test_mapping_naming_missing_column_fails_cleanly(tmp_path):
    f = _write(tmp_path / "other.csv", "when,score\n2026-01-01,5\n")
    with pytest.raises(Exception) as err:
        import_file(f, db=tmp_path / "m.duckdb", mapping=SURVEY)
    assert "other.csv" in str(err.value) and "'id'" in str(err.value)


def test_xlsx_with_merged_header(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Response", None, "Scores", None, "Comment"])
    ws.append(["id", "date", "NPS", "CSAT", "text"])
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:D1")
    ws.append([1, "2026-02-01", 9, 5, "Lovely"])
    ws.append([2, "2026-02-02", 3, 1, "Awful"])
    wb.save(tmp_path / "merged.xlsx")
    mapping = Mapping(name="x", kind="survey", source="xlsx", header_rows=2,
                      columns={"source_id": "Response / id", "nps": "Scores / NPS", "csat": "Scores / CSAT",
                               "text": "Comment / text", "received_at": "Response / date"})
    db = tmp_path / "x.duckdb"
    r = import_file(tmp_path / "merged.xlsx", db=db, mapping=mapping)
    assert (r.accepted, r.rejected) == (2, 0)
    assert _rows(db, "SELECT nps, csat, text FROM feedback ORDER BY nps") == [(3, 1, "Awful"), (9, 5, "Lovely")]


def test_auto_mapping_guesses_fields(tmp_path):
    f = _write(tmp_path / "reviews.csv", "Review ID,Review Date,Rating,Review Text,Product\n"
                                         "r1,2026-01-02,5,Love it,Widget\nr2,2026-01-03,1,Broke,Widget\n")
    r = import_file(f, db=tmp_path / "a.duckdb")
    assert r.kind == "review"
    assert r.columns == {"source_id": "Review ID", "received_at": "Review Date", "stars": "Rating",
                         "text": "Review Text", "product": "Product"}
