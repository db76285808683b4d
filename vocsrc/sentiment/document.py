"""Whole-text scoring: raw VADER, sentence splitting, CX-aware document score.

Raw VADER on a 1,000-character complaint saturates (every sentiment word adds
to one sum, squashed once), so a narrative with two angry sentences and ten
polite ones can read as strongly positive. We keep that raw score, exactly as
vaderSentiment gives it, and add a CX-aware document score:

* up to SHORT_WORDS words (tweet length, where VADER was built and validated)
  it is VADER's whole-text reading plus the CX shifts of its sentences;
* longer texts pool sentence scores: X = sum of sentence valences on VADER's raw
  scale, negative sentences weighted by NEG_WEIGHT, and score = X / sqrt(X^2 + 15 k)
  for k sentences (see ``combine``).

Evidence sentences (``neg_sentence``/``pos_sentence``, quoted as verbatims): for a
text of more than SHORT_WORDS words, its most negative and most positive sentences
(CX compound at most -0.05 / at least 0.05); a comment of up to SHORT_WORDS words is
short enough to quote whole, so it is its own evidence, on the side of its CX score
(until 2026-12 its sentences were scored one by one only to pick these out).

DOCUMENT_VERSION numbers these definitions; it is part of the stored scorer version,
so ``python -m vocsrc rescore`` redoes texts scored under an older one.

Speed: each distinct whitespace token's facts (does it end a sentence, does it hold a
word the CX pre-check looks at) are worked out once per process (``sentences._TokenFacts``). A
short comment is split into sentences only when a CX rule may apply; a narrative with
single spaces and no line break is split in token space and scored, text and sentences,
in one engine pass (``FastVader.split_scores``). Other texts take the general path
(``_analyse``); both give the same scores (tests/unit/test_document.py).

The pooled form, NEG_WEIGHT and SHORT_WORDS were chosen on the tuning split
(seeded halves of the review sets, CFPB 2015, airline tuning half) among the
candidates evaluate.py still reports; figures are given on the held-out halves.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from vocsrc.sentiment.cx import ALPHA, CxLexicon, unnormalize, default_lexicon
from vocsrc.sentiment.engine import raw_analyzer
from vocsrc.sentiment.matching import lower_is_safe
from vocsrc.sentiment.sentences import (  # noqa: F401  (clear_cache re-exported for bench/sentiment.py)
    _TokenFacts,
    _facts,
    _sentence_bounds,
    clear_cache,
    split_sentences,
)

# 2: a comment of up to SHORT_WORDS words is its own evidence (1: its extreme sentences)
DOCUMENT_VERSION = 2
POS_THRESHOLD = 0.05
NEG_THRESHOLD = -0.05
NEG_WEIGHT = 2.0
# texts up to this many words keep VADER's whole-text reading (see document_compound)
SHORT_WORDS = 30
_PARALLEL_MIN = 2000  # below this many texts, starting worker processes costs more than it saves
_CHUNK = 250
# up to this many sentences one pre-check of the whole text first (most short texts
# have no CX candidate); longer texts nearly always have one, so it would be wasted
_WHOLE_CHECK_MAX = 4

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
# NamedTuple (the fast paths below build one per text)
_new_score = tuple.__new__


@dataclass(frozen=True)
class SentenceScore:
    text: str
    raw: float
    cx: float
    words: int


@dataclass(frozen=True)
class Analysis:
    """Everything score_document derives from one text; evaluate.py compares combinations on it."""

    whole: dict[str, float]
    cx_whole: float
    sentences: tuple[SentenceScore, ...]


def combine(sentences: Sequence[SentenceScore], neg_weight: float = NEG_WEIGHT) -> float:
    """Document compound from sentence scores: a pooled sum, normalised as if by sqrt(k).

    X = sum of each sentence's valence on VADER's raw scale (negative sentences
    times ``neg_weight``); score = X / sqrt(X^2 + 15 k) for k sentences. With one
    sentence this is VADER's own normalisation; with many, consistent sentiment
    across sentences scores high while one loud sentence no longer saturates
    the whole text (X / sqrt(k) behaves like a z-statistic).
    """
    return _pool([s.cx for s in sentences], neg_weight)


def _pool(cxs: Sequence[float], neg_weight: float = NEG_WEIGHT) -> float:
    # combine() on the sentences' CX compounds alone
    if not cxs:
        return 0.0
    x = 0.0
    for c in cxs:
        v = unnormalize(c)
        x += v * neg_weight if v < 0 else v
    return round(x / math.sqrt(x * x + ALPHA * len(cxs)), 4)


_Parts = tuple[dict[str, float], float, list[str], list[float], list[float], list[int]]


def _analyse(text: str, lexicon: CxLexicon | None) -> _Parts:
    """analyse() as plain lists: whole, cx_whole, sentences, their raw and CX compounds, word counts."""
    lex = lexicon or default_lexicon()
    text = text if isinstance(text, str) else ""
    analyzer = raw_analyzer()
    whole = analyzer.polarity_scores(text)
    parts = split_sentences(text)
    if len(parts) <= 1:
        # one sentence: the whole-text score is the sentence score, no second VADER call
        cx = lex.adjust(whole["compound"], text)
        if not parts:
            return whole, cx, parts, [], [], []
        # len(str.split()) counts what _WORDS.findall counts: both split on str.isspace()
        return whole, cx, parts, [whole["compound"]], [cx], [len(text.split())]
    pieces = [s.split() for s in parts]
    words = [len(p) for p in pieces]
    compounds = getattr(analyzer, "sentence_compounds", None)
    raws = compounds(text, parts, pieces) if compounds is not None else None
    if raws is None:
        raws = [analyzer.polarity_scores(s)["compound"] for s in parts]
    facts = _facts(lex)
    total_shift = 0.0
    cxs = []
    if facts.usable and lower_is_safe(text):
        # each sentence's candidates from its tokens' facts: a sentence with no relevant
        # token (most of them) costs one set test
        for p in pieces:
            if not facts.seen.issuperset(p):
                facts.learn(p)
        relevant = facts.relevant
        for s, p, raw in zip(parts, pieces, raws):
            if relevant.isdisjoint(p):
                cxs.append(raw)
                continue
            shift = _shift(lex, s, facts.candidates(p))
            total_shift += shift
            cxs.append(lex.shifted(raw, shift))
        return whole, lex.shifted(whole["compound"], total_shift), parts, raws, cxs, words
    if len(parts) <= _WHOLE_CHECK_MAX and not lex.candidates(text):
        # a sentence's pre-check candidates are a subset of its text's (its words are
        # among the text's; a stem match in it is one in the text), so no sentence shifts
        return whole, whole["compound"], parts, raws, raws, words
    for s, raw in zip(parts, raws):
        shift = lex.shift(s)
        total_shift += shift
        cxs.append(lex.shifted(raw, shift))
    return whole, lex.shifted(whole["compound"], total_shift), parts, raws, cxs, words


def _shift(lex: CxLexicon, sentence: str, found: set[int]) -> float:
    # lex.shift(sentence) given its candidates
    if not found:
        return 0.0
    total = sum(a.valence for a in lex.adjustments(sentence, found))
    return max(-lex.max_shift, min(lex.max_shift, total))


def analyse(text: str, lexicon: CxLexicon | None = None) -> Analysis:
    """Raw VADER on the whole text, the CX shift summed over sentences, and sentence scores."""
    whole, cx_whole, parts, raws, cxs, words = _analyse(text, lexicon)
    return Analysis(whole, cx_whole, tuple(map(SentenceScore, parts, raws, cxs, words)))


def document_compound(a: Analysis, neg_weight: float = NEG_WEIGHT) -> float:
    """The stored CX document score: whole-text for short texts, sentence combination for long ones.

    VADER was built and validated on sentence- and tweet-length text, where its
    single sum works well; it saturates once several sentiment-bearing sentences
    add up. So up to SHORT_WORDS words we keep VADER's whole-text reading plus the
    CX shifts, and beyond that pool the sentences.
    """
    if sum(s.words for s in a.sentences) <= SHORT_WORDS:
        return a.cx_whole
    return combine(a.sentences, neg_weight)


def score_document(text: str, lexicon: CxLexicon | None = None) -> TextScore:
    """Raw VADER on the whole text plus the CX-aware document score and evidence sentences."""
    if type(text) is str and "\n" not in text:
        engine = raw_analyzer()
        lex = lexicon or default_lexicon()
        facts = _facts(lex)
        if facts.usable and lower_is_safe(text) and hasattr(engine, "scores_split"):
            toks = text.split()
            if len(toks) <= SHORT_WORDS:
                return _score_short(text, toks, engine, lex, facts)
            if not engine.has_emoji(text) and " ".join(toks) == text.strip():
                return _score_long(text, toks, engine, lex, facts)
    # document_compound(analyse(text)) and the evidence sentences, without building
    # an Analysis: min/max return the first extreme, as list.index finds it
    whole, cx_whole, parts, _, cxs, words = _analyse(text, lexicon)
    if sum(words) <= SHORT_WORDS:
        # a short comment is its own evidence (see the module docstring)
        cx = cx_whole
        quote = text.strip() if parts else None
        neg_sentence = quote if cx <= NEG_THRESHOLD else None
        pos_sentence = quote if cx >= POS_THRESHOLD else None
    else:
        cx = _pool(cxs)
        worst = min(cxs)
        best = max(cxs)
        neg_sentence = parts[cxs.index(worst)] if worst <= NEG_THRESHOLD else None
        pos_sentence = parts[cxs.index(best)] if best >= POS_THRESHOLD else None
    return TextScore(
        vader_compound=whole["compound"],
        vader_pos=whole["pos"],
        vader_neu=whole["neu"],
        vader_neg=whole["neg"],
        cx_compound=cx,
        label=label(whole["compound"]),
        cx_label=label(cx),
        n_sentences=len(parts),
        neg_sentence=neg_sentence,
        pos_sentence=pos_sentence,
    )


def _score_short(text: str, toks: list[str], engine: Any, lex: CxLexicon, facts: _TokenFacts) -> TextScore:
    """score_document of a text of up to SHORT_WORDS words, without a line break, where
    lower_is_safe: the same CX compound as _analyse gives, the whole text as evidence.

    Only a text with a CX candidate (about 3 in 10 short comments) is split into
    sentences, for the CX shifts; the sentence count comes from the token facts.
    """
    neg, neu, pos, compound = (engine.scores_tuple(text) if engine.has_emoji(text)
                               else engine.scores_split(text, toks))
    if not toks:
        return _new_score(TextScore, (compound, pos, neu, neg, 0.0, "neutral", "neutral", 0, None, None))
    if not facts.seen.issuperset(toks):
        facts.learn(toks)
    # sentences: one, plus one after each boundary token but the last
    n = 1 + sum(map(facts.boundary.__contains__, toks)) - (toks[-1] in facts.boundary)
    cx = compound
    found = facts.candidates(toks) if not facts.relevant.isdisjoint(toks) else None
    if found:
        if n == 1:
            cx = lex.shifted(compound, _shift(lex, text, found))
        else:
            total = 0.0
            for s in split_sentences(text):
                st = s.split()
                if not facts.relevant.isdisjoint(st):
                    total += _shift(lex, s, facts.candidates(st))
            cx = lex.shifted(compound, total)
    vl = "positive" if compound >= POS_THRESHOLD else "negative" if compound <= NEG_THRESHOLD else "neutral"
    if cx >= POS_THRESHOLD:
        return _new_score(TextScore, (compound, pos, neu, neg, cx, vl, "positive", n, None, text.strip()))
    if cx <= NEG_THRESHOLD:
        return _new_score(TextScore, (compound, pos, neu, neg, cx, vl, "negative", n, text.strip(), None))
    return _new_score(TextScore, (compound, pos, neu, neg, cx, vl, "neutral", n, None, None))


def _score_long(text: str, toks: list[str], engine: Any, lex: CxLexicon, facts: _TokenFacts) -> TextScore:
    """score_document of a text of more than SHORT_WORDS words, single spaces between its
    words, no line break, no emoji, lower_is_safe: as _analyse gives it, with the sentences
    found from the token facts (a sentence is then the join of its tokens, exactly the slice
    split_sentences returns) and the raw engine scoring text and sentences in one pass."""
    if not facts.seen.issuperset(toks):
        facts.learn(toks)
    bounds = _sentence_bounds(toks, facts.boundary)
    parts = [" ".join(toks[a:b]) for a, b in bounds]
    (neg, neu, pos, compound), raws = engine.split_scores(text, toks, parts, bounds)
    relevant = facts.relevant
    total_shift = 0.0
    cxs = raws
    for k, (a, b) in enumerate(bounds):
        piece = toks[a:b]
        if relevant.isdisjoint(piece):
            continue
        shift = _shift(lex, parts[k], facts.candidates(piece))
        if shift:
            if cxs is raws:
                cxs = list(raws)
            total_shift += shift
            cxs[k] = lex.shifted(raws[k], shift)
    cx = _pool(cxs)
    worst = min(cxs)
    best = max(cxs)
    vl = "positive" if compound >= POS_THRESHOLD else "negative" if compound <= NEG_THRESHOLD else "neutral"
    return _new_score(TextScore, (compound, pos, neu, neg, cx, vl, label(cx), len(parts),
                                  parts[cxs.index(worst)] if worst <= NEG_THRESHOLD else None,
                                  parts[cxs.index(best)] if best >= POS_THRESHOLD else None))


def _cores() -> int:
    # the cores this process may run on, which in a container can be fewer than the machine has
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _score_chunk(texts: list[str]) -> list[TextScore]:
    lex = default_lexicon()
    return [score_document(t, lex) for t in texts]


def score_many(
    texts: Iterable[str],
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[TextScore]:
    """Score many texts, in order; uses every core for big batches.

    ``progress(done, total)`` is called after each chunk. Workers read the
    lexicon from $VOC_CX_LEXICON like the parent, so both score alike.
    """
    items = [t if isinstance(t, str) else "" for t in texts]
    total = len(items)
    procs = processes if processes is not None else _cores()
    chunks = [items[i : i + _CHUNK] for i in range(0, total, _CHUNK)]
    results: list[TextScore] = []
    if procs <= 1 or total < _PARALLEL_MIN:
        for chunk in chunks:
            results.extend(_score_chunk(chunk))
            if progress:
                progress(len(results), total)
        return results
    # imported here: a one-off `score` (a pipe filter) need not pay for them at start-up
    import multiprocessing as mp
    import threading

    # fork is cheapest (workers inherit the loaded lexicon) but can deadlock a child
    # when the parent runs other threads (Streamlit does), so only fork when single-threaded
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        method = "fork"
        # load both lexicons here, once, for the workers to inherit (each loaded its own)
        raw_analyzer()
        default_lexicon().compile()
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    if method == "fork":
        # workers inherit the texts and take chunks from a shared counter (no Pool: its
        # helper threads cost the parent ~1 ms of CPU per chunk; see parallel.py)
        from vocsrc.sentiment.parallel import _score_forked

        bounds = [(i, min(i + _CHUNK, total)) for i in range(0, total, _CHUNK)]
        return _score_forked(mp.get_context("fork"), items, bounds, min(procs, len(bounds)), progress,
                             chunk_fn=_score_chunk)
    with mp.get_context(method).Pool(procs) as pool:
        for part in pool.imap(_score_chunk, chunks):
            results.extend(part)
            if progress:
                progress(len(results), total)
    return results
