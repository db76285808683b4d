"""Balanced verbatims for a pack: as many good as bad, spread over sources, reproducible, no
near-duplicates, trimmed around the evidence sentence, personal data redacted.

Why stratify: a random sample of comments mirrors the score mix, so a function with many
happy customers would show only praise (or a complaints-heavy source only anger). Advocates
need both sides in equal measure, and every source heard.
"""

from __future__ import annotations

import re

import duckdb

from vocsrc.briefing.pack import Verbatim
from vocsrc.filters import Filters

# Tone from whichever score the row carries; complaints are 'bad' by nature; rows without a
# score fall back to their text's sentiment. Built from constants only (no user input).
_TONE_SQL = """CASE
    WHEN kind = 'complaint' THEN 'bad'
    WHEN nps IS NOT NULL THEN CASE WHEN nps <= 6 THEN 'bad' WHEN nps <= 8 THEN 'middle' ELSE 'good' END
    WHEN stars IS NOT NULL THEN CASE WHEN stars <= 2 THEN 'bad' WHEN stars = 3 THEN 'middle' ELSE 'good' END
    WHEN csat IS NOT NULL THEN CASE WHEN csat <= 2 THEN 'bad' WHEN csat = 3 THEN 'middle' ELSE 'good' END
    WHEN ces IS NOT NULL THEN CASE WHEN ces <= 3 THEN 'bad' WHEN ces = 4 THEN 'middle' ELSE 'good' END
    WHEN cx_label = 'negative' THEN 'bad' WHEN cx_label = 'positive' THEN 'good' ELSE 'middle' END"""
_BAND_SQL = """CASE
    WHEN kind = 'complaint' THEN 'Complaint'
    WHEN nps IS NOT NULL THEN CASE WHEN nps <= 6 THEN 'Detractor (0-6)' WHEN nps <= 8 THEN 'Passive (7-8)'
                                   ELSE 'Promoter (9-10)' END
    WHEN stars IS NOT NULL THEN stars::VARCHAR || ' star' || CASE WHEN stars = 1 THEN '' ELSE 's' END
    WHEN csat IS NOT NULL THEN 'CSAT ' || csat::VARCHAR
    WHEN ces IS NOT NULL THEN 'CES ' || ces::VARCHAR
    ELSE 'No score' END"""

PER_STRATUM = 12  # candidates fetched per tone x source; enough to survive de-duplication
MIN_CHARS, MAX_CHARS = 40, 1200  # one-word comments say little; essays are trimmed anyway


def candidates(con: duckdb.DuckDBPyConnection, filters: Filters, seed: int,
               per_stratum: int = PER_STRATUM) -> list[dict]:
    """Up to ``per_stratum`` comments per (tone, source), in a seeded hash order."""
    where, params = filters.where()
    rows = con.execute(
        f"""WITH t AS (
                SELECT feedback_id, source, function, received_at::DATE AS date, nps, csat, ces, stars,
                       round(cx_compound, 2) AS sentiment, text, neg_sentence, pos_sentence,
                       {_TONE_SQL} AS tone, {_BAND_SQL} AS band,
                       hash(feedback_id || ?::VARCHAR) AS h
                FROM feedback_scored
                WHERE {where} AND text IS NOT NULL AND length(text) BETWEEN ? AND ?)
            SELECT * EXCLUDE (h) FROM t
            QUALIFY row_number() OVER (PARTITION BY tone, source ORDER BY h, feedback_id) <= ?
            ORDER BY tone, source, h, feedback_id""",
        [seed, *params, MIN_CHARS, MAX_CHARS, per_stratum]).fetchall()
    cols = ["feedback_id", "source", "function", "date", "nps", "csat", "ces", "stars", "sentiment",
            "text", "neg_sentence", "pos_sentence", "tone", "band"]
    return [dict(zip(cols, r)) for r in rows]


_WORD = re.compile(r"[a-z0-9']+")


def shingles(text: str, k: int = 3) -> frozenset[tuple[str, ...]]:
    """Word k-grams of the lower-cased text: two comments from one template share most of them."""
    words = _WORD.findall(text.lower())
    if len(words) < k:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i:i + k]) for i in range(len(words) - k + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _round_robin(rows: list[dict], want: int, kept: list[frozenset], threshold: float) -> list[dict]:
    """Take ``want`` rows cycling over sources, skipping near-duplicates of anything kept."""
    by_source: dict[str, list[dict]] = {}
    for r in rows:
        by_source.setdefault(r["source"], []).append(r)
    queues = [by_source[s] for s in sorted(by_source)]
    out: list[dict] = []
    while len(out) < want and any(queues):
        for q in queues:
            while q:
                r = q.pop(0)
                sh = shingles(r["text"])
                if all(jaccard(sh, k) < threshold for k in kept):
                    kept.append(sh)
                    out.append(r)
                    break
            if len(out) >= want:
                break
    return out


def balanced_sample(rows: list[dict], total: int = 8, threshold: float = 0.5) -> list[dict]:
    """Equal good and bad (the smaller side caps both), about a quarter from the middle; when the
    middle runs short, more good-and-bad pairs fill its place.

    ``rows`` must come in a reproducible order (``candidates`` sorts by a seeded hash)."""
    by_tone = {t: [r for r in rows if r["tone"] == t] for t in ("bad", "middle", "good")}
    kept: list[frozenset] = []
    bad = _round_robin(by_tone["bad"], total // 2, kept, threshold)
    good = _round_robin(by_tone["good"], total // 2, kept, threshold)
    even = min(len(bad), len(good))
    side = min(even, (total - total // 4) // 2)
    kept = [shingles(r["text"]) for r in bad[:side] + good[:side]]
    middle = _round_robin(by_tone["middle"], total - 2 * side, kept, threshold)
    side = min(even, (total - len(middle)) // 2)
    bad, good = bad[:side], good[:side]
    # Interleave so a reader meets bad, good and middle in turn, not a wall of one tone.
    out: list[dict] = []
    for i in range(max(len(bad), len(middle))):
        for part in (bad, good, middle):
            if i < len(part):
                out.append(part[i])
    return out


def to_verbatim(row: dict) -> Verbatim:
    """Redact and trim (``vocsrc.verbatim.display_parts``); evidence from the row's own tone."""
    from vocsrc.verbatim import display_parts

    key = {"bad": "neg_sentence", "good": "pos_sentence"}.get(row["tone"])
    before, evidence, after, meta = display_parts(row, evidence_key=key)
    return Verbatim(str(row["feedback_id"]), row["tone"], row["band"], row["source"],
                    before, evidence, after, meta)


def sample_verbatims(con: duckdb.DuckDBPyConnection, filters: Filters, seed: int = 7,
                     total: int = 8) -> tuple[Verbatim, ...]:
    return tuple(to_verbatim(r) for r in balanced_sample(candidates(con, filters, seed), total))
