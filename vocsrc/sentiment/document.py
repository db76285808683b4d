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

Speed: with Hyperscan installed, one compiled pass over a short comment (or over a batch of
them, ``score_batch``) finds every place a CX rule's regex may match (rulescan.py); the rules
run only where it found one, in about one comment in nine. Without it, each distinct
whitespace token's facts (does it end a sentence, does it hold a word the CX pre-check looks
at) are worked out once per process (``sentences._TokenFacts``), and a short comment is split
into sentences only when a candidate CX rule matches somewhere in the whole text
(prescreen.py). A narrative with single spaces and no line break is split in token space and
scored, text and sentences, in one engine pass (``FastVader.split_scores``). These fast paths
live in document_fast.py; other texts take the general path (``_analyse``); all give the same
scores (tests/unit/test_document.py, tests/unit/test_prescreen.py, tests/unit/test_rulescan.py).

The pooled form, NEG_WEIGHT and SHORT_WORDS were chosen on the tuning split
(seeded halves of the review sets, CFPB 2015, airline tuning half) among the
candidates evaluate.py still reports; figures are given on the held-out halves.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from vocsrc.sentiment.cx import CxLexicon, default_lexicon
from vocsrc.sentiment.document_fast import (score_long, score_long_scanned, score_short, score_short_scanned,
                                            score_shorts)
from vocsrc.sentiment.engine import raw_analyzer
from vocsrc.sentiment.matching import lower_is_safe
from vocsrc.sentiment.prescreen import clear_cache, prescreen  # noqa: F401  (clear_cache: for bench/sentiment.py)
from vocsrc.sentiment.sentences import _facts, split_sentences
from vocsrc.sentiment.textscore import (  # noqa: F401  (re-exported: callers import them from here)
    NEG_THRESHOLD,
    NEG_WEIGHT,
    POS_THRESHOLD,
    SHORT_WORDS,
    TextScore,
    label,
    pool as _pool,
)

# 2: a comment of up to SHORT_WORDS words is its own evidence (1: its extreme sentences)
DOCUMENT_VERSION = 2
_PARALLEL_MIN = 2000  # below this many texts, starting worker processes costs more than it saves
_CHUNK = 250
# up to this many sentences one pre-check of the whole text first (most short texts
# have no CX candidate); longer texts nearly always have one, so it would be wasted
_WHOLE_CHECK_MAX = 4


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
            if not facts.knows(p):
                facts.learn(p)
        relevant = facts.relevant
        for s, p, raw in zip(parts, pieces, raws):
            if relevant.isdisjoint(p):
                cxs.append(raw)
                continue
            shift = lex.shift(s, facts.candidates(p))
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
        pre = prescreen(lex)
        if pre.usable and lower_is_safe(text) and hasattr(engine, "scores_split"):
            got = _fast_score(text, text.split(), engine, lex, pre)
            if got is not None:
                return got
    return _general_score(text, lexicon)


def _fast_score(text: str, toks: list[str], engine: Any, lex: CxLexicon, pre: Any) -> TextScore | None:
    """score_document by a fast path (document_fast.py) of a text without line breaks where
    lower_is_safe holds, given its whitespace tokens; None when none applies."""
    scan = pre.scan
    if len(toks) <= SHORT_WORDS:
        if scan is not None:
            low = text.lower()
            if "\u2019" in low:
                low = low.replace("\u2019", "'")  # as the rules read each sentence
            return score_short_scanned(text, toks, engine, lex, scan.ends(low), pre.ends)
        return score_short(text, toks, engine, lex, pre)
    if not engine.has_emoji(text) and " ".join(toks) == text.strip():
        if scan is not None:
            low = text.strip().lower()
            if "\u2019" in low:
                low = low.replace("\u2019", "'")
            return score_long_scanned(text, toks, engine, lex, scan.ends(low), pre.ends)
        return score_long(text, toks, engine, lex, pre.facts)
    return None


def _general_score(text: str, lexicon: CxLexicon | None) -> TextScore:
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


