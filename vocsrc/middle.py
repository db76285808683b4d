"""Move the middle: the middle band split by what its comments say, score-versus-text
groups, period comparisons and theme over-representation.

Each function aggregates in DuckDB and returns small frames or plain values;
verbatim samples are bounded and reproducible (ordered by a seeded hash).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc import rollup
from vocsrc.filters import Filters
from vocsrc.metrics import GROUPS, TEXT_SCORES, group_expr
from vocsrc.stats import benjamini_hochberg, get_metric, two_share_test

# Score ranges per metric, by band: SQL conditions built from the stats definitions.
SCORED = ("nps", "csat", "ces", "stars")


def band_condition(metric: str, band: str) -> str:
    m = get_metric(metric)
    scores = m.band(band).scores
    return f"{metric} BETWEEN {min(scores)} AND {max(scores)}"


def _lean_case(text_score: str) -> str:
    _, label = TEXT_SCORES[text_score]
    return (f"CASE {label} WHEN 'positive' THEN 'leaning up' WHEN 'negative' THEN 'leaning down' "
            f"ELSE 'no clear lean' END")


def period_distribution(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
                        period: str = "month") -> pd.DataFrame:
    """period, score, count for the 100%-stacked distribution chart."""
    from vocsrc.metrics import distribution

    frame = distribution(con, filters, metric, period=period)
    return frame.rename(columns={"n": "count"})[["period", "score", "count"]]


def available_periods(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
                      period: str = "month") -> list[str]:
    frame = period_distribution(con, filters, metric, period)
    return sorted(frame["period"].unique().tolist())


def in_period(filters: Filters, period: str, value: str) -> Filters:
    """Narrow filters to one calendar period label such as '2026-03' or '2026-Q1'."""
    import datetime as dt

    if period == "month":
        y, m = map(int, value.split("-"))
        start = dt.date(y, m, 1)
        end = (dt.date(y + m // 12, m % 12 + 1, 1)) - dt.timedelta(days=1)
    elif period == "quarter":
        y, q = int(value[:4]), int(value[-1])
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    elif period == "year":
        start, end = dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
    else:
        raise ValueError(f"unknown period {period!r}")
    lo = max(start, filters.date_from) if filters.date_from else start
    hi = min(end, filters.date_to) if filters.date_to else end
    return filters.with_(date_from=lo, date_to=hi)


@dataclass(frozen=True)
class MiddleSplit:
    metric: str
    band: str
    counts: dict[str, int]  # lean -> responses with text
    n_middle: int  # all middle responses, with or without text
    n_with_text: int


def movable_middle(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str,
                   text_score: str = "cx") -> MiddleSplit:
    """The middle band (passives, 3 stars, CSAT 3, CES 4) split by its comments' sentiment."""
    m = get_metric(metric)
    where, params = filters.where()
    cond = band_condition(metric, m.middle)
    table, count = rollup.relation(con, filters, scored=True)
    rows = con.execute(
        f"""SELECT {_lean_case(text_score)} AS lean, {count} FROM {table}
            WHERE {where} AND {cond} AND {TEXT_SCORES[text_score][1]} IS NOT NULL
            GROUP BY 1""", params).fetchall()
    n_middle = con.execute(f"SELECT coalesce({count}, 0) FROM {table} WHERE {where} AND {cond}",
                           params).fetchone()[0]
    counts = {"leaning up": 0, "no clear lean": 0, "leaning down": 0}
    counts.update({k: int(v) for k, v in rows})
    return MiddleSplit(metric, m.middle, counts, int(n_middle), sum(counts.values()))


