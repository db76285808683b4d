"""Score distributions from the store, aggregated in DuckDB, summarised by ``stats``.

The only SQL here is GROUP BY over allow-listed columns; every value a user
chose arrives through ``Filters.where()`` as a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc import rollup
from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import DIMENSIONS, Filters
from vocsrc.stats import SENTIMENT_TOP_BOX_AT, MetricSummary, get_metric, summarize

SCORE_COLUMNS = {"nps": "nps", "csat": "csat", "ces": "ces", "stars": "stars"}
# Grouping keys a caller may ask for: store dimensions plus calendar periods.
PERIODS = {"month": "strftime(received_at, '%Y-%m')",
           "quarter": "strftime(received_at, '%Y') || '-Q' || quarter(received_at)::VARCHAR",
           "year": "strftime(received_at, '%Y')"}
GROUPS = {**{d: d for d in DIMENSIONS}, **PERIODS}
TEXT_SCORES = {"cx": ("cx_compound", "cx_label"), "vader": ("vader_compound", "label")}
METHOD_NOTE = {
    "cx": "text sentiment: VADER with the CX-aware layer, sentence-combined",
    "vader": "text sentiment: raw VADER compound",
}


def group_expr(by: str | None) -> str:
    if by is None:
        return "'All'"
    if by not in GROUPS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(GROUPS)}")
    return f"coalesce({GROUPS[by]}, '(not given)')"


TOP_FLAGS = {"cx": "cx_top", "vader": "vader_top"}


def _score_sql(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
               text_score: str) -> tuple[str, str, str, str]:
    """(table, score expression, row count, sentiment top-box count) for this metric and filter."""
    if metric not in SCORE_COLUMNS and metric != "sentiment":
        raise ValueError(f"unknown metric {metric!r}")
    table, count = rollup.relation(con, filters, scored=metric == "sentiment")
    if metric in SCORE_COLUMNS:
        return table, SCORE_COLUMNS[metric], count, "0"
    compound, label = TEXT_SCORES[text_score]
    top = (f"{count} FILTER (WHERE {TOP_FLAGS[text_score]})" if table == "cube"
           else f"count(*) FILTER (WHERE {compound} >= {SENTIMENT_TOP_BOX_AT})")
    return table, label, count, top


def distribution(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, by: str | None = None,
                 period: str | None = None, text_score: str = "cx") -> pd.DataFrame:
    """Counts per (group, period, score): the one query every summary is made from."""
    table, score, count, _ = _score_sql(con, filters, metric, text_score)
    where, params = filters.where()
    per = group_expr(period) if period else "'All'"
    return con.execute(
        f"""SELECT {group_expr(by)} AS grp, {per} AS period, {score} AS score, {count}::BIGINT AS n
            FROM {table} WHERE {where} AND {score} IS NOT NULL
            GROUP BY ALL ORDER BY grp, period, score""", params).df()


def _top_boxes(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None, period: str | None,
               text_score: str) -> dict[tuple[str, str], int]:
    table, score, _, top = _score_sql(con, filters, "sentiment", text_score)
    where, params = filters.where()
    per = group_expr(period) if period else "'All'"
    rows = con.execute(
        f"""SELECT {group_expr(by)}, {per}, {top} FROM {table}
            WHERE {where} AND {score} IS NOT NULL GROUP BY ALL""", params).fetchall()
    return {(g, p): int(t or 0) for g, p, t in rows}


@dataclass(frozen=True)
class GroupSummary:
    group: str
    period: str
    summary: MetricSummary


def summaries(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, by: str | None = None,
              period: str | None = None, text_score: str = "cx",
              min_n: int = MIN_N_SHARE) -> list[GroupSummary]:
    """A MetricSummary per group (and period), ordered by group then period."""
    frame = distribution(con, filters, metric, by, period, text_score)
    tops = _top_boxes(con, filters, by, period, text_score) if metric == "sentiment" else {}
    out: list[GroupSummary] = []
    for (grp, per), part in frame.groupby(["grp", "period"], sort=True):
        scores = part["score"].tolist()
        if metric != "sentiment":
            scores = [int(s) for s in scores]
        dist = dict(zip(scores, part["n"].astype(int).tolist()))
        summary = summarize(metric, dist, min_n=min_n, top_box_count=tops.get((grp, per)))
        out.append(GroupSummary(str(grp), str(per), summary))
    return out


def metrics_json(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, by: str | None = None,
                 text_score: str = "cx") -> list[dict]:
    """What ``python -m vocsrc metrics --json`` prints: one object per group."""
    get_metric(metric)
    rows = []
    for g in summaries(con, filters, metric, by=by, text_score=text_score):
        s = g.summary
        head = s.headline
        rows.append({
            "group": g.group, "n": s.n, "metric": metric, "headline": head.value,
            "headline_label": head.label, "low": head.low, "high": head.high, "unit": head.unit,
            "method": head.method, "solid": s.solid,
            "bands": {b.key: b.share.value for b in s.bands},
            "band_intervals": {b.key: [b.share.low, b.share.high] for b in s.bands},
            "really_happy": s.really_happy.value if s.really_happy else None,
            "mean": s.mean, "sd": s.sd,
        })
    return rows
