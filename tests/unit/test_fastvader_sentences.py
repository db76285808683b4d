"""FastVader's sentence scores (``split_scores``, ``sentence_compounds``): each sentence of a
text scores exactly as vaderSentiment scores that sentence alone, though the sentences take
their values from one pass over the whole text. Split out of test_fastvader.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as vs

from tests.unit.test_fastvader import DATASETS, FAST, KEYS, REF, _dense_word


def test_sentence_compounds_equal_scoring_each_sentence(external: Path) -> None:
    from vocsrc.sentiment.document import split_sentences

    texts = DATASETS["airline_tweets"][0](external)[::5] + DATASETS["cfpb_2015"][0](external)[::10]
    texts += ["NOT good. So NOT kind of bad!!! Never so good? but no... at least ok", "kind of. of"]
    used = 0
    for text in texts:
        parts = split_sentences(text)
        got = FAST.sentence_compounds(text, parts, [s.split() for s in parts])
        if got is not None:
            used += 1
            assert got == [REF.polarity_scores(s)["compound"] for s in parts], text
    assert used > 0.9 * len(texts)
    assert FAST.sentence_compounds("Good \U0001F600. Bad.", ["Good \U0001F600.", "Bad."],
                                   [["Good", "\U0001F600."], ["Bad."]]) is None  # emoji: caller scores
    assert FAST.sentence_compounds("Good. Bad.", ["Good.", "Bad"], [["Good."], ["Bad"]]) is None


def test_split_scores_equal_scoring_text_and_each_sentence(external: Path) -> None:
    import random

    rng = random.Random(11)
    texts = DATASETS["airline_tweets"][0](external)[::7] + DATASETS["cfpb_2015"][0](external)[::12]
    texts += ["NOT good. So NOT kind of bad!!! Never so good? but no... at least ok", "kind of. of", "   "]
    for text in texts:
        if FAST.has_emoji(text):
            continue
        toks = text.split()
        cuts = sorted(set(rng.sample(range(1, len(toks)), min(len(toks) - 1, 4)))) if len(toks) > 1 else []
        edges = [0, *cuts, len(toks)] if toks else [0, 0]
        bounds = list(zip(edges, edges[1:]))
        sentences = [" ".join(toks[a:b]) for a, b in bounds]
        whole, compounds = FAST.split_scores(text, toks, sentences, bounds)
        assert whole == FAST.scores_tuple(text) == tuple(REF.polarity_scores(text)[k] for k in KEYS), text
        assert compounds == [REF.polarity_scores(s)["compound"] for s in sentences], text


# -- split_scores: sentences reuse the whole text's valences -------------------------


def _split_case(groups: list[list[str]], bounds: list[tuple[int, int]] | None = None):
    """split_scores' arguments for the groups' tokens, cut where the groups meet (or at bounds)."""
    toks = [t for g in groups for t in g]
    if bounds is None:
        edges = [0]
        for g in groups:
            edges.append(edges[-1] + len(g))
        bounds = list(zip(edges, edges[1:]))
    return " ".join(toks), toks, [" ".join(toks[a:b]) for a, b in bounds], bounds


def _split_mismatch(text: str, toks: list[str], sentences: list[str], bounds: list[tuple[int, int]]):
    """None if split_scores gives what vaderSentiment gives for the text and each sentence."""
    whole, compounds = FAST.split_scores(text, toks, sentences, bounds)
    want_whole = tuple(REF.polarity_scores(text)[k] for k in KEYS)
    want = [REF.polarity_scores(s)["compound"] for s in sentences]
    if whole == want_whole and compounds == want:
        return None
    return text, bounds, whole, want_whole, compounds, want


# Each of these needs a sentence scored again: taking the whole text's valence for its
# word would be wrong (test_split_scores_rescoring_guards_matter checks that it is).
_EDGE_SPLITS = [
    [["it", "is", "so", "kind"], ["of", "them", "to", "help"]],  # "kind" | "of": 0 in the text
    [["there", "was", "no"], ["good", "reason", "here"]],  # "no" | lexicon word, both sides
    [["we", "paid", "it"], ["so", "good"]],  # "so" boosts 1.25x only with a word before it
    [["he", "said", "the"], ["shit", "is", "fine"]],  # "the shit" idiom across the cut
    [["it", "was", "a", "kiss", "of"], ["death", "for", "us"]],  # the rules read i+2 too
]
_CAPS_SPLITS = [
    [["the", "staff", "was", "GOOD"], ["GREAT"]],  # text cap_diff True, sentence all caps: False
    [["GOOD", "stuff", "here"], ["GREAT", "FUN!"]],
]


def test_split_scores_on_sentences_needing_their_own_scoring() -> None:
    for groups in _EDGE_SPLITS + _CAPS_SPLITS:
        assert _split_mismatch(*_split_case(groups)) is None
    # all caps everywhere (cap_diff False for text and sentences), and text edges
    assert _split_mismatch(*_split_case([["SO", "GOOD"], ["NOT", "BAD"], ["KIND"], ["OF", "GREAT"]])) is None
    assert _split_mismatch(*_split_case([["no"], ["good"]])) is None
    assert _split_mismatch(*_split_case([["kind"], ["of"]])) is None


def test_split_scores_rescoring_guards_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the edge guard or the caps guard, split_scores must go wrong on the cases above:
    # so those cases (and the property test below, which builds such texts) check the guards.
    from vocsrc.sentiment import fastvader

    monkeypatch.setattr(fastvader, "_edge_starts", lambda *args: set())
    assert all(_split_mismatch(*_split_case(g)) for g in _EDGE_SPLITS)
    monkeypatch.undo()
    monkeypatch.setattr(fastvader, "_caps_apart", lambda *args: False)
    assert all(_split_mismatch(*_split_case(g)) for g in _CAPS_SPLITS)


# Sentences of few words, dense in rule words, so rule words and caps land right at
# sentence edges; some sentences shouted (every token upper), sometimes the whole text.
_SHOUT_WORDS = ["good", "bad", "great", "love", "hate", "kind", "no", "not", "never", "so", "this",
                "very", "least", "but", "of", "shit", "the", "yeah", "right", "without", "doubt"]
# Multi-word idioms come as a unit, so random cuts often fall inside one; "but" comes
# often enough that several sentences of a text have their own.
_IDIOMS = sorted(k for k in (*vs.SPECIAL_CASES, *vs.BOOSTER_DICT) if " " in k)
_chunk = st.one_of(_dense_word.map(lambda w: [w]), _dense_word.map(lambda w: [w]),
                   st.sampled_from(_IDIOMS).map(str.split), st.just(["but"]))
_plain_sentence = st.lists(_chunk, min_size=1, max_size=5).map(lambda c: [w for ws in c for w in ws])
_shouted_sentence = st.lists(st.sampled_from(_SHOUT_WORDS).flatmap(
    lambda w: st.sampled_from([w.upper(), w.upper() + "!", w.upper() + ",", w.upper() + "?"])),
    min_size=1, max_size=4)
_sentence_groups = st.lists(st.one_of(_plain_sentence, _plain_sentence, _shouted_sentence),
                            min_size=1, max_size=7)


@st.composite
def _split_texts(draw: Any) -> tuple[str, list[str], list[str], list[tuple[int, int]]]:
    groups = draw(_sentence_groups)
    if draw(st.integers(0, 9)) == 0:
        groups = [[t.upper() for t in g] for g in groups]
    toks = [t for g in groups for t in g]
    if draw(st.booleans()) or len(toks) < 2:
        return _split_case(groups)  # cut where the sentences were built
    cuts = draw(st.sets(st.integers(1, len(toks) - 1), max_size=8))  # random contiguous cuts
    edges = [0, *sorted(cuts), len(toks)]
    return _split_case([toks], list(zip(edges, edges[1:])))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_split_texts())
def test_split_scores_property(case: tuple[str, list[str], list[str], list[tuple[int, int]]]) -> None:
    assert _split_mismatch(*case) is None
