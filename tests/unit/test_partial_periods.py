"""Periods the data covers only in part: found, named in captions, labelled on the heat map."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from vocsrc.briefing.periods import partial_note, partial_periods
from vocsrc.charts.themes import theme_heatmap
from vocsrc.filters import Filters

FIRST, LAST = dt.date(2024, 11, 1), dt.date(2026, 10, 31)


def test_periods_cut_by_the_first_or_last_day_are_partial() -> None:
    quarters = ["2024-Q4", "2025-Q1", "2026-Q3", "2026-Q4"]
    assert partial_periods(quarters, FIRST, LAST) == ["2024-Q4", "2026-Q4"]
    # whole months at both ends; functions and sources are never periods
    assert partial_periods(["2024-11", "2026-10", "Billing", "(not given)"], FIRST, LAST) == []
    assert partial_periods(["2026-10"], FIRST, dt.date(2026, 10, 30)) == ["2026-10"]
    assert partial_periods(["2025-01"], dt.date(2025, 1, 2), LAST) == ["2025-01"]
    assert partial_periods(quarters, None, None) == []


def test_the_note_names_the_periods_and_the_data_window() -> None:
    assert partial_note([], FIRST, LAST) == ""
    assert partial_note(["2026-Q4"], FIRST, LAST) == "2026-Q4 is partial: the data runs 2024-11-01 to 2026-10-31"
    assert partial_note(["2024-Q4", "2026-Q4"], FIRST, LAST).startswith("2024-Q4 and 2026-Q4 are partial")


def test_the_window_is_the_filter_within_the_data() -> None:
    assert Filters().window(FIRST, LAST) == (FIRST, LAST)
    wide = Filters(date_from=dt.date(2020, 1, 1), date_to=dt.date(2030, 1, 1))
    assert wide.window(FIRST, LAST) == (FIRST, LAST)
    narrow = Filters(date_from=dt.date(2025, 2, 15), date_to=dt.date(2025, 8, 31))
    assert narrow.window(FIRST, LAST) == (dt.date(2025, 2, 15), dt.date(2025, 8, 31))
    assert partial_periods(["2025-Q1", "2025-Q2", "2025-Q3"], *narrow.window(FIRST, LAST)) == ["2025-Q1", "2025-Q3"]
    assert Filters().window(None, None) == (None, None)


def test_the_heat_map_labels_partial_periods() -> None:
    frame = pd.DataFrame({"theme": ["refunds"] * 3, "group": ["2026-Q2", "2026-Q3", "2026-Q4"],
                          "mentions": [40, 42, 9], "labelled": [40, 42, 9], "share_negative": [0.5, 0.4, 0.3],
                          "share_positive": [0.2, 0.3, 0.4], "solid": [True, True, False]})
    spec = theme_heatmap(frame, "n = 91", partial=["2026-Q4"]).to_dict()
    groups = [row["group"] for row in spec["datasets"][next(iter(spec["datasets"]))]]
    assert groups == ["2026-Q2", "2026-Q3", "2026-Q4 (partial)"]
    assert spec["layer"][0]["encoding"]["x"]["sort"] == groups


def test_years_and_the_complaints_chart() -> None:
    from vocsrc.charts.complaints import driver_volume_over_time

    assert partial_periods(["2024", "2025", "2026"], FIRST, LAST) == ["2024", "2026"]
    frame = pd.DataFrame({"period": ["2026-09", "2026-10", "2026-09"], "driver": ["Fees", "Fees", "Card"],
                          "count": [30, 4, 12]})
    spec = driver_volume_over_time(frame, "n = 46", partial=["2026-10"]).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["2026-09", "2026-10 (partial)"]


def test_the_monthly_volume_chart_labels_partial_months() -> None:
    from vocsrc.charts.trends import volume_by_month

    frame = pd.DataFrame({"month": pd.to_datetime(["2026-09-01", "2026-10-01", "2026-10-01"]),
                          "kind": ["survey", "survey", "review"], "count": [300, 120, 40]})
    spec = volume_by_month(frame, "n = 460", partial=["2026-10"]).to_dict()
    assert spec["encoding"]["x"]["sort"] == ["Sep 2026", "Oct 2026 (partial)"]
    assert volume_by_month(frame, "n = 460").to_dict()["encoding"]["x"]["sort"] == ["Sep 2026", "Oct 2026"]
