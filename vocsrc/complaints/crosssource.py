"""One theme, three sources: complaint volume, survey impact and review stars side
by side, flagged where they disagree ("complaints rising, surveys silent").

Survey impact is the gap in mean score between responses whose comment carries
the theme and those whose comment does not, each response's score rescaled to
0-100 (NPS 0-10, CSAT 1-5, CES 1-7: the first the response has). Review impact is
the same gap in mean stars. Both are tested with Welch's z on the two means;
'silent' means the gap is not significantly below zero (or too few comments).
"""

from __future__ import annotations

import math

import duckdb
import pandas as pd

from vocsrc.complaints.signals import rising_drivers
from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import Filters
from vocsrc.stats import Z95
from vocsrc.store.schema import METRIC_SCALES

# First survey metric a response has, rescaled to 0-100 (scales from the schema, the one place they live).
SURVEY_SCORE = "coalesce(" + ", ".join(
    f"100.0 * ({m} - {lo}) / {hi - lo}" for m, (lo, hi) in METRIC_SCALES.items() if m != "stars") + ")"


COLUMNS = ["theme", "complaints", "survey_n", "survey_gap", "survey_z", "review_n", "review_gap", "review_z",
           "complaints_latest", "rising", "flag"]


def _gap_frame(con: duckdb.DuckDBPyConnection, filters: Filters, kind: str, score: str) -> pd.DataFrame:
    where, params = filters.where("f")
    return con.execute(
        f"""WITH r AS (SELECT f.text_hash, {score} AS score FROM feedback f
                       WHERE f.kind = ? AND f.text IS NOT NULL AND {where}),
                 r2 AS (SELECT * FROM r WHERE score IS NOT NULL),
                 tot AS (SELECT count(*) AS n, sum(score) AS s, sum(score * score) AS ss FROM r2),
                 per AS (SELECT t.theme, count(*) AS n, sum(score) AS s, sum(score * score) AS ss
                         FROM r2 JOIN (SELECT DISTINCT text_hash, theme FROM text_themes) t USING (text_hash)
                         GROUP BY 1)
            SELECT per.theme, per.n AS n_with, per.s AS s_with, per.ss AS ss_with,
                   tot.n - per.n AS n_without, tot.s - per.s AS s_without, tot.ss - per.ss AS ss_without
            FROM per, tot""", [kind, *params]).df()


def _welch(frame: pd.DataFrame) -> pd.DataFrame:
    def stats(n: float, s: float, ss: float) -> tuple[float, float]:
        if n < 1:
            return math.nan, math.nan
        mean = s / n
        var = max(ss / n - mean * mean, 0.0) * n / (n - 1) if n > 1 else math.nan
        return mean, var

    rows = []
    for r in frame.itertuples():
        mw, vw = stats(r.n_with, r.s_with, r.ss_with)
        mo, vo = stats(r.n_without, r.s_without, r.ss_without)
        se = math.sqrt(vw / r.n_with + vo / r.n_without) if r.n_with > 1 and r.n_without > 1 else math.nan
        gap = mw - mo
        z = gap / se if se and se > 0 else math.nan
        rows.append({"theme": r.theme, "n": int(r.n_with), "gap": gap, "z": z})
    return pd.DataFrame(rows, columns=["theme", "n", "gap", "z"])


def _silent(n: float, z: float) -> bool:
    return not (n >= MIN_N_SHARE and not math.isnan(z) and z <= -Z95)


def theme_cross_source(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """theme, complaints, complaints_latest, rising, survey n/gap/z, review n/gap/z, flag."""
    where, params = filters.where("f")
    comp = con.execute(
        f"""SELECT t.theme, count(DISTINCT f.feedback_id) AS complaints FROM feedback f
            JOIN text_themes t USING (text_hash) WHERE f.kind = 'complaint' AND {where} GROUP BY 1""",
        params).df()
    signals = {s.driver: s for s in rising_drivers(con, filters.with_(kind=()), driver="theme")}
    survey = _welch(_gap_frame(con, filters, "survey", SURVEY_SCORE)).add_prefix("survey_")
    review = _welch(_gap_frame(con, filters, "review", "(stars)")).add_prefix("review_")
    themes = sorted(set(comp["theme"]) | set(survey["survey_theme"]) | set(review["review_theme"]))
    if not themes:  # no theme-tagged texts (e.g. a store not yet scored)
        return pd.DataFrame(columns=COLUMNS)
    out = pd.DataFrame({"theme": themes})
    for part in (comp, survey, review):
        part[part.columns[0]] = part[part.columns[0]].astype(object)
    out = out.merge(comp, on="theme", how="left")
    out = out.merge(survey.rename(columns={"survey_theme": "theme"}), on="theme", how="left")
    out = out.merge(review.rename(columns={"review_theme": "theme"}), on="theme", how="left")
    out["complaints"] = out["complaints"].fillna(0).astype(int)
    out["complaints_latest"] = [signals[t].recent if t in signals else 0 for t in out["theme"]]
    out["rising"] = [bool(signals[t].flagged) if t in signals else False for t in out["theme"]]
    flags = []
    for r in out.itertuples():
        sv_silent = _silent(r.survey_n if pd.notna(r.survey_n) else 0, r.survey_z if pd.notna(r.survey_z) else math.nan)
        rv_silent = _silent(r.review_n if pd.notna(r.review_n) else 0, r.review_z if pd.notna(r.review_z) else math.nan)
        f = []
        if r.rising and sv_silent:
            f.append("complaints rising, surveys silent")
        if r.rising and rv_silent:
            f.append("complaints rising, reviews silent")
        if not r.rising and not sv_silent and r.complaints == 0:
            f.append("surveys hurt, no complaints")
        if not r.rising and not rv_silent and r.complaints == 0:
            f.append("reviews hurt, no complaints")
        flags.append("; ".join(f))
    out["flag"] = flags
    return out[COLUMNS].sort_values(["complaints", "theme"], ascending=[False, True]).reset_index(drop=True)
