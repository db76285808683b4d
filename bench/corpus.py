"""Benchmark texts assembled, deterministically from a seed, out of real sentences in the
external data: short comments (~100 characters) from the airline tweets, narratives (~1,000
characters) from the CFPB complaint narratives. Shared by the sentiment, CX-breakdown and
pipeline benchmarks, so they time the same texts."""

from __future__ import annotations

import csv
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXTERNAL = ROOT.parent / "shared" / "data" / "external"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

csv.field_size_limit(sys.maxsize)


def csv_column(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh) if row.get(column)]


def sentences(texts: Sequence[str], min_chars: int = 15, max_chars: int = 400) -> list[str]:
    out = []
    for text in texts:
        for s in _SENTENCE_END.split(" ".join(text.split())):
            if min_chars <= len(s) <= max_chars:
                out.append(s)
    return out


def assemble(
    pool: Sequence[str], n: int, seed: int, goal: tuple[float, float]
) -> list[str]:
    """n texts made of whole sentences drawn from pool.

    Sentences are added until a length drawn from `goal` is reached, so the
    mean ends up about half a sentence above the middle of that range.
    """
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        target = rng.uniform(*goal)
        parts = [rng.choice(pool)]
        length = len(parts[0])
        while length < target:
            s = rng.choice(pool)
            parts.append(s)
            length += len(s) + 1
        texts.append(" ".join(parts))
    return texts


def short_comments(external: Path, n: int, seed: int) -> list[str]:
    tweets = csv_column(external / "twitter_us_airline_sentiment" / "Tweets.csv", "text")
    return assemble(sentences(tweets), n, seed, (42, 82))  # mean ~100 chars


def narratives(external: Path, n: int, seed: int) -> list[str]:
    path = external / "cfpb_narratives_2015" / "Consumer_Complaints.csv"
    pool = sentences(csv_column(path, "Consumer complaint narrative"), 20, 600)
    return assemble(pool, n, seed + 1, (750, 1100))  # mean ~1,000 chars
