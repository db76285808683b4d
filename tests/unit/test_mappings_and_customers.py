"""Presets, saved mappings and the customer file through the same lossless import."""

from __future__ import annotations

import csv
import datetime as dt

import duckdb
import pytest

from tests.conftest import ROOT
from vocsrc.errors import ConfigError
from vocsrc.ingest.mapping import Mapping, load_mapping_file, resolve_mapping, save_mapping
from vocsrc.ingest.pipeline import import_file


def _q(db, sql):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_qualtrics_preset_reads_three_header_rows_and_finds_questions(tmp_path):
    path = ROOT / "data" / "sample_qualtrics_survey.csv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[3:]
    db = tmp_path / "q.duckdb"
    r = import_file(path, db=db, mapping=resolve_mapping("qualtrics"))
    # Survey previews (Status 1) are not customers' answers: rejected with the reason, kept.
    status = header.index("Status")
    previews = [i + 4 for i, row in enumerate(data) if row[status] == "1"]
    assert len(previews) == 2
    assert r.rows_read == len(data) and r.accepted == len(data) - 2 and r.rejected == 2
    rejected = _q(db, "SELECT line, column_name, reason FROM rejected ORDER BY line")
    assert [row[0] for row in rejected] == previews
    assert all(c == "Status" and "survey preview" in why and "qualtrics mapping" in why for _, c, why in rejected)
    data = [row for row in data if row[status] != "1"]
    assert r.columns["nps"] == "Q1" and r.columns["csat"] == "Q3" and r.columns["text"] == "Q2"
    assert r.columns["source_id"] == "ResponseId" and r.columns["received_at"] == "RecordedDate"
    q1 = header.index("Q1")
    promoters = sum(row[q1] in ("9", "10") for row in data)
    assert _q(db, "SELECT count(*) FROM feedback WHERE nps >= 9")[0][0] == promoters
    # The first data row is line 4: line numbers count the question and ImportId rows.
    assert _q(db, "SELECT min(source_line) FROM feedback")[0][0] == 4


def test_saved_mapping_round_trips_and_is_found_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_MAPPINGS", str(tmp_path / "maps"))
    m = Mapping(name="x", kind="review", source="Shop reviews", date_order="dmy",
                columns={"stars": "Score", "text": "Words"}, values={"stars": {"five": "5"}})
    path = save_mapping(m, "shop_reviews")
    loaded = resolve_mapping("shop_reviews")
    assert loaded == load_mapping_file(path)
    assert (loaded.kind, loaded.source, loaded.columns, loaded.values, loaded.date_order) == (
        "review", "Shop reviews", {"stars": "Score", "text": "Words"}, {"stars": {"five": "5"}}, "dmy")
    f = tmp_path / "r.csv"
    f.write_text("Score,Words\nfive,Lovely\n2,Poor\n")
    r = import_file(f, db=tmp_path / "r.duckdb", mapping=loaded)
    assert r.accepted == 2
    assert sorted(_q(tmp_path / "r.duckdb", "SELECT stars FROM feedback")) == [(2,), (5,)]


def test_exclude_rule_rejects_rows_by_value_and_round_trips(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_MAPPINGS", str(tmp_path / "maps"))
    m = Mapping(name="panel", kind="survey", source="Panel", columns={"nps": "Score", "text": "Words"},
                exclude={"Respondent type": {"staff": "answered by our own staff"}})
    loaded = resolve_mapping(save_mapping(m, "panel").stem)
    assert loaded.exclude == m.exclude
    f = tmp_path / "p.csv"
    f.write_text("Score,Words,Respondent type\n9,Great,customer\n2,Test only, staff \n7,Fine,\n")
    r = import_file(f, db=tmp_path / "p.duckdb", mapping=loaded)
    assert (r.accepted, r.rejected) == (2, 1)
    (line, column, reason), = _q(tmp_path / "p.duckdb", "SELECT line, column_name, reason FROM rejected")
    assert (line, column) == (3, "Respondent type") and "answered by our own staff" in reason
    assert sorted(_q(tmp_path / "p.duckdb", "SELECT nps FROM feedback")) == [(7,), (9,)]


def test_bad_mapping_file_names_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('kind = "survey"\n[columns]\nnps_score = "Q1"\n')
    with pytest.raises(ConfigError) as err:
        load_mapping_file(bad)
    assert "bad.toml" in str(err.value) and "columns.nps_score" in str(err.value)


def test_customer_file_versions_and_lossless_rows(tmp_path):
    f = tmp_path / "crm.csv"
    f.write_text("Customer ID,Customer since,Churn date,Segment,Revenue,Products\n"
                 "C1,2019-03-01,,Premium,\"£1,250.00\",3\nC2,2024-01-10,2026-05-02,Consumer,80,1\n"
                 "C3,2025-02-02,,Consumer,abc,1\n,2020-01-01,,Consumer,10,1\nC4,2021-01-01,,Consumer,10,1.5\n")
    db = tmp_path / "c.duckdb"
    r = import_file(f, db=db, mapping=resolve_mapping("crm"))
    assert r.kind == "customer" and (r.accepted, r.rejected) == (2, 3)
    reasons = dict(_q(db, "SELECT line, reason FROM rejected"))
    assert "Revenue 'abc' is not a number" in reasons[4]
    assert "customer id" in reasons[5]
    assert "not a whole number" in reasons[6]
    assert _q(db, "SELECT customer_id, joined_at, left_at, revenue_12m FROM customers ORDER BY 1") == [
        ("C1", dt.date(2019, 3, 1), None, 1250.0), ("C2", dt.date(2024, 1, 10), dt.date(2026, 5, 2), 80.0)]
    assert import_file(f, db=db, mapping=resolve_mapping("crm")).accepted == 0
    # A newer file wins, and the old version stays on record.
    f.write_text("Customer ID,Customer since,Churn date,Segment,Revenue,Products\n"
                 "C1,2019-03-01,2026-09-30,Premium,900,2\nC2,2024-01-10,2026-05-02,Consumer,80,1\n")
    r = import_file(f, db=db, mapping=resolve_mapping("crm"))
    assert (r.accepted, r.duplicate) == (1, 1)
    assert _q(db, "SELECT left_at, revenue_12m FROM customers WHERE customer_id = 'C1'") == [(dt.date(2026, 9, 30), 900.0)]
    assert _q(db, "SELECT count(*) FROM customer_versions WHERE customer_id = 'C1'")[0][0] == 2


def test_auto_mapping_recognises_a_customer_file(tmp_path):
    f = tmp_path / "export.csv"
    f.write_text("account_id,signup_date,status,tier,annual_revenue\nA1,2020-01-01,Active,Gold,100\n")
    r = import_file(f, db=tmp_path / "a.duckdb")
    assert r.kind == "customer"
    assert r.columns == {"customer_id": "account_id", "joined_at": "signup_date", "status": "status",
                         "segment": "tier", "revenue_12m": "annual_revenue"}
