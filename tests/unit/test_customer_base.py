"""Customer base figures against hand-computed examples, a tiny store built through the real
import pipeline, the CLI as a user runs it, and the stories planted in the demo."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import ROOT
from vocsrc.customer_base import customer_base, customers_json, kaplan_meier
from vocsrc.customer_base.kaplan_meier import survival_at
from vocsrc.customer_base.lists import contact_list, safe_csv, suppression_list, thank_list
from vocsrc.customer_base.value import what_if_passives_promoted
from vocsrc.filters import Filters
from vocsrc.ingest.mapping import Mapping, resolve_mapping
from vocsrc.ingest.pipeline import import_file

PERIOD = Filters(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))


# --- Kaplan-Meier -------------------------------------------------------------------------

def test_kaplan_meier_matches_the_hand_computed_example():
    # times 1 2 2+ 3 4+ 5 (+ = censored): S = 5/6, then x4/5, then x2/3, then 0.
    steps = kaplan_meier([1, 2, 2, 3, 4, 5], [True, True, False, True, False, True])
    assert [s.time for s in steps] == [0, 1, 2, 3, 4, 5]
    assert [s.at_risk for s in steps] == [6, 6, 5, 3, 2, 1]
    assert [round(s.survival, 4) for s in steps] == [1.0, 0.8333, 0.6667, 0.4444, 0.4444, 0.0]
    # Greenwood at t=3: sum d/(n(n-d)) = 1/30 + 1/20 + 1/6 = 0.25; log-log interval by hand.
    se = math.sqrt(0.25) / abs(math.log(4 / 9))
    s3 = survival_at(steps, 3.5)
    assert s3.low == pytest.approx((4 / 9) ** math.exp(1.959964 * se), abs=1e-4)
    assert s3.high == pytest.approx((4 / 9) ** math.exp(-1.959964 * se), abs=1e-4)
    assert (round(s3.low, 4), round(s3.high, 4)) == (0.0662, 0.7849)
    assert (steps[-1].low, steps[-1].high) == (0.0, 0.0)


def test_kaplan_meier_grouped_counts_equal_single_rows():
    grouped = kaplan_meier([1, 2, 2, 3], [True, True, False, True], counts=[10, 5, 20, 3])
    flat = kaplan_meier([1] * 10 + [2] * 5 + [2] * 20 + [3] * 3, [True] * 15 + [False] * 20 + [True] * 3)
    assert grouped == flat
    with pytest.raises(ValueError):
        kaplan_meier([-1], [True])


def test_what_if_is_share_times_revenue_times_gap_and_never_negative():
    w = what_if_passives_promoted(0.5, 300.0, 0.5, 0.0)
    assert w.worth == 75.0 and "not a promise of cause" in w.sentence()
    assert what_if_passives_promoted(0.5, 300.0, 0.1, 0.2).worth == 0.0
    assert what_if_passives_promoted(0.5, 300.0, None, 0.2).worth is None


# --- a tiny store through the real import ------------------------------------------------

CUSTOMERS = """Customer ID,Customer since,Churn date,Segment,Revenue
A,2015-01-01,,Premium,1000
B,2020-01-01,2026-05-01,Consumer,200
C,2021-06-01,,Consumer,300
D,2019-01-01,2026-03-15,Consumer,100
E,2024-01-01,,Small business,500
F,2026-02-01,,Consumer,50
G,2018-01-01,2025-06-01,Consumer,80
"""
SURVEY = """response_id,date,customer_id,nps,csat,comment
r1,2026-04-15,A,10,,Lovely
r2,2026-02-01,B,8,,Fine
r3,2026-06-01,B,10,,Exit survey after leaving: must not count
r4,2026-04-01,C,7,,OK
r5,2026-01-10,D,3,,Poor
r6,2026-06-20,A,,1,"=cmd|' /C calc'!A0 write to me at a.person@example.com"
r7,2026-05-05,X999,9,,Not in the customer file
r8,2025-03-01,G,2,,Left long ago
"""
COMPLAINTS = """ref,date,customer_id,status,narrative
k1,2026-06-10,F,Open,Still waiting for my refund
"""


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    db = folder / "voc.duckdb"
    (folder / "crm.csv").write_text(CUSTOMERS)
    (folder / "survey.csv").write_text(SURVEY)
    (folder / "complaints.csv").write_text(COMPLAINTS)
    assert import_file(folder / "crm.csv", db=db, mapping=resolve_mapping("crm")).accepted == 7
    survey = Mapping(name="t", kind="survey", source="Survey", columns={
        "source_id": "response_id", "received_at": "date", "customer_id": "customer_id", "nps": "nps",
        "csat": "csat", "text": "comment"})
    assert import_file(folder / "survey.csv", db=db, mapping=survey).accepted == 8
    complaints = Mapping(name="k", kind="complaint", source="Complaints", columns={
        "source_id": "ref", "received_at": "date", "customer_id": "customer_id", "status": "status",
        "text": "narrative"})
    assert import_file(folder / "complaints.csv", db=db, mapping=complaints).accepted == 1
    return db


def _rows(db, filters=PERIOD, by="band") -> dict[str, dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {r["group"]: r for r in customers_json(con, filters, by=by)}
    finally:
        con.close()


def test_churn_and_value_by_band_on_the_tiny_store(tiny):
    rows = _rows(tiny)
    # G left before the period: not in it. B's answer after leaving is ignored: B stays a passive.
    assert {g: (r["customers"], r["lost"]) for g, r in rows.items()} == {
        "promoter": (1, 0), "passive": (2, 1), "detractor": (1, 1), "unheard": (2, 0)}
    assert {g: r["churn_rate"] for g, r in rows.items()} == {
        "promoter": 0.0, "passive": 0.5, "detractor": 1.0, "unheard": 0.0}
    assert {g: r["revenue_active"] for g, r in rows.items()} == {
        "promoter": 1000.0, "passive": 300.0, "detractor": 0.0, "unheard": 550.0}
    total = _rows(tiny, by=None)["all"]
    assert (total["customers"], total["active"], total["joined"], total["lost"]) == (6, 4, 1, 2)
    assert total["heard_share"] == 0.75  # A, C and F of A, C, E, F
    assert total["really_happy_share"] == 0.25  # one promoter of four with an NPS answer
    assert rows["unheard"]["really_happy_share"] is None


def test_page_figures_on_the_tiny_store(tiny):
    con = duckdb.connect(str(tiny), read_only=True)
    cb = customer_base(con, PERIOD)
    con.close()
    assert cb.value.at_stake == 300.0
    assert cb.unmatched["unmatched_rows"] == 1 and cb.unmatched["unmatched_ids"] == 1
    passive = cb.survival["passive"]  # B left 89 days after answering; C followed 90 days, still here
    assert survival_at(passive, 89).survival == 0.5 and survival_at(passive, 90).censored == 1
    assert [(s.time, s.events) for s in cb.survival["detractor"]] == [(0, 0), (64, 1)]
    tenure = dict(zip(cb.by_tenure["group"], cb.by_tenure["customers"]))
    assert tenure == {"<1 year": 1, "1-3 years": 1, "5-8 years": 3, "8+ years": 1}
    assert list(cb.periods["period"]) == ["2026-Q1", "2026-Q2"]
    assert list(cb.periods["customers_at_end"]) == [5, 4]  # D left in Q1, B in Q2


def test_a_dimension_filter_uses_only_matching_answers(tiny):
    rows = _rows(tiny, PERIOD.with_(kind=("complaint",)))
    assert set(rows) == {"unheard"}  # no NPS in complaints: nobody has a band
    total = _rows(tiny, PERIOD.with_(kind=("complaint",)), by=None)["all"]
    assert total["heard_active"] == 1  # F


def test_contact_thank_and_suppression_lists(tiny):
    con = duckdb.connect(str(tiny), read_only=True)
    contact = contact_list(con, PERIOD, days=90)
    thank = thank_list(con, PERIOD, days=90)
    suppress = suppression_list(con, dt.date(2026, 6, 30), days=30)
    con.close()
    assert list(contact["customer_id"]) == ["A"] and contact["what"][0] == "CSAT 1"
    assert list(thank["customer_id"]) == ["A"]
    assert dict(zip(suppress["customer_id"], suppress["reasons"])) == {"A": "low score", "F": "open complaint"}
    text = safe_csv(contact)
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["comment"].startswith("'=cmd") and "[email]" in row["comment"]


def _cli(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vocsrc", "--db", str(db), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_cli_customers_json_by_band(tiny):
    out = _cli("customers", "--json", "--by", "band", "--from", "2026-01-01", "--to", "2026-06-30", db=tiny)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["group"] for r in rows] == ["promoter", "passive", "detractor", "unheard"]
    keys = {"group", "customers", "active", "lost", "churn_rate", "revenue", "really_happy_share", "heard_share"}
    assert all(keys <= set(r) for r in rows)
    passive = rows[1]
    assert (passive["customers"], passive["lost"], passive["churn_rate"]) == (2, 1, 0.5)
    assert rows[3]["really_happy_share"] is None
    tenure = json.loads(_cli("customers", "--json", "--by", "tenure", db=tiny).stdout)
    assert all(0 <= r["churn_rate"] <= 1 for r in tenure)


def test_cli_suppress_writes_a_csv(tiny, tmp_path):
    target = tmp_path / "suppress.csv"
    out = _cli("suppress", "--days", "30", "--as-of", "2026-06-30", "--out", str(target), db=tiny)
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(target.open()))
    assert [r["customer_id"] for r in rows] == ["A", "F"]


# --- the demo's planted stories -----------------------------------------------------------

def test_demo_passives_leave_more_than_promoters_and_detractors_more_still(demo_con):
    rows = {r["group"]: r for r in customers_json(demo_con, Filters(), by="band")}
    promoter, passive, detractor = rows["promoter"], rows["passive"], rows["detractor"]
    assert promoter["churn_rate"] < passive["churn_rate"] < detractor["churn_rate"]
    assert promoter["churn_high"] < detractor["churn_low"]


def test_demo_premium_middle_slips(demo_con):
    functions = tuple(r[0] for r in demo_con.execute(
        "SELECT DISTINCT function FROM feedback WHERE kind = 'survey' AND function NOT IN ('Deliveries', 'Online & app')"
    ).fetchall())
    drop = {}
    before = customers_json(demo_con, Filters(date_to=dt.date(2026, 4, 30), function=functions, kind=("survey",)), "segment")
    after = customers_json(demo_con, Filters(date_to=dt.date(2026, 10, 31), function=functions, kind=("survey",)), "segment")
    for b, a in zip(before, after):
        drop[b["group"]] = b["passive_share"] - a["passive_share"]
    assert drop["Premium"] > 0.025
    assert drop["Premium"] > max(drop["Consumer"], drop["Small business"]) + 0.015


def test_demo_long_standing_customers_with_recent_bad_experiences_are_on_the_contact_list(demo_con):
    everyone = contact_list(demo_con, Filters(), days=90, min_years=0)
    long_standing = contact_list(demo_con, Filters(), days=90)
    assert len(long_standing) > 100 and (long_standing["tenure_years"] >= 8).all()
    base = customers_json(demo_con, Filters(), by="tenure")
    share_of_base = sum(r["active"] for r in base if r["group"] == "8+ years") / sum(r["active"] for r in base)
    assert len(long_standing) / len(everyone) > share_of_base + 0.03


def test_briefing_section_on_the_tiny_store(tiny):
    from vocsrc.customer_base import briefing_section

    con = duckdb.connect(str(tiny), read_only=True)
    section = briefing_section(con, PERIOD)
    con.close()
    assert section.available and section.as_of == dt.date(2026, 6, 30)
    assert [b.band for b in section.bands] == ["promoter", "passive", "detractor", "unheard"]
    assert (section.heard_customers, section.active_customers, section.value_at_stake) == (3, 4, 300.0)
    assert "not a promise of cause" in section.caveat and section.footnote.startswith("n = 6")


def test_cli_import_builds_the_customer_base_summary(tmp_path):
    # The summary is built while the user waits for the import, not on the first page view.
    (tmp_path / "crm.csv").write_text(CUSTOMERS)
    db = tmp_path / "voc.duckdb"
    cache = tmp_path / "voc.duckdb.cache"
    out = _cli("import", str(tmp_path / "crm.csv"), "--mapping", "crm", db=db)
    assert out.returncode == 0, out.stderr
    built = list(cache.glob("customer_base-*.duckdb"))
    assert len(built) == 1
    con = duckdb.connect(str(built[0]), read_only=True)
    assert con.execute("SELECT count(*) FROM people").fetchall()[0][0] == 7
    con.close()