def verbatims(con: duckdb.DuckDBPyConnection, filters: Filters, condition: str, limit: int = 8,
              seed: int = 7, text_score: str = "cx", lean: str | None = None) -> pd.DataFrame:
    """A reproducible sample of comments matching a condition built here (never from user text)."""
    where, params = filters.where()
    compound, label = TEXT_SCORES[text_score]
    lean_sql = ""
    if lean:
        lean_sql = f" AND {label} = ?"
    table = rollup.verbatim_source(con, filters)
    return con.execute(
        f"""SELECT received_at::DATE AS date, source, function, nps, csat, ces, stars,
                   round({compound}, 2) AS sentiment, text, neg_sentence, pos_sentence
            FROM {table} WHERE {where} AND {condition} AND text IS NOT NULL{lean_sql}
            ORDER BY hash(feedback_id || ?::VARCHAR) LIMIT ?""",
        [*params, *([lean] if lean else []), seed, limit]).df()


# Score-versus-text groups (methodology note): name -> (condition, text label).
DISAGREEMENTS = {
    "at risk: promoters with negative text": ("nps >= 9", "negative"),
    "at risk: 4-5 star reviews with negative text": ("stars >= 4", "negative"),
    "hidden detractors: 3-star reviews with negative text": ("stars = 3", "negative"),
    "easy lifts: passives with positive text": ("nps BETWEEN 7 AND 8", "positive"),
    "easy lifts: 3-star reviews with positive text": ("stars = 3", "positive"),
    "easy lifts: CSAT 3 with positive text": ("csat = 3", "positive"),
}


def score_vs_text(con: duckdb.DuckDBPyConnection, filters: Filters, text_score: str = "cx",
                  period: str = "month") -> pd.DataFrame:
    """group, period, count, base (responses with text in the score range), share."""
    where, params = filters.where()
    _, label = TEXT_SCORES[text_score]
    table, count = rollup.relation(con, filters, scored=True)
    parts = []
    for name, (cond, want) in DISAGREEMENTS.items():
        parts.append(
            f"""SELECT '{name}' AS "group", {group_expr(period)} AS period,
                       coalesce({count} FILTER (WHERE {label} = '{want}'), 0)::BIGINT AS count,
                       {count}::BIGINT AS base
                FROM {table} WHERE {where} AND {cond} AND {label} IS NOT NULL GROUP BY ALL""")
    frame = con.execute(" UNION ALL ".join(parts), params * len(parts)).df()
    frame["share"] = frame["count"] / frame["base"].where(frame["base"] > 0)
    return frame.sort_values(["group", "period"]).reset_index(drop=True)


def middle_themes(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str = "nps",
                  min_count: int = 10, q: float = 0.05) -> pd.DataFrame:
    """Themes mentioned more by the middle than by the top band, tested and BH-controlled."""
    m = get_metric(metric)
    top = m.bands[-1].key
    where, params = filters.where()
    mid_c, top_c = band_condition(metric, m.middle), band_condition(metric, top)
    cube = rollup.themes_relation(con, filters)
    if cube:
        frame = con.execute(
            f"""SELECT theme, coalesce(sum(rows) FILTER (WHERE {mid_c}), 0) AS middle_count,
                       coalesce(sum(rows) FILTER (WHERE {top_c}), 0) AS top_count
                FROM {cube} WHERE {where} GROUP BY 1""", params).df()
        totals = con.execute(
            f"""SELECT coalesce(sum(with_text) FILTER (WHERE {mid_c}), 0),
                       coalesce(sum(with_text) FILTER (WHERE {top_c}), 0) FROM cube WHERE {where}""",
            params).fetchone()
    else:
        frame = con.execute(
            f"""WITH base AS (
                    SELECT text_hash, CASE WHEN {mid_c} THEN 'middle' WHEN {top_c} THEN 'top' END AS grp
                    FROM feedback WHERE {where} AND text IS NOT NULL)
                SELECT t.theme,
                       count(*) FILTER (WHERE b.grp = 'middle') AS middle_count,
                       count(*) FILTER (WHERE b.grp = 'top') AS top_count
                FROM base b JOIN text_themes t USING (text_hash) WHERE b.grp IS NOT NULL
                GROUP BY 1""", params).df()
        totals = con.execute(
            f"""SELECT count(*) FILTER (WHERE {mid_c}), count(*) FILTER (WHERE {top_c})
                FROM feedback WHERE {where} AND text IS NOT NULL""", params).fetchone()
    n_mid, n_top = int(totals[0]), int(totals[1])
    if frame.empty or not n_mid or not n_top:
        return frame.assign(middle_share=[], top_share=[], difference=[], p_value=[], over_represented=[])
    frame = frame[(frame["middle_count"] + frame["top_count"]) >= min_count].copy()
    tests = [two_share_test(int(r.top_count), n_top, int(r.middle_count), n_mid) for r in frame.itertuples()]
    frame["middle_share"] = frame["middle_count"] / n_mid
    frame["top_share"] = frame["top_count"] / n_top
    frame["difference"] = frame["middle_share"] - frame["top_share"]
    frame["p_value"] = [t.p_value for t in tests]
    flags = benjamini_hochberg(frame["p_value"].tolist(), q=q) if len(frame) else []
    frame["over_represented"] = [f and d > 0 for f, d in zip(flags, frame["difference"])]
    frame["n_middle"], frame["n_top"] = n_mid, n_top
    return frame.sort_values("difference", ascending=False).reset_index(drop=True)


