"""Sentence splitting, document scores, evidence sentences and batch scoring."""

from __future__ import annotations

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from vocsrc.sentiment import document, sentences
from vocsrc.sentiment.document import TextScore, score_document, score_many, split_sentences

REFERENCE = SentimentIntensityAnalyzer()


@pytest.mark.parametrize("text, expected", [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ("Mr. Smith met Dr. Jones at 5 p.m. on Friday. It went well.",
     ["Mr. Smith met Dr. Jones at 5 p.m. on Friday.", "It went well."]),
    ("I paid {$1200.00} on XX/XX/XXXX. They said e.g. checks are fine.",
     ["I paid {$1200.00} on XX/XX/XXXX.", "They said e.g. checks are fine."]),
    ("Called XXXX XXXX. No answer.", ["Called XXXX XXXX.", "No answer."]),
    ("The U.S. Bank branch closed. i was upset.", ["The U.S. Bank branch closed.", "i was upset."]),
    ("first line\nsecond line\n\nthird line", ["first line", "second line", "third line"]),
    ('He said "no way." Then he left.', ['He said "no way."', "Then he left."]),
    ("Version 2.5 is out... finally!", ["Version 2.5 is out...", "finally!"]),
    ("Call me at 5 p.m. Thanks.", ["Call me at 5 p.m. Thanks."]),  # ambiguous: we keep it whole
    ("I was told No. 5 was open. It was not.", ["I was told No. 5 was open.", "It was not."]),
    ("", []), ("   \n ", []),
])
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_run_on_text_is_cut_at_clauses() -> None:
    # TripAdvisor's text is lower-cased with commas for full stops
    text = ", ".join(["nice hotel good location friendly staff"] * 12)
    parts = split_sentences(text)
    assert len(parts) == 12
    assert split_sentences("short, with commas, stays whole") == ["short, with commas, stays whole"]


def test_raw_scores_are_vaders_own_on_the_whole_text() -> None:
    text = ("I opened a savings account with them in March 2015 after moving to the city for work. The rep was friendly and promised a refund. "
            "Three weeks and counting, still no refund. I had to call four times. Great.")
    s = score_document(text)
    ref = REFERENCE.polarity_scores(text)
    assert (s.vader_compound, s.vader_pos, s.vader_neu, s.vader_neg) == (
        ref["compound"], ref["pos"], ref["neu"], ref["neg"])
    assert s.label == "positive" and s.cx_label == "negative"
    assert s.n_sentences == 5


