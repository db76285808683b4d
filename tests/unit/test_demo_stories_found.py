"""The demo's planted stories are found by the functions the pages use, with honest statistics."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from vocsrc import middle, segments
from vocsrc.demo import STORIES
from vocsrc.filters import Filters


@pytest.fixture(scope="module")
def con(demo_store):
    c = duckdb.connect(str(demo_store(0.5)), read_only=True)
    yield c
    c.close()


def _months(first: str, last: str) -> tuple[dt.date, dt.date]:
    y1, m1 = map(int, first.split("-"))
    y2, m2 = map(int, last.split("-"))
    end = dt.date(y2 + m2 // 12, m2 % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(y1, m1, 1), end


def test_slipping_middle_while_nps_holds(con):
    f = Filters(function=("Deliveries",), kind=("survey",))
    before = f.with_(date_from=dt.date(2025, 11, 1), date_to=dt.date(2026, 4, 30))
    after = f.with_(date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 10, 31))
    cmp = middle.compare_ranges(con, before, after, "nps")
    text = " ".join(cmp.sentences)
    assert "Passives fell" in text and "beyond noise" in text.split("Passives fell")[1].split(".")[0]
    assert cmp.sentences[0].startswith("NPS") and "within noise" in cmp.sentences[0]
    assert cmp.a.band("passive").share.value - cmp.b.band("passive").share.value > 0.06
    # The same function's NPS stays flat where a headline-only view would see nothing.
    assert abs(cmp.a.headline.value - cmp.b.headline.value) < 5


def test_month_passives_moved_up_after_the_fix(con):
    steps = middle.step_change(con, Filters(function=("Online & app",), kind=("survey",)), "nps")
    biggest = steps.loc[steps["change"].idxmin()]
    assert biggest["month"] == "2026-03" and bool(biggest["beyond_noise"])
    promoters = middle.step_change(con, Filters(function=("Online & app",), kind=("survey",)), "nps", "promoter")
    assert promoters.loc[promoters["change"].idxmax(), "month"] == "2026-03"


def test_reviews_whose_text_disagrees_with_stars(con):
    frame = middle.score_vs_text(con, Filters(), "cx", "quarter")
    totals = middle.disagreement_totals(frame)
    assert totals.loc["at risk: 4-5 star reviews with negative text", "count"] >= 150
    assert totals.loc["hidden detractors: 3-star reviews with negative text", "count"] >= 100
    assert totals.loc["easy lifts: 3-star reviews with positive text", "count"] >= 100


def test_segment_scan_flags_deliveries_middle(con):
    recent = Filters(kind=("survey",), date_from=dt.date(2026, 5, 1), date_to=dt.date(2026, 10, 31))
    table = segments.segment_table(con, recent, "nps", "function").set_index("group")
    # Deliveries now has the thinnest middle of all functions.
    assert table["middle_share"].idxmin() == "Deliveries"


def test_stories_are_described_for_tests_and_docs():
    assert {"middle_slips", "app_fix", "broken_callbacks", "text_disagrees"} <= set(STORIES)
