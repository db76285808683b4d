"""The pack's charts, built once with the dashboard's own builders (``vocsrc.charts``), so the
page, the HTML, the PDF and the slides all draw the same definition with the same captions."""

from __future__ import annotations

import duckdb
import pandas as pd

from vocsrc import charts
from vocsrc.briefing.pack import ChartSpec, ComplaintsSection, ThemeImpact
from vocsrc.briefing.periods import Period, previous_period
from vocsrc.filters import Filters
from vocsrc.stats import MetricSummary, footnote, get_metric

TREND_PERIODS = 8
TOP_DRIVERS = 6


def distribution_chart(s: MetricSummary, period: str, freshness: str) -> ChartSpec:
    method = s.bands[0].share.method + " per band"
    caption = footnote(s.n, period, method, freshness)
    title = f"{get_metric(s.metric).label}: share in each band, {period}"
    return ChartSpec("distribution", title, charts.band_share_bars(s, caption, title), caption,
                     "Bar chart of the share of responses in each score band with 95% intervals.")


def migration_chart(migration: pd.DataFrame, metric: str, prev: str, cur: str, n_prev: int, n_cur: int,
                    freshness: str) -> ChartSpec:
    caption = footnote(n_cur, f"{prev} (n = {n_prev:,}) to {cur}", "two-proportion z test per band, 95%", freshness)
    title = f"How the bands moved, {prev} to {cur}"
    return ChartSpec("migration", title, charts.migration_chart(migration, metric, caption, title), caption,
                     "Each band's share in the previous period and this one; solid lines are beyond noise.")


def trend_chart(con: duckdb.DuckDBPyConnection, base: Filters, metric: str, p: Period,
                freshness: str) -> ChartSpec | None:
    """The last few periods of the pack's grain, so a step in the middle shows as a step."""
    from vocsrc.middle import period_distribution

    first = p
    for _ in range(TREND_PERIODS - 1):
        first = previous_period(first)
    frame = period_distribution(con, base.with_(date_from=first.start, date_to=p.end), metric, p.grain)
    if frame.empty or frame["period"].nunique() < 2:
        return None
    n = int(frame["count"].sum())
    caption = footnote(n, f"{first.label} to {p.label}", "share of responses per band; faded bars have n < 30",
                       freshness)
    title = f"{get_metric(metric).label}: the whole distribution by {p.grain}"
    return ChartSpec("trend", title, charts.distribution_over_time(frame, metric, caption, title), caption,
                     "Stacked bars of each period's score bands.")


def themes_chart(themes: list[ThemeImpact], metric: str, period: str, freshness: str) -> ChartSpec | None:
    if not themes:
        return None
    unit = themes[0].impact.unit
    df = pd.DataFrame([{"theme": t.theme.replace("_", " "), "impact": t.impact.value, "low": t.impact.low,
                        "high": t.impact.high, "n": t.mentions, "significant": t.significant} for t in themes])
    n = themes[0].impact.n
    caption = footnote(int(df["n"].sum()), period, themes[0].impact.method + "; faded = within noise", freshness)
    title = f"Themes by impact on {get_metric(metric).headline_label}, {period}"
    return ChartSpec("themes", title, charts.theme_impact(df, caption, unit=unit, title=title), caption,
                     f"Bars of each theme's impact; {n:,} responses mention the first theme.")


def complaints_chart(c: ComplaintsSection, prev: str, cur: str, freshness: str) -> ChartSpec | None:
    from vocsrc.charts.complaints import OTHER_LABEL, driver_volume_over_time

    if c is None or not c.drivers:
        return None
    top = {d.driver for d in sorted(c.drivers, key=lambda d: -(d.current + d.previous))[:TOP_DRIVERS]}
    rows = []
    for d in c.drivers:
        label = d.driver if d.driver in top else OTHER_LABEL
        rows += [{"period": prev, "driver": label, "count": d.previous}, {"period": cur, "driver": label, "count": d.current}]
    df = pd.DataFrame(rows).groupby(["period", "driver"], as_index=False)["count"].sum()
    caption = footnote(c.volume.n, f"{prev} and {cur}", "complaints received by category", freshness)
    title = f"Complaints by driver, {prev} and {cur}"
    return ChartSpec("complaints", title, driver_volume_over_time(df, caption, title), caption,
                     "Stacked bars of complaints per driver in the two periods.")
