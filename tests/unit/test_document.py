"""Sentence splitting, document scores, evidence sentences and batch scoring."""

from __future__ import annotations

import dataclasses

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from vocsrc.sentiment import document
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
                       "Breakfast was cold and the manager was rude. We checked out at noon.")
    assert s.pos_sentence == "The room was lovely and the staff were great."
    assert s.neg_sentence == "Breakfast was cold and the manager was rude."
    plain = score_document("We arrived at noon. We left on Monday.")
    assert plain.neg_sentence is None and plain.pos_sentence is None


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
    with pytest.raises(dataclasses.FrozenInstanceError):
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