def segment_dimensions() -> list[str]:
    return [d for d in ("function", "channel", "product", "region", "source") if d in GROUPS]


@dataclass(frozen=True)
class PeriodComparison:
    """Two periods of one metric: summaries, the migration frame and plain-language verdicts."""

    metric: str
    period_a: str
    period_b: str
    a: object  # MetricSummary
    b: object
    migration: pd.DataFrame  # period, score, count for exactly the two periods
    sentences: tuple[str, ...]


def compare_periods(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, period: str,
                    a: str, b: str) -> PeriodComparison:
    """Calendar period a against period b (labels such as '2026-Q1' or '2026-03')."""
    return compare_ranges(con, in_period(filters, period, a), in_period(filters, period, b), metric, a, b)


def compare_ranges(con: duckdb.DuckDBPyConnection, fa: Filters, fb: Filters, metric: str,
                   a: str = "before", b: str = "after") -> PeriodComparison:
    """Two selections of one metric: headline change, each band's change, honest verdicts."""
    from vocsrc.metrics import summaries
    from vocsrc.stats import (decompose_nps_change, describe_band_change, describe_nps_change,
                              describe_share_change, two_share_test)

    m = get_metric(metric)
    sa = summaries(con, fa, metric)
    sb = summaries(con, fb, metric)
    if not sa or not sb:
        return PeriodComparison(metric, a, b, None, None, pd.DataFrame(columns=["period", "score", "count"]),
                                ("One of the two periods has no responses for this metric.",))
    sum_a, sum_b = sa[0].summary, sb[0].summary
    sentences: list[str] = []
    if m.headline == "nps":
        dec = decompose_nps_change(sum_a.distribution, sum_b.distribution)
        sentences.append(describe_nps_change(dec))
        sentences += [describe_band_change(bc, dec) for bc in dec.bands]
    else:
        for band in m.bands:
            ca, cb = sum_a.band(band.key).count, sum_b.band(band.key).count
            change = two_share_test(ca, sum_a.n, cb, sum_b.n)
            sentences.append(describe_share_change(change, what=f"were {band.label.lower()}"))
    if sum_a.really_happy and sum_b.really_happy:
        ra, rb = sum_a.really_happy, sum_b.really_happy
        change = two_share_test(round(ra.value * ra.n), ra.n, round(rb.value * rb.n), rb.n)
        sentences.append(describe_share_change(change, what=f"of responses were really happy ({m.top_box_label})"))
    rows = [{"period": label, "score": score, "count": count}
            for label, s in ((a, sum_a), (b, sum_b)) for score, count in s.distribution.items()]
    return PeriodComparison(metric, a, b, sum_a, sum_b, pd.DataFrame(rows), tuple(sentences))


