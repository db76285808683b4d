"""The whole-text shortcuts of the CX layer (prescreen.py) and the fast document paths:
same scores as the general path on every external text."""

from __future__ import annotations

import re

import pytest

from vocsrc.sentiment import cx, document, rulescan
from vocsrc.sentiment.matching import lower_is_safe
from vocsrc.sentiment.prescreen import WHITESPACE, edge_safe, prescreen


def test_whitespace_is_every_character_str_split_cuts_at() -> None:
    assert WHITESPACE == "".join(chr(c) for c in range(0x110000) if chr(c).isspace())
    assert all(re.fullmatch(r"\s", ch) for ch in WHITESPACE)


@pytest.mark.parametrize("pattern, ok", [
    (r"\bcredit\s+cards?\b", True),
    (r"(?<![\w'])no\s+fuss(?![\w'])", True),
    (r"(?<![\d,.])\d{1,3}(?![\d,])\s*hours?", True),
    (r"(?=\w)promise", True),
    (r"^still waiting", False),
    (r"waiting$", False),
    (r"(?<!\s)x", False),  # a space before it would switch it off in the whole text
    (r"(?![^a-z])x", False),
    (r"(?<!ab)c", False),
    (r"(a)\1", False),
])
def test_edge_safe(pattern: str, ok: bool) -> None:
    assert edge_safe(pattern) is ok


def test_a_rule_matching_in_a_sentence_matches_in_its_text(external) -> None:
    """What none_fire relies on: for every edge_safe rule, a match in a sentence is a match
    in the whole text; so where none_fire says no rule matches, no sentence shifts."""
    from tests.unit.test_fastvader import DATASETS

    lex = cx.load_lexicon(use_env=False)
    pre = prescreen(lex)
    texts = DATASETS["airline_tweets"][0](external)[::2] + DATASETS["cfpb_2015"][0](external)[::10]
    checked = 0
    for t in texts:
        if not lower_is_safe(t):
            continue
        low = t.lower().replace("\u2019", "'")
        parts = document.split_sentences(t)
        for i in range(len(lex.rules)):
            rx = pre.whole_text_regex(i)
            assert rx is not None  # every default rule is edge_safe
            if any(rx.search(s.replace("\u2019", "'").lower()) for s in parts):
                assert rx.search(low), (lex.rules[i].key, t)
                checked += 1
        found = lex.candidates(t)
        if found and pre.none_fire(low, found):
            assert all(lex.shift(s) == 0.0 for s in parts), t
    assert checked > 1000


class _PlainEngine:
    """FastVader seen through polarity_scores alone: score_document then takes its general
    path (every sentence scored on its own, the lexicon's own pre-check per sentence)."""

    def __init__(self, engine) -> None:
        self.polarity_scores = engine.polarity_scores


def test_fast_paths_equal_the_general_path_on_all_external_texts(external, monkeypatch) -> None:
    from tests.unit.test_fastvader import DATASETS

    monkeypatch.delenv(cx.ENV_VAR, raising=False)
    texts: list[str] = []
    for name in DATASETS:
        texts += DATASETS[name][0](external)
    # whitespace normalised: narratives then take the token-space sentence path
    texts += [" ".join(t.split()) for t in texts]
    texts += [t.replace("'", "\u2019") for t in texts[::9]] + [t.upper() for t in texts[::13]]
    lex = cx.default_lexicon()
    assert prescreen(lex).scan is not None
    scanned = [score_document(t) for t in texts]
    batched = [s for i in range(0, len(texts), 250) for s in document.score_batch(texts[i:i + 250])]
    # without Hyperscan: the trigger index alone picks the rules to run
    monkeypatch.setenv(rulescan.ENV_SWITCH, "off")
    _forget_scans()
    assert prescreen(lex).scan is None
    indexed = [score_document(t) for t in texts]
    real = document.raw_analyzer()
    monkeypatch.setattr(document, "raw_analyzer", lambda: _PlainEngine(real))
    for t, a, b, c in zip(texts, scanned, batched, indexed):
        want = repr(score_document(t))
        assert repr(a) == want and repr(b) == want and repr(c) == want, t


@pytest.fixture(autouse=True)
def _forget_scans_after():
    yield
    _forget_scans()


def _forget_scans() -> None:
    # the per-lexicon prescreen remembers whether it had a scan: build it again next time
    document.clear_cache()
    rulescan.clear_cache()


score_document = document.score_document


def test_joined_sentences_are_split_sentences_in_characters_and_tokens(external) -> None:
    """The narrative path's sentences (document_fast.joined_sentences), run-on ones cut at
    clause punctuation included, against split_sentences and the token-space splitter."""
    from tests.unit.test_fastvader import DATASETS
    from vocsrc.sentiment.document_fast import joined_sentences
    from vocsrc.sentiment.sentences import _ends_sentence, _sentence_bounds, split_sentences

    texts = DATASETS["cfpb_2015"][0](external)[::4] + DATASETS["tripadvisor"][0](external)[::10]
    run_on = 0
    ends: dict[str, int] = {}
    for t in texts:
        toks = t.split()
        joined = " ".join(toks)
        spans, bounds = joined_sentences(joined, len(toks), ends)
        assert bounds == _sentence_bounds(toks, _ends_sentence), t
        assert [joined[a:b] for a, b in spans] == split_sentences(joined), t
        run_on += any(b - a < len(toks) and joined[b - 1] in ",;:" for a, b in spans)
    assert run_on > 100


# short comments whose sentence count turns on the last token, repeats, abbreviations,
# closing quotes, odd whitespace and emoji (scored through the reference's replacement)
_EDGE_SHORTS = [
    "ok. ok. ok.", "ok. ok. ok. ", "Mr. Smith helped. Thanks!  ", "Wait... what?! Really?",
    '"Great." she said. Then left.', "U.S. flights are fine.\tThe staff? Rude.", "e.g. this. And that",
    "Love it \U0001F60D. Thanks. ", "Great!!! \U0001F44D", "No.", "   ", "!", "It broke. Called 3 times. Nothing.",
    "Waited 2 hours. Never again!", "Fine\u2019s fine. OK.", "A. B. C. D.",
]


def test_sentence_counts_from_marked_tokens_equal_the_general_path(monkeypatch) -> None:
    monkeypatch.delenv(cx.ENV_VAR, raising=False)
    texts = _EDGE_SHORTS + [t.upper() for t in _EDGE_SHORTS]
    batched = document.score_batch(texts)
    real = document.raw_analyzer()
    monkeypatch.setattr(document, "raw_analyzer", lambda: _PlainEngine(real))
    for t, got in zip(texts, batched):
        assert repr(got) == repr(score_document(t)), t
    assert [s.n_sentences for s in batched[:4]] == [3, 3, 2, 3]
