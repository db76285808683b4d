"""Seeded demo feedback for Harbourline, a fictional UK home-electronics retailer.

Everything here is synthetic and written for this project: no third-party
data is copied. The planted stories (which function, which months) are
described in ``vocsrc.demo.stories``.

Scores are drawn by inverse CDF from a latent uniform that is stratified
within each (source, function, month, segment) cell: the planted shifts then
show at their designed size rather than buried in sampling noise, while a
small random month-to-month wobble keeps the series looking real.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Iterator

import numpy as np
import pandas as pd

from vocsrc.demo import compose
from vocsrc.demo.base import (
    ALNUM, APP_REVIEW_FUNCTION_MIX, APP_STARS_AFTER, APP_STARS_BEFORE, CES, COLUMNS, CSAT,
    DELIVERIES, FUNCTION_TILT, FUNCTIONS, N_APP_REVIEWS, N_CUSTOMERS, N_RELATIONSHIP,
    N_TRANSACTIONAL, N_TRUSTPILOT, NPS_BANDS, ONLINE, ONLINE_AFTER_FIX, STARS,
    SURVEY_FUNCTION_MIX, TRUSTPILOT_FUNCTION_MIX, common_columns, customer_pool, from_cdf,
    months_back, nps_scores, random_codes, stratified_u, tilted, tones,
)
from vocsrc.demo.complaints import complaints
from vocsrc.demo.stories import DEFAULT_TODAY, MONTHS_OF_DATA, describe_stories

CHUNK_ROWS = 10_000
KIND_ORDER = {"survey": 0, "review": 1, "complaint": 2}
TEXT_COLUMNS = ("feedback_id", "kind", "source", "source_id", "customer_id", "function",
                "channel", "product", "region", "text", "category", "sub_issue", "status",
                "outcome")


@functools.lru_cache(maxsize=2)
def build(seed: int = 7, scale: float = 1.0,
          today: dt.date = DEFAULT_TODAY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All demo feedback and the customer pool behind it (cached; copy before changing)."""
    rng = np.random.default_rng(seed)
    text_rng = random.Random(int(rng.integers(2**62)))
    first = pd.Period(today, "M").start_time - pd.DateOffset(months=MONTHS_OF_DATA - 1)
    days = pd.date_range(first, pd.Timestamp(today), freq="D")
    pool = customer_pool(rng, max(50, round(N_CUSTOMERS * scale)), today)
    stories = describe_stories(today)
    parts = [
        _surveys(rng, text_rng, pool, days, scale, today),
        _reviews(rng, text_rng, pool, days, scale, today, stories),
        complaints(rng, text_rng, pool, days, scale, today, stories),
    ]
    _plant_long_standing(rng, parts, pool, today, stories)
    for part in parts:
        cust = part.pop("_cust").to_numpy()
        part["customer_id"] = pool["customer_id"].to_numpy()[cust]
        part["region"] = pool["region"].to_numpy()[cust]
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("_")])
    return _finish(frame), pool


def generate_feedback(seed: int = 7, scale: float = 1.0,
                      today: dt.date = DEFAULT_TODAY) -> Iterator[pd.DataFrame]:
    """Yield the demo feedback in chunks of about 10,000 rows, surveys first.

    Columns are exactly ``feedback_id, kind, source`` and ``FEEDBACK_FIELDS``;
    the date columns (opened_at, closed_at, due_at) are midnight timestamps.
    """
    frame, _ = build(seed, scale, today)
    for start in range(0, len(frame), CHUNK_ROWS):
        yield frame.iloc[start:start + CHUNK_ROWS].copy()


# --- surveys ---------------------------------------------------------------

