"""The Complaints page, driven headlessly on the demo store and on the real CFPB sample."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tests.pages.conftest import metric_value

PAGE = ROOT / "pages" / "complaints.py"
# Until app.py lists the page, a two-page copy of app.py's shell runs it the same way.
SHELL = f"""
import streamlit as st
from vocsrc.ui.data import ensure_store
from vocsrc.ui.filters import sidebar_filters
page = st.navigation([st.Page({str(ROOT / 'pages' / 'overview.py')!r}, default=True), st.Page({str(PAGE)!r})])
ensure_store()
sidebar_filters()
page.run()
"""


def open_complaints(tmp_path, **state) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    try:
        at.switch_page("pages/complaints.py")
    except ValueError:  # not in app.py's navigation yet
        shell = tmp_path / "shell_app.py"
        shell.write_text(SHELL)
        at = AppTest.from_file(str(shell), default_timeout=180)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        at.switch_page(str(PAGE))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_renders_every_section_on_the_demo_store(store, tmp_path):
    at = open_complaints(tmp_path)
    assert at.title[0].value == "Complaints as signals"
    heads = [h.value for h in at.header]
    assert heads == ["What drives complaints", "Drivers rising against their own baseline", "Time to close",
                     "Taxonomy health", "Promises kept", "Across sources, per theme"]
    assert int(metric_value(at, "Complaints").replace(",", "")) > 0
    assert len(at.get("vega_lite_chart")) >= 5
    # Every chart carries n, period and method in its subtitle (so exports keep them).
    for chart in at.get("vega_lite_chart"):
        assert '"n = ' in chart.proto.spec, chart.proto.spec[:200]
    # the demo data starts and ends inside a quarter: those quarters are labelled and named as partial
    at.selectbox(key="cmp_period").set_value("quarter").run()
    drivers = at.get("vega_lite_chart")[0].proto.spec
    assert "2026-Q4 (partial)" in drivers and "2026-Q4 are partial" in drivers


def test_a_filter_changes_the_figures(store, tmp_path):
    everything = open_complaints(tmp_path)
    service = open_complaints(tmp_path, flt_function=["Customer service"])
    assert metric_value(service, "Complaints") != metric_value(everything, "Complaints")
    assert metric_value(service, "Failure demand") != metric_value(everything, "Failure demand")


def test_planted_callback_cluster_is_flagged_when_its_month_is_the_latest(store, tmp_path):
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    lo = con.execute("SELECT min(received_at)::DATE FROM feedback").fetchone()[0]
    con.close()
    at = open_complaints(tmp_path, flt_months=(lo.replace(day=1), dt.date(2026, 8, 1)))
    table = next(df.value for df in at.dataframe if {"driver", "flagged", "q_value"} <= set(df.value.columns))
    flagged = table[table["flagged"]]
    assert "Callback not made" in flagged["driver"].tolist()


@pytest.fixture()
def cfpb_store(external, tmp_path, monkeypatch):
    from vocsrc.ingest.mapping import resolve_mapping
    from vocsrc.ingest.pipeline import import_file

    db = tmp_path / "cfpb.duckdb"
    import_file(external / "cfpb_complaints_sample" / "complaints_sample.csv", db=db, mapping=resolve_mapping("cfpb"))
    monkeypatch.setenv("VOC_DB", str(db))
    return db


def test_cfpb_figures_on_the_page_match_the_raw_file(cfpb_store, external, tmp_path):
    with open(external / "cfpb_complaints_sample" / "complaints_sample.csv", newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))
    at = open_complaints(tmp_path)
    assert metric_value(at, "Complaints") == f"{len(raw):,}"
    timely = sum(r["Timely response?"] == "Yes" for r in raw) / len(raw)
    assert metric_value(at, "Closed in time") == f"{100 * timely:.0f}%"
    assert metric_value(at, "Repeat complainants") == "—"  # no customer id in the export
    equifax = open_complaints(tmp_path, flt_function=["EQUIFAX, INC."])
    n = sum(r["Company"] == "EQUIFAX, INC." for r in raw)
    assert metric_value(equifax, "Complaints") == f"{n:,}"
