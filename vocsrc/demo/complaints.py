"""Demo complaints: drivers, handling dates, outcomes and narratives.

Handling follows a plain model: each complaint is promised a response by a
due date that depends on its driver (a callback within a day, a decision on
a claim within 21 days, 14 days otherwise); most close within 2-30 days,
some run past 8 weeks; those not closed by ``today`` are Open or In progress.
About 12% of complaints are a second complaint from the same customer within
30 days of the first, the repeat pattern complaint handlers look for.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd

from vocsrc.demo import compose
from vocsrc.demo import narratives as nb
from vocsrc.demo.base import (
    CHANNELS, COMPLAINT_FUNCTION_MIX, FUNCTIONS, N_COMPLAINTS, PRODUCT_MIX,
    PRODUCTS, SERVICE, common_columns, pick_rows, random_times,
)

REPEAT_SHARE = 0.12
OUTCOMES = ("Upheld", "Partially upheld", "Not upheld", "Withdrawn")
PROMISE_DAYS = {"Callback not made": 1, "Long wait": 3, "Engineer missed appointment": 7}


def _drivers(rng: np.random.Generator, function: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    category = np.empty(len(function), dtype=object)
    sub_issue = np.empty(len(function), dtype=object)
    for i, name in enumerate(FUNCTIONS):
        rows = np.flatnonzero(function == i)
        drivers = nb.DRIVERS[name]
        names = list(drivers)
        weights = np.array([w for w, _ in drivers.values()], dtype=float)
        picked = rng.choice(len(names), size=len(rows), p=weights / weights.sum())
        category[rows] = np.array(names, dtype=object)[picked]
        for j, cat in enumerate(names):
            subs = drivers[cat][1]
            these = rows[picked == j]
            sub_issue[these] = np.array(subs, dtype=object)[rng.integers(0, len(subs), len(these))]
    return category, sub_issue


def _callback_spike(rng, pool, days, scale, story) -> pd.DataFrame:
    months = pd.PeriodIndex(days, freq="M")
    frames = []
    for month in story["months"]:
        in_month = days[months == pd.Period(month, "M")]
        n = round(story["extra_per_month"] * scale)
        frames.append(pd.DataFrame({"received_at": random_times(rng, in_month, n, weekend=0.4)}))
    df = pd.concat(frames, ignore_index=True)
    n = len(df)
    df["_f"] = SERVICE
    df["_cust"] = rng.choice(len(pool), size=n, p=pool["weight"].to_numpy())
    df["function"] = FUNCTIONS[SERVICE]
    df["channel"] = np.array(CHANNELS)[rng.choice(4, size=n, p=[0.7, 0.2, 0.05, 0.05])]
    df["product"] = np.array(PRODUCTS)[pick_rows(rng, PRODUCT_MIX, np.full(n, SERVICE))]
    df["category"] = story["category"]
    subs = nb.DRIVERS[FUNCTIONS[SERVICE]][story["category"]][1]
    df["sub_issue"] = np.array(subs, dtype=object)[rng.choice(len(subs), size=n, p=[0.85, 0.15])]
    df["_story"] = True
    return df


def complaints(rng: np.random.Generator, text_rng: random.Random, pool: pd.DataFrame,
               days: pd.DatetimeIndex, scale: float, today: dt.date,
               stories: dict) -> pd.DataFrame:
    """All complaints, with the callback spike (story c) and repeat complainants."""
    n_base = round(N_COMPLAINTS * scale * (1 - REPEAT_SHARE))
    base = common_columns(rng, pool, days, n_base, COMPLAINT_FUNCTION_MIX, weekend=0.5)
    base["category"], base["sub_issue"] = _drivers(rng, base["_f"].to_numpy())
    base["_story"] = False
    base = pd.concat([base, _callback_spike(rng, pool, days, scale, stories["broken_callbacks"])],
                     ignore_index=True)
    base["_repeat"] = False

    # Repeats: the same customer comes back within 30 days, usually about the same thing.
    now = pd.Timestamp(today) + pd.Timedelta(hours=23, minutes=59)
    parents = rng.choice(len(base), size=round(len(base) * REPEAT_SHARE / (1 - REPEAT_SHARE)),
                         replace=False)
    later = base.iloc[parents].copy()
    later["received_at"] += pd.to_timedelta(rng.integers(1, 31, len(later)), unit="D")
    keep = (later["received_at"] <= now).to_numpy()
    later = later[keep]
    base.loc[parents[keep], "_repeat"] = True
    later["_repeat"] = True
    later["_story"] = False
    change = rng.random(len(later)) < 0.3
    cat, sub = _drivers(rng, later["_f"].to_numpy())
    later.loc[change, "category"] = cat[change]
    later.loc[change, "sub_issue"] = sub[change]
    later["_follow_up"] = True
    base["_follow_up"] = False
    df = pd.concat([base, later], ignore_index=True)
    df = df.sort_values("received_at", kind="stable", ignore_index=True)
    n = len(df)

    opened = df["received_at"].dt.normalize()
    category = df["category"].to_numpy()
    story = df["_story"].to_numpy()
    promise = np.array([PROMISE_DAYS.get(c, 14) for c in category])
    promise = np.where(df["function"].to_numpy() == "Claims", np.maximum(promise, 21), promise)
    due = opened + pd.to_timedelta(promise, unit="D")

    # Days to close: mostly 2-30, a tail past 8 weeks, a few the same or next day.
    mix = rng.random(n)
    days_to_close = np.where(
        mix < 0.07, rng.integers(0, 2, n),
        np.where(mix < 0.92, np.clip(rng.lognormal(np.log(10), 0.6, n), 2, 56),
                 rng.integers(57, 160, n)))
    days_to_close = np.where(story, rng.integers(4, 36, n), days_to_close).astype(int)
    closed_at = opened + pd.to_timedelta(days_to_close, unit="D")
    end = pd.Timestamp(today)
    closed = (closed_at <= end).to_numpy()
    age = (end - opened).dt.days.to_numpy()
    status = np.where(closed, "Closed",
                      np.where((age >= 3) & (rng.random(n) < 0.75), "In progress", "Open"))

    outcome_p = np.where(story[:, None], [0.70, 0.20, 0.08, 0.02], [0.38, 0.20, 0.32, 0.10])
    pick = (rng.random(n)[:, None] > np.cumsum(outcome_p, axis=1)[:, :-1]).sum(axis=1)
    outcome = np.array(OUTCOMES, dtype=object)[pick]
    dispute_p = np.select([outcome == "Not upheld", outcome == "Partially upheld"],
                          [0.15, 0.06], 0.02)
    disputed = rng.random(n) < dispute_p
    timely = np.where(closed, (closed_at <= due).to_numpy(), np.where(end > due, False, None))

    text = [
        compose.narrative(text_rng, fn, cat, prod, when.date(), bool(fu), bool(st))
        for fn, cat, prod, when, fu, st in zip(df["function"], category, df["product"],
                                              df["received_at"], df["_follow_up"], story)
    ]
    empty = (rng.random(n) < 0.05) & ~story
    df["text"] = [None if e else t for t, e in zip(text, empty)]
    df["kind"] = "complaint"
    df["source"] = "Complaints"
    df["source_id"] = ("HL-" + df["received_at"].dt.strftime("%y%m") + "-"
                       + pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(5))
    df["status"] = status
    df["opened_at"] = opened
    df["closed_at"] = closed_at.where(closed)
    df["due_at"] = due
    df["outcome"] = np.where(closed, outcome, None)
    df["timely"] = pd.array(timely, dtype="boolean")
    df["disputed"] = pd.array(np.where(closed, disputed, None), dtype="boolean")
    return df
