"""Theme queries for the Themes page: volume and sentiment per theme, impact on NPS,
balanced verbatims and a bounded sample for discovering new themes.

Like ``vocsrc.middle``: DuckDB aggregates, user choices arrive as bound
parameters (``Filters.where()``, the theme key, seeds), and grouping columns
come only from the allow-list in ``vocsrc.metrics.GROUPS``. A comment counts
once per theme it mentions, however many of the theme's phrases it uses.
Sentiment is the CX-aware label throughout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import Filters
from vocsrc.metrics import group_expr
from vocsrc.stats import benjamini_hochberg, nps_change_test
from vocsrc.themes.bank import ThemeBank

# Breakdowns the page offers (each a key of vocsrc.metrics.GROUPS).
BREAKDOWNS = ("quarter", "month", "function", "source")
# One row per (comment, theme): the tagger never repeats a theme for a text, but a
# rescore interrupted between its DELETE and INSERT must not double-count either.
_TAGGED = "(SELECT DISTINCT text_hash, theme FROM text_themes)"


def theme_volume(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None) -> pd.DataFrame:
    """Per theme and group: comments mentioning it, and how many of those read negative/positive.

    Columns: theme, group, mentions, negative, positive, labelled (mentions with a
    sentiment label, the base of the shares), comments (all comments in the group),
    share_negative, share_positive, share_of_comments, solid (labelled >= MIN_N_SHARE).
    """
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"cannot break themes down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    where, params = filters.where()
    frame = con.execute(
        f"""WITH base AS (SELECT text_hash, {group_expr(by)} AS grp, cx_label FROM feedback_scored
                          WHERE {where} AND text IS NOT NULL),
                 tot AS (SELECT grp, count(*) AS comments FROM base GROUP BY 1)
            SELECT t.theme, b.grp AS "group", count(*) AS mentions,
                   count(*) FILTER (WHERE b.cx_label = 'negative') AS negative,
                   count(*) FILTER (WHERE b.cx_label = 'positive') AS positive,
                   count(b.cx_label) AS labelled, any_value(tot.comments) AS comments
            FROM base b JOIN {_TAGGED} t USING (text_hash) JOIN tot USING (grp)
            GROUP BY 1, 2 ORDER BY 1, 2""", params).df()
    for col in ("mentions", "negative", "positive", "labelled", "comments"):
        frame[col] = frame[col].astype("int64")
    base = frame["labelled"].where(frame["labelled"] > 0)
    frame["share_negative"] = frame["negative"] / base
    frame["share_positive"] = frame["positive"] / base
    frame["share_of_comments"] = frame["mentions"] / frame["comments"]
    frame["solid"] = frame["labelled"] >= MIN_N_SHARE
    return frame


def comment_count(con: duckdb.DuckDBPyConnection, filters: Filters) -> int:
    """Comments in the selection (the base every theme share is out of)."""
    where, params = filters.where()
    return int(con.execute(f"SELECT count(*) FROM feedback WHERE {where} AND text IS NOT NULL",
                           params).fetchone()[0])


def nps_impact(con: duckdb.DuckDBPyConnection, filters: Filters, q: float = 0.05) -> pd.DataFrame:
    """Each theme's impact on NPS: the score with all responses minus the score without
    the responses whose comment mentions the theme (methodology note, "Themes and impact").

    NPS(all) is the mix s * NPS(with) + (1 - s) * NPS(without), s the theme's share of
    responses, so the impact is s * (NPS(with) - NPS(without)). The gap is two
    independent groups, tested with adjusted-Wald values on both sides; the interval
    of the impact is that gap's interval times s. Benjamini-Hochberg across themes.

    Columns: theme, n (responses mentioning it), n_all, nps_with, nps_without, gap,
    impact, low, high, p_value, significant (BH at q, and both groups >= MIN_N_COMPARE).
    """
    where, params = filters.where()
    rows = con.execute(
        f"""WITH r AS (SELECT text_hash, nps FROM feedback WHERE {where} AND nps IS NOT NULL),
                 tot AS (SELECT count(*) AS n, count(*) FILTER (WHERE nps >= 9) AS p,
                                count(*) FILTER (WHERE nps <= 6) AS d FROM r)
            SELECT t.theme, count(*) AS n, count(*) FILTER (WHERE r.nps >= 9) AS p,
                   count(*) FILTER (WHERE r.nps <= 6) AS d, any_value(tot.n), any_value(tot.p), any_value(tot.d)
            FROM r JOIN {_TAGGED} t USING (text_hash), tot GROUP BY 1 ORDER BY 1""", params).fetchall()
    out = []
    for theme, n, p, d, n_all, p_all, d_all in rows:
        if n >= n_all:
            continue  # every response mentions it: there is no "without" to compare with
        change = nps_change_test((p_all - p, d_all - d, n_all - n), (p, d, n))
        share = n / n_all
        out.append({"theme": theme, "n": int(n), "n_all": int(n_all), "nps_with": change.b.nps,
                    "nps_without": change.a.nps, "gap": change.diff, "impact": share * change.diff,
                    "low": share * change.low, "high": share * change.high, "p_value": change.p_value,
                    "solid": change.solid})
    frame = pd.DataFrame(out, columns=["theme", "n", "n_all", "nps_with", "nps_without", "gap", "impact",
                                       "low", "high", "p_value", "solid"])
    flags = benjamini_hochberg(frame["p_value"].tolist(), q=q) if len(frame) else []
    frame["significant"] = [bool(f and s) for f, s in zip(flags, frame["solid"])]
    return frame


def balanced_verbatims(con: duckdb.DuckDBPyConnection, filters: Filters, theme: str, per_side: int = 4,
                       seed: int = 7) -> pd.DataFrame:
    """Comments mentioning ``theme``: as many positive as negative (the smaller side sets
    the number), a reproducible sample; ``side`` says which. When one side has none,
    the other side alone is returned (the page says so)."""
    where, params = filters.where()
    sides = []
    for side in ("negative", "positive"):
        sides.append(con.execute(
            f"""SELECT ? AS side, strftime(received_at, '%Y-%m-%d') AS date, source, function, nps, csat, ces, stars,
                       round(cx_compound, 2) AS sentiment, text, neg_sentence, pos_sentence
                FROM feedback_scored
                WHERE {where} AND text IS NOT NULL AND cx_label = ?
                  AND text_hash IN (SELECT text_hash FROM text_themes WHERE theme = ?)
                ORDER BY hash(feedback_id || ?::VARCHAR) LIMIT ?""",
            [side, *params, side, theme, seed, per_side]).df())
    neg, pos = sides
    if len(neg) and len(pos):
        k = min(len(neg), len(pos))
        neg, pos = neg.head(k), pos.head(k)
    return pd.concat([neg, pos], ignore_index=True)


@dataclass(frozen=True)
class Discovery:
    """Candidate phrases and the sample they were found in."""

    candidates: pd.DataFrame  # phrase, z, neg_count, pos_count
    n_negative: int  # distinct negative comments sampled
    n_positive: int
    seed: int


def discovery_sample(con: duckdb.DuckDBPyConnection, filters: Filters, per_side: int = 5000,
                     seed: int = 7) -> tuple[list[str], list[str]]:
    """Up to ``per_side`` distinct negative and positive comments, the same ones for the same seed."""
    where, params = filters.where()
    out = []
    for side in ("negative", "positive"):
        rows = con.execute(
            f"""SELECT any_value(text) FROM feedback_scored
                WHERE {where} AND text IS NOT NULL AND cx_label = ?
                GROUP BY text_hash ORDER BY hash(text_hash::VARCHAR || ?::VARCHAR), text_hash LIMIT ?""",
            [*params, side, seed, per_side]).fetchall()
        out.append([r[0] for r in rows])
    return out[0], out[1]


def suggest_themes(con: duckdb.DuckDBPyConnection, filters: Filters, n: int = 25, per_side: int = 5000,
                   seed: int = 7, min_count: int = 5, exclude: tuple[str, ...] = ()) -> Discovery:
    """Phrases distinctive of negative against positive comments in the selection
    (``vocsrc.themes.discovery.distinctive_phrases``), phrases in ``exclude`` left out."""
    from vocsrc.themes.discovery import distinctive_phrases

    neg, pos = discovery_sample(con, filters, per_side, seed)
    found = distinctive_phrases(neg, pos, n=n, min_count=min_count, exclude=exclude)
    frame = pd.DataFrame([(c.phrase, c.z, c.neg_count, c.pos_count) for c in found],
                         columns=["phrase", "z", "neg_count", "pos_count"])
    return Discovery(frame, len(neg), len(pos), seed)


def known_phrases(bank: ThemeBank) -> tuple[str, ...]:
    """Every phrase of the bank as discovery sees phrases (lower case, no trailing *)."""
    return tuple(sorted({p.lower().rstrip("*").strip() for t in bank.themes for p in t.phrases}))


def theme_labels(bank: ThemeBank, keys: Iterable[str] | None = None) -> dict[str, str]:
    """Theme key -> readable name ('waiting_delays' -> 'Waiting delays') for charts and pickers."""
    keys = list(keys) if keys is not None else bank.keys()
    return {k: k.replace("_", " ").capitalize() for k in keys}

