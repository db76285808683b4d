"""Kaplan-Meier survival with a Greenwood interval: a pure function of durations and events.

Used for "how long do customers stay after telling us how they feel": time runs
from a customer's latest answer to the day they left (an event) or to the 'as of'
date (censored: still a customer, so all we know is that they stayed this long).

The variance is Greenwood's, Var(S) = S² Σ d / (n (n − d)); the interval is taken
on the log(−log S) scale, as lifelines and Stata do, so it stays inside 0..1 even
where few customers remain at risk, where a plain S ± z·SE would not.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from vocsrc.stats import Z95


@dataclass(frozen=True)
class SurvivalStep:
    """The curve just after ``time``: at_risk were still followed at ``time``, events left then."""

    time: float
    at_risk: int
    events: int
    censored: int
    survival: float
    low: float
    high: float


def kaplan_meier(durations: Sequence[float], events: Sequence[bool],
                 counts: Sequence[int] | None = None, z: float = Z95) -> tuple[SurvivalStep, ...]:
    """Steps of the Kaplan-Meier curve, one per distinct time (plus time 0).

    ``counts`` lets a caller pass rows already grouped by (duration, event), so a
    million customers arrive as a few thousand rows from SQL. At a tied time, events
    are counted before censorings (the usual convention: someone censored at t was
    at risk of leaving at t).
    """
    if len(durations) != len(events) or (counts is not None and len(counts) != len(durations)):
        raise ValueError("durations, events (and counts) must be the same length")
    weights: Iterable[int] = counts if counts is not None else [1] * len(durations)
    at_time: dict[float, list[int]] = {}
    total = 0
    for t, e, w in zip(durations, events, weights):
        if t is None or (isinstance(t, float) and math.isnan(t)):
            raise ValueError("every duration must be a number")
        if t < 0:
            raise ValueError(f"duration {t} is negative: the end comes before the start")
        if w < 0:
            raise ValueError("counts cannot be negative")
        slot = at_time.setdefault(float(t), [0, 0])
        slot[0 if e else 1] += int(w)
        total += int(w)
    steps = [SurvivalStep(0.0, total, 0, 0, 1.0, 1.0, 1.0)]
    at_risk = total
    survival = 1.0
    greenwood = 0.0  # Σ d / (n (n − d))
    for t in sorted(at_time):
        d, c = at_time[t]
        if at_risk <= 0:
            break
        if d:
            survival *= 1.0 - d / at_risk
            greenwood = math.inf if d >= at_risk else greenwood + d / (at_risk * (at_risk - d))
        low, high = _loglog_interval(survival, greenwood, z)
        if t == 0.0:
            steps[0] = SurvivalStep(0.0, at_risk, d, c, survival, low, high)
        else:
            steps.append(SurvivalStep(t, at_risk, d, c, survival, low, high))
        at_risk -= d + c
    return tuple(steps)


def _loglog_interval(survival: float, greenwood: float, z: float) -> tuple[float, float]:
    if survival <= 0.0 or math.isinf(greenwood):
        return 0.0, 0.0
    if survival >= 1.0 or greenwood == 0.0:
        return survival, survival
    se = math.sqrt(greenwood) / abs(math.log(survival))
    return survival ** math.exp(z * se), survival ** math.exp(-z * se)


def survival_at(steps: Sequence[SurvivalStep], time: float) -> SurvivalStep:
    """The step in force at ``time`` (the curve is right-continuous)."""
    current = steps[0]
    for step in steps:
        if step.time > time:
            break
        current = step
    return current
