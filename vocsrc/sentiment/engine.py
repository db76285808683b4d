"""Which VADER implementation scores raw sentiment.

A faster drop-in (``vocsrc.sentiment.fastvader``) is being written alongside
this module; until it lands, and wherever it fails to import, we fall back to
vaderSentiment's own analyzer so raw scores are always the reference ones.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol


class Analyzer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


@lru_cache(maxsize=1)
def raw_analyzer() -> Analyzer:
    """The shared raw VADER analyzer (built once per process: loading the lexicon costs ~50 ms)."""
    try:
        from vocsrc.sentiment import fastvader  # type: ignore[attr-defined]
    except ImportError:
        fastvader = None
    if fastvader is not None:
        getter: Any = getattr(fastvader, "get_engine", None)
        if callable(getter):
            return getter()
        return fastvader.FastVader()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def engine_name() -> str:
    """Name of the implementation in use, for the evaluation report's footnote."""
    return type(raw_analyzer()).__name__
