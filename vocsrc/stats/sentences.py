"""Plain-language sentences for figures and changes.

Honesty rules: a change that is not significant is "within noise", never a
rise to celebrate; a figure from too few responses says so instead of
pretending. Numbers are rounded once, and the difference in the sentence is
computed from the rounded ends so "from 25 to 33" always goes with "8 points".
"""

from __future__ import annotations

import math

from vocsrc.config import MIN_N_COMPARE
from vocsrc.stats.compare import BandChange, Headroom, NpsChange, NpsDecomposition, ShareChange
from vocsrc.stats.metrics import get_metric
from vocsrc.stats.summary import Estimate, MetricSummary

# Short plural nouns for the NPS bands, for sentences ("Passives fell ...").
BAND_NOUNS = {
    "promoter": "promoters",
    "passive": "passives",
    "detractor_5_6": "detractors scoring 5-6",
    "detractor_0_4": "detractors scoring 0-4",
}


def round_half_up(x: float) -> int:
    """Round .5 away from zero: Python's round(32.5) gives 32, a reader expects 33."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def fmt_pct(p: float) -> str:
    """Proportion -> "62%"; tiny non-zero shares show as "<1%", not "0%"."""
    if math.isnan(p):
        return "n/a"
    r = round_half_up(100 * p)
    if r == 0 and p > 0:
        return "<1%"
    if r == 100 and p < 1:
        return ">99%"
    return f"{r}%"


def fmt_points(x: float) -> str:
    return "n/a" if math.isnan(x) else str(round_half_up(x))


def fmt_value(e: Estimate) -> str:
    if e.unit == "share":
        return fmt_pct(e.value)
    if e.unit == "stars":
        return f"{e.value:.2f}"
    return fmt_points(e.value)


def _fmt_bound(e: Estimate, x: float) -> str:
    if e.unit == "share":
        return fmt_pct(x)
    if e.unit == "stars":
        return f"{x:.2f}"
    return fmt_points(x)


def _sentence(s: str) -> str:
    return s[:1].upper() + s[1:]


def describe_estimate(e: Estimate, min_n: int | None = None) -> str:
    """ "NPS 25 (95% interval 17 to 32; n = 400)", flagged when n is too small."""
    if e.n == 0:
        return f"{e.label}: no responses"
    words = e.method.split()
    pct = words[-2] if len(words) > 1 and words[-1] == "interval" and words[-2].endswith("%") else ""
    text = f"{e.label} {fmt_value(e)} ({pct + ' ' if pct else ''}interval {_fmt_bound(e, e.low)} to {_fmt_bound(e, e.high)}; n = {e.n:,})"
    if not e.solid:
        need = f" (at least {min_n} needed)" if min_n else ""
        text += f"; only {e.n:,} responses, too few to rely on{need}"
    return text


def describe_summary(s: MetricSummary) -> str:
    """Headline (and the second headline, if any) as one sentence per figure."""
    return ". ".join(describe_estimate(e, s.min_n) for e in s.headlines) + "."


def _noise(significant: bool) -> str:
    return "beyond noise" if significant else "within noise"


def _too_few(n_a: int, n_b: int, min_n: int) -> str:
    return (
        f"with only {n_a:,} and {n_b:,} responses we cannot tell whether this is a real change "
        f"(at least {min_n:,} on each side are needed)"
    )


def describe_nps_change(
    change: NpsChange | NpsDecomposition,
    significant: bool | None = None,
    min_n: int = MIN_N_COMPARE,
) -> str:
    """ "NPS rose 8 points, from 25 to 33, within noise."

    ``significant`` overrides the test's own verdict, e.g. with the result of
    ``benjamini_hochberg`` when this change is one of many scanned at once.
    A decomposition adds the band that moved most, if any moved beyond noise.
    """
    c = change.change if isinstance(change, NpsDecomposition) else change
    sig = c.significant if significant is None else significant
    a, b = round_half_up(c.a.nps), round_half_up(c.b.nps)
    if c.a.n == 0 or c.b.n == 0:
        return "NPS cannot be compared: one side has no responses."
    if a == b:
        text = f"NPS held at {a}"
    else:
        verb = "rose" if b > a else "fell"
        text = f"NPS {verb} {abs(b - a)} point{'s' if abs(b - a) != 1 else ''}, from {a} to {b}"
    if min(c.a.n, c.b.n) < min_n:
        return f"{text}, but {_too_few(c.a.n, c.b.n, min_n)}."
    if a != b:
        text = f"{text}, {_noise(sig)}."
    else:
        text = f"{text}." if sig else f"{text}; any change is within noise."
    if isinstance(change, NpsDecomposition):
        moved = [bc for bc in change.bands if bc.change.significant]
        if moved:
            biggest = max(moved, key=lambda bc: abs(bc.change.diff))
            text += " " + describe_band_change(biggest, change)
    return text


def describe_band_change(bc: BandChange, decomposition: NpsDecomposition | None = None) -> str:
    """ "Passives fell from 31% to 26%, beyond noise, mostly to promoters."

    "Mostly to/from X" is added only when the decomposition shows another band
    moving the other way by at least half as much; each period holds different
    people, so this describes a change in the mix, not individuals tracked.
    """
    sc = bc.change
    noun = BAND_NOUNS.get(bc.band, bc.label.lower())
    a, b = fmt_pct(sc.share_a), fmt_pct(sc.share_b)
    if a == b:
        text = f"{_sentence(noun)} held at {a}"
    else:
        text = f"{_sentence(noun)} {'rose' if sc.diff > 0 else 'fell'} from {a} to {b}"
    if not sc.solid:
        return f"{text}, but {_too_few(sc.n_a, sc.n_b, MIN_N_COMPARE)}."
    text += f", {_noise(sc.significant)}"
    if decomposition is not None and sc.significant and a != b:
        others = [o for o in decomposition.bands if o.band != bc.band and o.change.diff * sc.diff < 0]
        if others:
            partner = max(others, key=lambda o: abs(o.change.diff))
            if abs(partner.change.diff) >= abs(sc.diff) / 2:
                direction = "to" if sc.diff < 0 else "from"
                text += f", mostly {direction} {BAND_NOUNS.get(partner.band, partner.label.lower())}"
    return text + "."


def describe_share_change(
    change: ShareChange,
    what: str = "of our customers were really happy",
    significant: bool | None = None,
) -> str:
    """ "62% of our customers were really happy, up from 58%; this change is within noise."

    ``what`` completes "<share> ...", in the past tense of the later period.
    """
    if change.n_a == 0 or change.n_b == 0:
        return f"{fmt_pct(change.share_b)} {what}; there is nothing to compare with."
    sig = change.significant if significant is None else significant
    a, b = fmt_pct(change.share_a), fmt_pct(change.share_b)
    if a == b:
        text = f"{b} {what}, the same as before"
    else:
        text = f"{b} {what}, {'up' if change.diff > 0 else 'down'} from {a}"
    if not change.solid:
        return f"{text}; {_too_few(change.n_a, change.n_b, MIN_N_COMPARE)}."
    return f"{text}; this change is {_noise(sig)}." if a != b else f"{text}."


def describe_headroom(h: Headroom) -> str:
    """ "If 10% of passives became promoters, NPS would rise by 3.5 points (25 to 28.5)." """
    m = get_metric(h.metric)
    src = BAND_NOUNS.get(h.from_band, m.band(h.from_band).label.lower())
    dst = BAND_NOUNS.get(h.to_band, m.band(h.to_band).label.lower())
    if math.isnan(h.gain):
        return "No responses, so no headroom to estimate."
    unit = "points" if m.headline == "nps" else "percentage points"
    what = "NPS" if m.headline == "nps" else ("the share of 4-5 stars" if m.headline == "mean_and_share" else m.headline_label)
    verb = "rise" if h.gain >= 0 else "fall"
    return (
        f"If {round_half_up(100 * h.fraction)}% of {src} became {dst}, {what} would {verb} by "
        f"{abs(h.gain):.1f} {unit} ({h.before:.1f} to {h.after:.1f})."
    )


def footnote(n: int, period: str, method: str, freshness: str | None = None) -> str:
    """The caption every figure carries: "n = 400 · Jan-Mar 2026 · adjusted Wald 95% interval"."""
    parts = [f"n = {n:,}", period, method]
    if freshness:
        parts.append(f"data to {freshness}")
    return " · ".join(p for p in parts if p)
