"""DuckDB's parallel CSV reader and the careful Python reader must stage identical rows."""

from __future__ import annotations

import duckdb

from vocsrc.ingest import fastcsv
from vocsrc.ingest.mapping import Mapping
from vocsrc.ingest.pipeline import import_file

MAPPING = Mapping(name="t", kind="review", source="S", columns={"stars": "stars", "text": "text", "received_at": "date"})


def _rows(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute("SELECT feedback_id, source_line, stars, text FROM feedback").fetchall()), sorted(
            con.execute("SELECT line, reason FROM rejected").fetchall())
    finally:
        con.close()


def test_both_readers_give_the_same_ids_lines_and_rejections(tmp_path, monkeypatch):
    f = tmp_path / "reviews.csv"
    f.write_text('date,stars,text\n2026-01-01,5,"Great, really"\n2026-01-02,  ,   \n2026-01-02,9,too many\n'
                 '2026-01-03,3,"said ""fine"""\n2026-01-03,3,"said ""fine"""\n2026-01-04,4,  padded  \n')
    fast_used = []
    real = fastcsv.stage
    monkeypatch.setattr(fastcsv, "stage", lambda *a: fast_used.append(real(*a)) or fast_used[-1])
    import_file(f, db=tmp_path / "fast.duckdb", mapping=MAPPING)
    assert fast_used == [6]  # the fast path took it
    monkeypatch.setattr(fastcsv, "stage", lambda *a: None)
    import_file(f, db=tmp_path / "slow.duckdb", mapping=MAPPING)
    assert _rows(tmp_path / "fast.duckdb") == _rows(tmp_path / "slow.duckdb")
    rows, rejected = _rows(tmp_path / "fast.duckdb")
    assert sorted(r[1] for r in rows) == [2, 5, 6, 7] and [line for line, _ in rejected] == [3, 4]


def test_multi_line_records_fall_back_to_the_python_reader(tmp_path, monkeypatch):
    f = tmp_path / "multi.csv"
    f.write_text('date,stars,text\n2026-01-01,5,"first line\nsecond line"\n2026-01-02,4,ok\n')
    seen = []
    real = fastcsv.stage
    monkeypatch.setattr(fastcsv, "stage", lambda *a: seen.append(real(*a)) or seen[-1])
    import_file(f, db=tmp_path / "m.duckdb", mapping=MAPPING)
    assert seen == [None]
    rows, _ = _rows(tmp_path / "m.duckdb")
    assert [r[1] for r in rows if r[2] == 4] == [4]  # the second record starts on line 4
