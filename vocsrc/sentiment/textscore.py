"""One text's scores (TextScore) and the labels and thresholds they use.

Kept apart from document.py so its fast paths (document_fast.py) can build TextScores
without importing document.py, which imports them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from vocsrc.sentiment.matching import ALPHA, unnormalize

POS_THRESHOLD = 0.05
NEG_THRESHOLD = -0.05
NEG_WEIGHT = 2.0
# texts up to this many words keep VADER's whole-text reading (see document.document_compound)
SHORT_WORDS = 30


def label(compound: float) -> str:
    """Three-way label with the VADER authors' thresholds."""
    if compound >= POS_THRESHOLD:
        return "positive"
    if compound <= NEG_THRESHOLD:
        return "negative"
    return "neutral"


class TextScore(NamedTuple):
    """One text's scores (a NamedTuple: immutable, and built several times faster than a
    frozen dataclass, which mattered at ~10 us per text)."""

    vader_compound: float
    vader_pos: float
    vader_neu: float
    vader_neg: float
    cx_compound: float
    label: str
    cx_label: str
    n_sentences: int
    neg_sentence: str | None
    pos_sentence: str | None


# TextScore from a tuple of its fields in order, without the Python-level __new__ of a
# NamedTuple (the fast paths build one per text)
new_score = tuple.__new__


def pool(cxs: Sequence[float], neg_weight: float = NEG_WEIGHT) -> float:
    """document.combine on the sentences' CX compounds alone."""
    if not cxs:
        return 0.0
    x = 0.0
    for c in cxs:
        v = unnormalize(c)
        x += v * neg_weight if v < 0 else v
    return round(x / math.sqrt(x * x + ALPHA * len(cxs)), 4)
