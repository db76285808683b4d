"""Imports of real third-party exports: every row accounted for, re-imports add nothing."""

from __future__ import annotations

import csv

import duckdb

from vocsrc.ingest.mapping import Mapping, resolve_mapping
from vocsrc.ingest.pipeline import import_file


def _count(db, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_cfpb_sample_every_row_accounted_for_and_mapped(external, tmp_path):
    path = external / "cfpb_complaints_sample" / "complaints_sample.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    db = tmp_path / "s.duckdb"
    result = import_file(path, db=db, mapping=resolve_mapping("cfpb"))
    assert result.rows_read == len(raw) == 6623
    assert result.accepted + result.rejected + result.duplicate == 6623
    assert result.accepted == len({r["Complaint ID"] for r in raw})
    # Drivers, function and the timely flag come from the CFPB's own columns.
    timely_no = sum(r["Timely response?"] == "No" for r in raw)
    assert _count(db, "SELECT count(*) FROM feedback WHERE timely = false")[0][0] == timely_no
    narratives = sum(bool(r["Consumer complaint narrative"].strip()) for r in raw)
    assert _count(db, "SELECT count(text) FROM feedback")[0][0] == narratives
    debt = sum(r["Product"] == "Debt collection" for r in raw)
    assert _count(db, "SELECT count(*) FROM feedback WHERE category = 'Debt collection'")[0][0] == debt
    open_ = sum(r["Company response to consumer"] == "In progress" for r in raw)
    assert _count(db, "SELECT count(*) FROM feedback WHERE status = 'Open'")[0][0] == open_
    # Unmapped columns are kept, not dropped.
    zips = _count(db, """SELECT count(*) FROM feedback WHERE extra->>'ZIP code' IS NOT NULL""")[0][0]
    assert zips == sum(bool(r["ZIP code"].strip()) for r in raw)
    first = min(r["Date received"] for r in raw if r["Date received"].startswith("2015/4/"))
    assert _count(db, "SELECT min(received_at)::DATE::VARCHAR FROM feedback")[0][0] == "2015-04-06"
    assert first.startswith("2015/4/")

    again = import_file(path, db=db, mapping=resolve_mapping("cfpb"))
    assert (again.accepted, again.rejected, again.duplicate) == (0, 0, 6623)
    assert _count(db, "SELECT count(*) FROM feedback")[0][0] == result.accepted
    log = _count(db, "SELECT rows_read, rows_accepted, rows_duplicate FROM imports ORDER BY import_id")
    assert log == [(6623, result.accepted, result.duplicate), (6623, 0, 6623)]


def test_airline_tweets_as_reviews_duplicate_ids_counted(external, tmp_path):
    path = external / "twitter_us_airline_sentiment" / "Tweets.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        ids = [r["tweet_id"] for r in csv.DictReader(fh)]
    mapping = Mapping(name="tweets", kind="review", source="Airline tweets",
                      columns={"source_id": "tweet_id", "received_at": "tweet_created", "text": "text",
                               "function": "airline", "category": "negativereason"})
    result = import_file(path, db=tmp_path / "t.duckdb", mapping=mapping)
    assert result.rows_read == len(ids) == 14640
    assert result.accepted == len(set(ids)) == 14485
    assert result.duplicate == 14640 - 14485 and result.rejected == 0
    days = _count(tmp_path / "t.duckdb", "SELECT min(received_at)::DATE::VARCHAR, max(received_at)::DATE::VARCHAR FROM feedback")
    assert days == [("2015-02-16", "2015-02-24")]


def test_ucsb_qualtrics_derived_survey(external, tmp_path):
    path = external / "ucsb_carpentry_workshop_survey" / "all_workshops.csv"
    with open(path, newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    mapping = Mapping(name="ucsb", kind="survey", source="Workshop survey",
                      columns={"nps": "recommende_score.post", "text": "workshop_strengths.post",
                               "product": "workshop"})
    result = import_file(path, db=tmp_path / "u.duckdb", mapping=mapping)
    usable = [r for r in raw if r["recommende_score.post"].strip() not in ("", "NA")
              or r["workshop_strengths.post"].strip() not in ("", "NA")]
    assert result.rows_read == len(raw) == 343
    assert result.accepted == len(usable) and result.duplicate == 0
    assert result.rejected == len(raw) - len(usable)
    reasons = _count(tmp_path / "u.duckdb", "SELECT DISTINCT reason FROM rejected")
    assert all("missing required field" in r[0] for r in reasons)
    scored = sum(r["recommende_score.post"].strip() not in ("", "NA") for r in raw)
    assert _count(tmp_path / "u.duckdb", "SELECT count(nps) FROM feedback")[0][0] == scored == 126


def test_alexa_tsv_reviews_dates_and_stars(external, tmp_path):
    path = external / "amazon_alexa_reviews" / "amazon_alexa.tsv"
    with open(path, newline="", encoding="utf-8-sig") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t"))
    result = import_file(path, db=tmp_path / "a.duckdb", mapping=resolve_mapping("reviews"),
                         source="Alexa reviews")
    assert result.rows_read == len(raw) == 3150
    # Without an id, identical rows in one file are separate reviews (keyed by content and
    # occurrence), so all land; only a re-import makes them duplicates.
    assert (result.accepted, result.rejected, result.duplicate) == (3150, 0, 0)
    assert len({tuple(r.values()) for r in raw}) < 3150
    assert result.columns["stars"] == "rating"
    stars = dict(_count(tmp_path / "a.duckdb", "SELECT stars, count(*) FROM feedback GROUP BY 1"))
    assert stars == {s: sum(r["rating"] == str(s) for r in raw) for s in range(1, 6)}
    again = import_file(path, db=tmp_path / "a.duckdb", mapping=resolve_mapping("reviews"),
                        source="Alexa reviews")
    assert (again.accepted, again.duplicate) == (0, 3150)
    assert _count(tmp_path / "a.duckdb", "SELECT count(*) FROM feedback WHERE received_at IS NULL")[0][0] == 0