def _surveys(rng, text_rng, pool, days, scale, today) -> pd.DataFrame:
    n_rel, n_tx = round(N_RELATIONSHIP * scale), round(N_TRANSACTIONAL * scale)
    n = n_rel + n_tx
    df = common_columns(rng, pool, days, n, SURVEY_FUNCTION_MIX)
    is_tx = rng.random(n) < n_tx / n
    has_nps = ~is_tx | (rng.random(n) < 0.40)
    f = df["_f"].to_numpy()
    back = months_back(pd.DatetimeIndex(df["received_at"]), today)
    premium = pool["segment"].to_numpy()[df["_cust"].to_numpy()] == "Premium"

    bands = NPS_BANDS[f].copy()
    fixed = (f == ONLINE) & (back <= 7)
    bands[fixed] = ONLINE_AFTER_FIX
    # A slow drift in Billing (down) and Stores (up) so not every line is flat.
    drift = (MONTHS_OF_DATA - 1 - back) / (MONTHS_OF_DATA - 1)
    bands[:, 2] -= np.where(f == 0, 0.05 * drift, 0) + np.where(f == 4, 0.04 * drift, 0)
    bands[:, 1] += np.where(f == 0, 0.05 * drift, 0)
    bands[:, 3] += np.where(f == 4, 0.04 * drift, 0)
    # Month-to-month wobble, the same for every row of a function-month.
    wobble = rng.normal(0, 0.008, size=(len(FUNCTIONS), MONTHS_OF_DATA + 1))[f, back]
    bands[:, 3] += wobble
    bands[:, 2] -= wobble
    moved = np.zeros(n)
    last6 = back <= 5
    moved[(f == DELIVERIES) & last6] = (0.2 + 0.2 * (5 - back) / 5)[(f == DELIVERIES) & last6]
    moved[premium & (f != DELIVERIES) & last6] = 0.3

    cell = ((f * 40 + back) * 2 + premium) * 4 + is_tx * 2 + has_nps
    u = stratified_u(rng, cell)
    nps = nps_scores(bands, moved, u)
    tilt = FUNCTION_TILT[f] + np.where(fixed, 0.06, 0.0)
    csat = from_cdf(np.clip(u + rng.normal(0, 0.10, n), 0, 1), tilted(CSAT, tilt), 1)
    ces = from_cdf(np.clip(u + rng.normal(0, 0.15, n), 0, 1), tilted(CES, tilt), 1)

    band = np.where(nps >= 9, "top", np.where(nps >= 7, "middle",
                    np.where(nps >= 5, "low_middle", "bottom")))
    csat_band = np.where(csat >= 4, "top", np.where(csat == 3, "middle", "bottom"))
    band = np.where(has_nps, band, csat_band)
    tone = tones(rng, band)
    tone[rng.random(n) < np.where(is_tx, 0.45, 0.35)] = "empty"
    text = [compose.comment(text_rng, t, fn, p, bool(a), bool(o and not a))
            for t, fn, p, a, o in zip(tone, df["function"], df["product"], fixed, f == ONLINE)]

    df["kind"] = "survey"
    df["source"] = np.where(is_tx, "Transactional survey", "Relationship survey")
    df["source_id"] = np.char.add("R_", random_codes(rng, n, 15, ALNUM))
    df["nps"] = pd.array(np.where(has_nps, nps, 0), dtype="Int64")
    df.loc[~has_nps, "nps"] = pd.NA
    df["csat"] = pd.array(csat, dtype="Int64")
    df["ces"] = pd.array(ces, dtype="Int64")
    df.loc[~is_tx, ["csat", "ces"]] = pd.NA
    df["text"] = text
    return df


# --- reviews ---------------------------------------------------------------

