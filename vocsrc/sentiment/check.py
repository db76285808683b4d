"""User-runnable identity check: score a file with vaderSentiment and FastVader.

Backs ``python -m vocsrc score --check FILE``.  One text per line (UTF-8, a BOM
and CRLF line ends are tolerated).  Lines are split on "\\n" only, because
``str.splitlines`` also breaks on characters such as NEL (U+0085) that real
review text contains.
"""

from __future__ import annotations

import math
import os
import time
from typing import Any

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from .fastvader import get_engine

KEYS = ("neg", "neu", "pos", "compound")


def read_texts(path: str | os.PathLike[str]) -> list[str]:
    """The texts of a one-per-line file."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        raw = fh.read()
    lines = raw.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline does not start another text
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def _diff(a: dict[str, float], b: dict[str, float]) -> float:
    if list(a) != list(b):
        return math.inf
    return max(abs(a[k] - b[k]) for k in KEYS)


def check_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Score every line with both engines and report the largest difference.

    Returns n, max_abs_diff, identical (max_abs_diff <= 1e-9), worst_line
    (1-based; None for an empty file), worst_text, reference and fast (both
    engines' scores for the worst text), reference_seconds, fast_seconds, speedup.
    """
    texts = read_texts(path)
    reference = SentimentIntensityAnalyzer()
    fast = get_engine()

    t0 = time.perf_counter()
    want = [reference.polarity_scores(t) for t in texts]
    t1 = time.perf_counter()
    got = [fast.polarity_scores(t) for t in texts]
    t2 = time.perf_counter()

    worst, worst_diff = None, 0.0
    for i, (a, b) in enumerate(zip(want, got)):
        d = _diff(a, b)
        if worst is None or d > worst_diff:
            worst, worst_diff = i, d
    ref_s, fast_s = t1 - t0, t2 - t1
    return {
        "path": str(path),
        "n": len(texts),
        "max_abs_diff": worst_diff,
        "identical": worst_diff <= 1e-9,
        "worst_line": None if worst is None else worst + 1,
        "worst_text": None if worst is None else texts[worst],
        "reference": None if worst is None else want[worst],
        "fast": None if worst is None else got[worst],
        "reference_seconds": ref_s,
        "fast_seconds": fast_s,
        "speedup": ref_s / fast_s if fast_s > 0 else None,
    }