def _cores() -> int:
    # the cores this process may run on, which in a container can be fewer than the machine has
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def score_batch(texts: list[str], lexicon: CxLexicon | None = None) -> list[TextScore]:
    """``[score_document(t, lexicon) for t in texts]``, with one Hyperscan pass for all the
    short comments among them instead of one per comment (rulescan.py)."""
    lex = lexicon or default_lexicon()
    engine = raw_analyzer()
    pre = prescreen(lex)
    scan = pre.scan
    if scan is None or not hasattr(engine, "scores_split"):
        return [score_document(t, lex) for t in texts]
    out: list[Any] = []
    # (position in out, text, tokens) of the short comments, which share one scan (a call
    # costs more than scanning one); anything else is scored at once (a narrative is scanned
    # alone: joined with others the scan ran slower per character, and its tokens are not
    # kept waiting)
    short: list[tuple[int, str, list[str]]] = []
    for t in texts:
        # (a scan exists only for a usable prescreen)
        if type(t) is str and "\n" not in t and lower_is_safe(t):
            toks = t.split()
            if len(toks) <= SHORT_WORDS:
                short.append((len(out), t, toks))
                out.append(None)
                continue
            got = _fast_score(t, toks, engine, lex, pre)
            out.append(got if got is not None else _general_score(t, lex))
            continue
        out.append(score_document(t, lex))
    if short:
        texts_ = [t for _, t, _ in short]
        scored = score_shorts(texts_, [toks for _, _, toks in short], engine, lex, scan.ends_many(texts_), pre.ends)
        for (i, _, _), score in zip(short, scored):
            out[i] = score
    return out


def _score_chunk(texts: list[str]) -> list[TextScore]:
    return score_batch(texts)


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
    return [s for part in map_chunks(items, _score_chunk, processes, progress) for s in part]


def preload() -> None:
    """Load both lexicons, the rule scan and every rule regex now, once, for forked workers to
    inherit (each built its own before, and compiled the regexes of what it met)."""
    raw_analyzer()
    prescreen(default_lexicon())
    from vocsrc.sentiment.regexcache import compile_rules

    compile_rules(default_lexicon())  # from compiled programs in the cache directory


def map_chunks(items: list[str], chunk_fn: Callable[[list[str]], Any], processes: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``chunk_fn(chunk)`` for each run of _CHUNK texts, in order; on every core for big batches.

    ``chunk_fn`` must be a module-level function (spawned workers import it by name); it may
    return anything picklable: the score command's returns its chunk's JSON lines, so the
    workers format them and the parent only writes. ``progress(done, total)`` counts texts.
    """
    total = len(items)
    procs = processes if processes is not None else _cores()
    bounds = [(i, min(i + _CHUNK, total)) for i in range(0, total, _CHUNK)]
    results: list[Any] = []
    if procs <= 1 or total < _PARALLEL_MIN:
        for a, b in bounds:
            results.append(chunk_fn(items[a:b]))
            if progress:
                progress(b, total)
        return results
    # fork is cheapest (workers inherit the loaded lexicon) but can deadlock a child when the
    # parent runs other threads (Streamlit does), so only fork when single-threaded
    threading = sys.modules.get("threading")  # not imported: no other Python thread
    fork = hasattr(os, "fork") and (threading is None or threading.active_count() == 1)
    if fork:
        preload()
        # plain os.fork and pipes, this process scoring too (forkmap.py): a one-off `score`
        # (a pipe filter) need not pay for importing multiprocessing
        from vocsrc.sentiment.forkmap import fork_map

        got = fork_map(items, bounds, chunk_fn, min(procs, len(bounds)), progress)
        if got is not None:
            return got
    import multiprocessing as mp

    if fork:
        # too many chunks for forkmap's pipe of chunk numbers: workers take chunks from a
        # shared counter (no Pool: its helper threads cost the parent ~1 ms of CPU per chunk;
        # see parallel.py)
        from vocsrc.sentiment.parallel import _score_forked

        return _score_forked(mp.get_context("fork"), items, bounds, min(procs, len(bounds)), progress,
                             chunk_fn=chunk_fn)
    methods = mp.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    from vocsrc.sentiment.workers import worker_pool

    with worker_pool(mp.get_context(method), procs) as pool:
        for (_, b), part in zip(bounds, pool.map(chunk_fn, [items[a:b] for a, b in bounds])):
            results.append(part)
            if progress:
                progress(b, total)
    return results