def _reviews(rng, text_rng, pool, days, scale, today, stories) -> pd.DataFrame:
    n_app, n_tp = round(N_APP_REVIEWS * scale), round(N_TRUSTPILOT * scale)
    app = common_columns(rng, pool, days, n_app, APP_REVIEW_FUNCTION_MIX, weekend=1.2)
    app["source"] = "App store reviews"
    app["channel"] = "App"
    tp = common_columns(rng, pool, days, n_tp, TRUSTPILOT_FUNCTION_MIX, weekend=1.1)
    tp["source"] = "Trustpilot reviews"
    df = pd.concat([app, tp], ignore_index=True)
    n = len(df)
    f = df["_f"].to_numpy()
    is_app = (df["source"] == "App store reviews").to_numpy()
    back = months_back(pd.DatetimeIndex(df["received_at"]), today)
    online = f == ONLINE
    probs = tilted(STARS, FUNCTION_TILT[f] * 2)
    probs[online & (back > 7)] = APP_STARS_BEFORE
    probs[online & (back <= 7)] = APP_STARS_AFTER
    u = stratified_u(rng, (f * 40 + back) * 2 + is_app)
    stars = from_cdf(u, probs, 1)

    band = np.where(stars >= 4, "top", np.where(stars == 3, "middle", "bottom"))
    tone = tones(rng, band)
    # Story d: text that disagrees with the stars, planted on chosen rows.
    planted = stories["text_disagrees"]
    taken = np.zeros(n, dtype=bool)
    for rows, forced, count in (
        (stars >= 4, "neg", planted["at_risk"]),
        (stars == 3, "neg", planted["hidden_detractors"]),
        (stars == 3, "pos", planted["passive_positive"]),
    ):
        candidates = np.flatnonzero(rows & (tone != forced) & ~taken)
        chosen = rng.choice(candidates, size=min(len(candidates), round(count * scale)),
                            replace=False)
        tone[chosen] = forced
        taken[chosen] = True
    tone[(rng.random(n) < 0.02) & ~taken] = "empty"
    fixed = online & (back <= 7)
    text = [compose.comment(text_rng, t, fn, p, bool(a), bool(o and not a))
            for t, fn, p, a, o in zip(tone, df["function"], df["product"], fixed, online)]

    df["kind"] = "review"
    df["source_id"] = np.where(
        is_app,
        np.char.add("as-", random_codes(rng, n, 10, "0123456789")),
        random_codes(rng, n, 24, "0123456789abcdef"),
    )
    df["stars"] = pd.array(stars, dtype="Int64")
    df["text"] = text
    return df.sort_values("received_at", kind="stable", ignore_index=True)


# --- story f and the finished frame -------------------------------------------

def _plant_long_standing(rng, parts, pool, today, stories) -> None:
    """Give long-standing customers a share of the recent bad experiences.

    Only rows from non-Premium customers move, so the Premium story keeps its
    shape; complaints that are part of a repeat pair keep their customer.
    """
    story = stories["long_standing_bad"]
    now = pd.Timestamp(today)
    tenure_years = (now - pool["joined_at"]).dt.days.to_numpy() / 365.25
    veterans = np.flatnonzero(pool["segment"].isin(story["segments"]).to_numpy()
                              & (tenure_years >= story["min_tenure_years"]))
    segment = pool["segment"].to_numpy()
    since = now - pd.Timedelta(days=story["window_days"])
    surveys, _, complaint_rows = parts
    for df, bad in (
        (surveys, (surveys["nps"].fillna(10) <= 6) | (surveys["csat"].fillna(5) <= 2)),
        (complaint_rows, ~complaint_rows["_repeat"]),
    ):
        recent = (df["received_at"] >= since) & bad.astype(bool)
        recent &= segment[df["_cust"].to_numpy()] != "Premium"
        drawn = rng.random(len(df)) < story["share_of_recent_detractors"]
        rows = np.flatnonzero(recent.to_numpy() & drawn)
        df.loc[rows, "_cust"] = rng.choice(veterans, size=len(rows))


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.assign(_k=frame["kind"].map(KIND_ORDER))
    frame = frame.sort_values(["_k", "received_at"], kind="stable", ignore_index=True)
    number = frame.groupby("_k").cumcount().to_numpy() + 1
    prefix = frame["kind"].str[0].to_numpy().astype(str)
    frame["feedback_id"] = [f"demo-{p}-{i:07d}" for p, i in zip(prefix, number)]
    for col in COLUMNS:
        if col not in frame:
            frame[col] = pd.NA
    frame = frame[list(COLUMNS)]
    types = {c: "string" for c in TEXT_COLUMNS}
    types.update({c: "Int64" for c in ("nps", "csat", "ces", "stars")})
    types.update({c: "boolean" for c in ("timely", "disputed")})
    types.update({c: "datetime64[us]" for c in ("received_at", "opened_at", "closed_at", "due_at")})
    return frame.astype(types)
