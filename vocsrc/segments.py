"""Segments side by side: each group against the rest, and each period against the one before,
with Benjamini-Hochberg across every group scanned so a wall of tests does not cry wolf."""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from vocsrc.config import MIN_N_COMPARE
from vocsrc.filters import Filters
from vocsrc.metrics import distribution, summaries
from vocsrc.stats import MetricSummary, benjamini_hochberg, get_metric, nps_change_test, summarize, two_share_test


def _test(metric: str, a: MetricSummary, b: MetricSummary):
    """Change from a to b in the headline: adjusted-Wald z for NPS, two-share z otherwise."""
    m = get_metric(metric)
    if m.headline == "nps":
        t = nps_change_test(a.nps, b.nps)
        return t.p_value, t.significant, t.solid
    keys = m.headline_bands
    ka = sum(bs.count for bs in a.bands if bs.key in keys)
    kb = sum(bs.count for bs in b.bands if bs.key in keys)
    t = two_share_test(ka, a.n, kb, b.n)
    return t.p_value, t.significant, t.solid


def _lean(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, dim: str) -> dict[str, float]:
    """(up - down) / middle responses with text, per group: which way the middle leans."""
    from vocsrc.middle import band_condition
    from vocsrc.metrics import group_expr

    from vocsrc import rollup

    m = get_metric(metric)
    where, params = filters.where()
    table, count = rollup.relation(con, filters, scored=True)
    rows = con.execute(
        f"""SELECT {group_expr(dim)}, coalesce({count} FILTER (WHERE cx_label = 'positive'), 0),
                   coalesce({count} FILTER (WHERE cx_label = 'negative'), 0), {count}
            FROM {table} WHERE {where} AND {band_condition(metric, m.middle)} AND cx_label IS NOT NULL
            GROUP BY 1""", params).fetchall()
    return {g: (up - down) / n if n else math.nan for g, up, down, n in rows}


def segment_table(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, dim: str,
                  q: float = 0.05) -> pd.DataFrame:
    """One row per group: headline with interval, middle share, lean, and group-vs-rest verdict."""
    m = get_metric(metric)
    groups = summaries(con, filters, metric, by=dim)
    total: dict = {}
    for g in groups:
        for score, count in g.summary.distribution.items():
            total[score] = total.get(score, 0) + count
    leans = _lean(con, filters, metric, dim)
    rows = []
    for g in groups:
        s = g.summary
        rest = {k: total[k] - s.distribution.get(k, 0) for k in total}
        p, _, solid = _test(metric, summarize(metric, rest), s) if sum(rest.values()) else (math.nan, False, False)
        middle = s.band(m.middle)
        rows.append({
            "group": g.group, "n": s.n, "headline": s.headline.value, "low": s.headline.low,
            "high": s.headline.high, "unit": s.headline.unit, "middle_share": middle.share.value,
            "really_happy": s.really_happy.value if s.really_happy else math.nan,
            "lean": leans.get(g.group, math.nan), "p_value": p, "testable": solid, "solid": s.solid,
        })
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    testable = frame["testable"] & frame["p_value"].notna()
    flags = benjamini_hochberg(frame.loc[testable, "p_value"].tolist(), q=q) if testable.any() else []
    frame["differs_from_rest"] = False
    if testable.any():
        frame.loc[testable, "differs_from_rest"] = flags
    return frame


def segment_trends(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, dim: str,
                   period: str = "quarter", q: float = 0.05, max_groups: int = 12) -> pd.DataFrame:
    """segment, period, value, low, high, n, solid, signal: the small multiples' data.

    ``signal`` marks a period whose change from the previous one survives BH across
    every (segment, period) pair tested.
    """
    groups = summaries(con, filters, metric, by=dim, period=period)
    by_seg: dict[str, list] = {}
    for g in groups:
        by_seg.setdefault(g.group, []).append(g)
    biggest = sorted(by_seg, key=lambda k: -sum(x.summary.n for x in by_seg[k]))[:max_groups]
    rows, tests = [], []
    for seg in sorted(biggest):
        series = sorted(by_seg[seg], key=lambda x: x.period)
        for i, g in enumerate(series):
            h = g.summary.headline
            rows.append({"segment": seg, "period": g.period, "value": h.value, "low": h.low, "high": h.high,
                         "n": g.summary.n, "solid": g.summary.solid, "signal": ""})
            if i and min(series[i - 1].summary.n, g.summary.n) >= MIN_N_COMPARE:
                p, _, _ = _test(metric, series[i - 1].summary, g.summary)
                tests.append((len(rows) - 1, p, h.value - series[i - 1].summary.headline.value))
    if tests:
        flags = benjamini_hochberg([t[1] for t in tests], q=q)
        for (idx, _, diff), flag in zip(tests, flags):
            if flag:
                rows[idx]["signal"] = "up" if diff > 0 else "down"
    return pd.DataFrame(rows)


def overall_distribution(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str) -> dict:
    frame = distribution(con, filters, metric)
    return dict(zip(frame["score"], frame["n"].astype(int)))


DIMENSIONS_COMPARED = ("function", "channel", "product", "region", "source")
SORTS = {"Middle share": ("middle_share", False), "Lean of the middle": ("lean", True),
         "Headline": ("headline", False), "Responses": ("n", False)}


def sorted_table(table: pd.DataFrame, order: str) -> pd.DataFrame:
    """The segment table in a chosen order, with presentation columns only."""
    column, ascending = SORTS[order]
    shown = table.sort_values(column, ascending=ascending, na_position="last")
    shown = shown.assign(differs=shown["differs_from_rest"].map({True: "yes", False: "no"})
                         .where(shown["testable"], "too few to test"))
    return shown[["group", "n", "headline", "low", "high", "middle_share", "really_happy", "lean", "differs", "solid"]]