def total_distribution(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str) -> dict:
    """score -> count over the whole selection (for headroom)."""
    from vocsrc.metrics import distribution

    frame = distribution(con, filters, metric)
    return {(s if metric == "sentiment" else int(s)): int(n) for s, n in zip(frame["score"], frame["n"])}


def disagreement_totals(frame: pd.DataFrame) -> pd.DataFrame:
    """Per score-versus-text group over all periods: count, base and share."""
    totals = frame.groupby("group")[["count", "base"]].sum()
    totals["share"] = totals["count"] / totals["base"].where(totals["base"] > 0)
    return totals.reindex([g for g in DISAGREEMENTS if g in totals.index])


def short_label(group: str) -> str:
    """'easy lifts: CSAT 3 with positive text' -> 'CSAT 3 with positive text'."""
    text = group.split(": ", 1)[-1]
    return text[:1].upper() + text[1:]


def step_change(con: duckdb.DuckDBPyConnection, filters: Filters, metric: str, band: str | None = None,
                window: int = 6, z: float = 1.96) -> pd.DataFrame:
    """For each month, the band's share in the ``window`` months from it against the ``window``
    months before it: where did the middle step up or down, and is the step beyond noise?

    A two-proportion z test per candidate month, Benjamini-Hochberg across the months scanned.
    """
    m = get_metric(metric)
    band = band or m.middle
    where, params = filters.where()
    table, count = rollup.relation(con, filters)
    monthly = con.execute(
        f"""SELECT strftime(received_at, '%Y-%m') AS month,
                   coalesce({count} FILTER (WHERE {band_condition(metric, band)}), 0) AS k, {count} AS n
            FROM {table} WHERE {where} AND {metric} IS NOT NULL AND received_at IS NOT NULL
            GROUP BY 1 ORDER BY 1""", params).fetchall()
    rows = []
    for i in range(window, len(monthly) - window + 1):
        before, after = monthly[i - window:i], monthly[i:i + window]
        kb, nb = sum(r[1] for r in before), sum(r[2] for r in before)
        ka, na = sum(r[1] for r in after), sum(r[2] for r in after)
        t = two_share_test(kb, nb, ka, na, z=z)
        rows.append({"month": monthly[i][0], "share_before": t.share_a, "share_after": t.share_b,
                     "change": t.diff, "z": t.z, "p_value": t.p_value, "n_before": nb, "n_after": na})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["beyond_noise"] = benjamini_hochberg(frame["p_value"].tolist())
    frame["band"] = band
    return frame


def describe_steps(steps: pd.DataFrame, metric: str, limit: int = 3) -> list[str]:
    """Plain sentences for the biggest steps in the middle that are beyond noise."""
    from vocsrc.stats.sentences import fmt_pct

    if steps.empty:
        return []
    m = get_metric(metric)
    label = m.band(steps["band"].iloc[0]).label
    order = steps["change"].abs().sort_values(ascending=False).index
    real = steps.loc[order]
    real = real[real["beyond_noise"].astype(bool)].head(limit)
    return [f"From {r.month}, {label.lower()} {'rose' if r.change > 0 else 'fell'} from "
            f"{fmt_pct(r.share_before)} to {fmt_pct(r.share_after)} (six months after against six before, "
            f"n = {r.n_before:,} and {r.n_after:,}), beyond noise." for r in real.itertuples()]


def period_is_complete(period: str, value: str, latest) -> bool:
    """Has the data reached the end of this calendar period? A part period compares badly."""
    if latest is None:
        return True
    end = in_period(Filters(), period, value).date_to
    return end is not None and end <= latest


def default_pair(periods: list[str], period: str, latest) -> tuple[int, int]:
    """Indexes of the two periods to compare first: the last two complete ones."""
    complete = [i for i, p in enumerate(periods) if period_is_complete(period, p, latest)]
    if len(complete) >= 2:
        return complete[-2], complete[-1]
    return max(len(periods) - 2, 0), len(periods) - 1
