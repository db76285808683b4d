"""Overview and Data pages, driven headlessly through AppTest on a real demo store."""

from __future__ import annotations

import duckdb

from tests.conftest import ROOT
from tests.pages.conftest import metric_value, open_page


def _count(at_db, sql):
    con = duckdb.connect(str(at_db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_overview_counts_match_the_store_and_follow_filters(store):
    at = open_page()
    assert at.title[0].value == "Overview"
    total = _count(store, "SELECT count(*) FROM feedback")
    reviews = _count(store, "SELECT count(*) FROM feedback WHERE kind = 'review'")
    assert metric_value(at, "Responses and items") == f"{total:,}"
    at = open_page(kind=["review"])
    assert metric_value(at, "Responses and items") == f"{reviews:,}"
    assert metric_value(at, "Survey responses") == "0"
    assert any("filters: kind: review" in c.value for c in at.caption)
    # the demo's data runs from the first to the last day of a month: no month is partial
    monthly = at.get("vega_lite_chart")[0].proto.spec
    assert "Nov 2024" in monthly and "Oct 2026" in monthly and "partial" not in monthly


def test_data_page_imports_an_upload_and_lists_rejected_rows(store):
    at = open_page("pages/data.py")
    content = (ROOT / "data" / "sample_reviews.csv").read_bytes()
    at.file_uploader[0].set_value(("sample_reviews.csv", content, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="map_kind").value == "review"
    at.button(key="do_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    success = [s.value for s in at.success]
    assert success and "sample_reviews.csv" in success[0] and "rejected" in success[0]
    frames = [d.value for d in at.dataframe]
    rejected = next(f for f in frames if "reason" in f.columns)
    assert (rejected["file_name"] == "sample_reviews.csv").sum() >= 2
    assert rejected["reason"].str.contains("outside the STARS scale").any()
    # Importing the same upload again adds nothing.
    at.button(key="do_import").click().run()
    assert "0 rows added" in at.success[0].value


def test_new_data_shows_without_a_restart(store, tmp_path):
    from vocsrc.ingest.mapping import Mapping
    from vocsrc.ingest.pipeline import import_file

    at = open_page()
    before = int(metric_value(at, "Complaints").replace(",", ""))
    f = tmp_path / "new.csv"
    f.write_text("id,category,narrative\nN1,Billing,charged twice\nN2,Delivery,never came\n")
    # A CLI-style import while the app is running: same process here, the app holds no lock.
    import_file(f, db=store, mapping=Mapping(name="n", kind="complaint", source="New",
                                             columns={"source_id": "id", "category": "category", "text": "narrative"}))
    at.run()
    assert int(metric_value(at, "Complaints").replace(",", "")) == before + 2