def test_single_sentence_reuses_the_whole_text_score(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = document.raw_analyzer()

    class Counting:
        def polarity_scores(self, text: str) -> dict[str, float]:
            calls.append(text)
            return real.polarity_scores(text)

    monkeypatch.setattr(document, "raw_analyzer", lambda: Counting())
    s = score_document("Lovely shop, helpful staff")
    assert len(calls) == 1 and s.n_sentences == 1
    assert s.cx_compound == s.vader_compound


def test_evidence_sentences() -> None:
    s = score_document("The room was lovely and the staff were great. "
                       "Breakfast was cold and the manager was rude. We checked out at noon. "
                       "The taxi we had booked for the airport came on time and the driver was kind.")
    assert s.pos_sentence == "The room was lovely and the staff were great."
    assert s.neg_sentence == "Breakfast was cold and the manager was rude."
    plain = score_document("We arrived at noon and unpacked the car. We left on Monday after breakfast. "
                           "The drive home went through the hills and the small towns, with one short break for fuel.")
    assert plain.neg_sentence is None and plain.pos_sentence is None


def test_a_short_comment_is_its_own_evidence() -> None:
    # up to SHORT_WORDS words the whole comment is quoted, on the side of its CX score
    text = "  The room was OK. Breakfast was cold and the manager was rude!  "
    s = score_document(text)
    assert s.n_sentences == 2 and s.cx_compound <= document.NEG_THRESHOLD
    assert s.neg_sentence == text.strip() and s.pos_sentence is None
    good = score_document("Lovely room. Great staff.")
    assert good.pos_sentence == "Lovely room. Great staff." and good.neg_sentence is None
    assert score_document("We arrived at noon. We left on Monday.").pos_sentence is None


def test_long_narrative_is_not_saturated_by_polite_sentences() -> None:
    polite = "Thank you, the staff were friendly and I appreciate the help. "
    text = polite * 4 + "I am still waiting for my refund. Nobody called me back. I was charged twice. " * 2
    s = score_document(text)
    assert s.vader_compound > 0.9  # whole-text VADER: saturated positive
    assert s.cx_compound < s.vader_compound - 0.5
    assert s.neg_sentence is not None and s.pos_sentence is not None


def test_odd_inputs() -> None:
    for value in ("", None, float("nan")):
        s = score_document(value)  # type: ignore[arg-type]
        assert s.vader_compound == 0.0 and s.cx_compound == 0.0 and s.n_sentences == 0
        assert s.label == "neutral" and s.neg_sentence is None


def test_text_score_is_frozen() -> None:
    s = score_document("Fine.")
    with pytest.raises(AttributeError):
        s.cx_compound = 1.0  # type: ignore[misc]


TEXTS = ["I love it.", "Still waiting for my refund.", "", "Broke after a week. Shame.", "ok"] * 8


def test_score_many_keeps_order_and_matches_single(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    one = score_many(TEXTS, processes=1, progress=lambda d, n: seen.append((d, n)))
    assert one == [score_document(t) for t in TEXTS]
    assert seen[-1] == (len(TEXTS), len(TEXTS))
    monkeypatch.setattr(document, "_PARALLEL_MIN", 1)
    monkeypatch.setattr(document, "_CHUNK", 7)
    assert score_many(TEXTS, processes=2) == one
    assert all(isinstance(s, TextScore) for s in one)


# -- the fast paths of analyse give exactly what the plain computation gives ---------------


def _reference_score(text: str) -> TextScore:
    """score_document as first written: every sentence scored by VADER from scratch, every
    sentence through the CX pre-check (case-insensitive regexes), words counted by regex."""
    import re

    from vocsrc.sentiment.cx import default_lexicon

    lex = default_lexicon()
    words = re.compile(r"\S+")

    def shift(sentence: str) -> float:
        found = lex.triggers.lookup(sentence)
        if not found:
            return 0.0
        total = sum(a.valence for a in lex.adjustments(sentence, found))
        return max(-lex.max_shift, min(lex.max_shift, total))

    text = text if isinstance(text, str) else ""
    whole = REFERENCE.polarity_scores(text)
    parts = split_sentences(text)
    if len(parts) <= 1:
        cx_whole = lex.shifted(whole["compound"], shift(text))
        sents = [document.SentenceScore(parts[0], whole["compound"], cx_whole, len(words.findall(text)))] if parts else []
    else:
        total = 0.0
        sents = []
        for s in parts:
            raw = REFERENCE.polarity_scores(s)["compound"]
            sh = shift(s)
            total += sh
            sents.append(document.SentenceScore(s, raw, lex.shifted(raw, sh), len(words.findall(s))))
        cx_whole = lex.shifted(whole["compound"], total)
    a = document.Analysis(whole, cx_whole, tuple(sents))
    cx = document.document_compound(a)
    worst = min(a.sentences, key=lambda s: s.cx, default=None)
    best = max(a.sentences, key=lambda s: s.cx, default=None)
    neg = worst.text if worst is not None and worst.cx <= document.NEG_THRESHOLD else None
    pos = best.text if best is not None and best.cx >= document.POS_THRESHOLD else None
    if a.sentences and sum(s.words for s in a.sentences) <= document.SHORT_WORDS:
        # a short comment is its own evidence, on the side of its CX score
        neg = text.strip() if cx <= document.NEG_THRESHOLD else None
        pos = text.strip() if cx >= document.POS_THRESHOLD else None
    return TextScore(whole["compound"], whole["pos"], whole["neu"], whole["neg"], cx,
                     document.label(whole["compound"]), document.label(cx), len(a.sentences), neg, pos)


def test_fast_paths_change_no_score(external, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sentence scores from the text's tokens, the whole-text CX pre-check, the lower-cased
    pre-check: every TextScore field as the plain computation gives it (floats by repr)."""
    from tests.unit.test_fastvader import DATASETS
    from vocsrc.sentiment import cx

    monkeypatch.delenv(cx.ENV_VAR, raising=False)
    texts = ["", "Hi.", "NOT GOOD. Never again!", "I waited 2 hours. Never called back. But the refund came.",
             "\U0001F600 great \U0001F621 bad. Fine", "\u0130stanbul was GREAT. \u017fo good. never called back!"]
    for name, step in (("airline_tweets", 7), ("alexa", 3), ("tripadvisor", 8), ("clothing", 2),
                       ("cfpb_sample", 8), ("cfpb_2015", 16), ("vader_tweets", 4)):
        texts += DATASETS[name][0](external)[::step]
    texts += [t.upper() for t in texts[::50]] + [t.replace("'", "\u2019") for t in texts[::40]]
    # whitespace normalised: narratives then take the token-space sentence path
    texts += [" ".join(t.split()) for t in texts[::3]]
    for t in texts:
        assert repr(score_document(t)) == repr(_reference_score(t)), t


def _reference_split(text: str) -> list[str]:
    """split_sentences as first written (boundary regex always run, words counted by regex)."""
    import re

    text = text.strip()
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in sentences._BOUNDARY.finditer(text):
        end = m.start() + len(m.group(1) or "")
        piece = text[start:end]
        if "\n" not in m.group(0) and not m.group(1) and sentences._is_abbreviation(piece):
            continue
        if piece.strip():
            out.append(piece.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    result: list[str] = []
    for s in out:
        if len(re.findall(r"\S+", s)) > sentences.LONG_SENTENCE_WORDS:
            result.extend(c for c in sentences._CLAUSE.split(s) if c.strip())
        else:
            result.append(s)
    return result


def test_split_fast_path_changes_no_split(external) -> None:
    from tests.unit.test_fastvader import DATASETS

    texts = ["a\u2028b. c", "x.\u00a0y", 'He said "no."\u3000Next', "end!", "a\r\nb", "one two\x1cthree. four"]
    for name in DATASETS:
        texts += DATASETS[name][0](external)
    assert [split_sentences(t) for t in texts] == [_reference_split(t) for t in texts]


def test_abbreviation_check_reads_the_last_token_as_the_regex_does() -> None:
    import random

    rng = random.Random(3)
    for _ in range(20000):
        piece = "".join(rng.choice(" \"'([a.Bx!?\n\u00a0") for _ in range(rng.randint(0, 8)))
        m = sentences._LAST_TOKEN.search(piece)
        if piece and not piece[-1].isspace():
            last = piece.rsplit(None, 1)[-1]
            assert m is not None and m.group(1) == (last.lstrip("\"'([") or last[-1]), piece


def test_token_facts_give_the_lexicons_candidates_and_sentence_count(external) -> None:
    """The per-token pre-check equals CxLexicon.candidates; the boundary tokens count the
    sentences split_sentences finds (texts without line breaks)."""
    from tests.unit.test_fastvader import DATASETS
    from vocsrc.sentiment.cx import load_lexicon
    from vocsrc.sentiment.matching import lower_is_safe

    lex = load_lexicon(use_env=False)
    facts = sentences._TokenFacts(lex)
    assert facts.usable
    texts = DATASETS["airline_tweets"][0](external)[::3] + DATASETS["cfpb_2015"][0](external)[::20]
    texts += ["Malfunctioning again. Mr. Smith said \u201cno.\u201d Then (finally!) it worked?!) ok", "e.g. fine. U.S. mail"]
    checked = 0
    for t in texts:
        if not lower_is_safe(t):
            continue
        toks = t.split()
        facts.learn(toks)
        assert facts.candidates(toks) == lex.candidates(t), t
        if "\n" not in t and toks:
            n = 1 + sum(tok in facts.boundary for tok in toks[:-1])
            if len(toks) <= sentences.LONG_SENTENCE_WORDS:
                assert n == len(split_sentences(t)), t
            checked += 1
    assert checked > 1000
