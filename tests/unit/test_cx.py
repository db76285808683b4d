"""CX-aware layer: fixes the issue's sentences, leaves plain text alone, config is data and validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from vocsrc.errors import ConfigError
from vocsrc.sentiment import cx, cx_files
from vocsrc.sentiment.cx import cx_compound, default_lexicon, load_lexicon
from vocsrc.sentiment.document import score_document
from vocsrc.sentiment.engine import raw_analyzer

ISSUE_SENTENCES = {
    "They promised a callback within 24 hours and never called.": 0.3612,
    "I am still waiting for my refund, nobody called me back.": 0.0,
    "The agent was helpful but I had to call four times.": 0.2263,
}
REFERENCE = SentimentIntensityAnalyzer()


@pytest.fixture(autouse=True)
def _no_user_lexicon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cx.ENV_VAR, raising=False)


@pytest.mark.parametrize("text", list(ISSUE_SENTENCES))
def test_issue_sentences_turn_negative_and_raw_is_kept(text: str) -> None:
    s = score_document(text)
    assert s.vader_compound == ISSUE_SENTENCES[text]
    ref = REFERENCE.polarity_scores(text)
    assert (s.vader_compound, s.vader_pos, s.vader_neu, s.vader_neg) == (
        ref["compound"], ref["pos"], ref["neu"], ref["neg"])
    assert s.cx_compound <= -0.05 and s.cx_label == "negative"
    assert s.label == ("neutral" if ref["compound"] == 0 else "positive")


@pytest.mark.parametrize("text, sign", [
    ("I love this product, it works great.", 1), ("Wonderful staff, fast delivery, thank you!", 1),
    ("This is the worst hotel I have ever stayed in.", -1), ("Terrible, rude and slow.", -1),
    ("The sky is blue.", 0),
])
def test_plain_texts_keep_their_score(text: str, sign: int) -> None:
    s = score_document(text)
    assert s.cx_compound == s.vader_compound  # no CX pattern: untouched
    assert (s.cx_compound > 0.05) - (s.cx_compound < -0.05) == sign


def test_negated_cx_phrase_does_not_fire() -> None:
    lex = default_lexicon()
    assert lex.adjustments("I never had to call them again.") == []
    assert lex.shift("I did not have to wait for hours.") == 0.0


@pytest.mark.parametrize("text, rule", [
    ("Three weeks and counting.", "elapsed_time"), ("I have chased them for a month.", "many_contacts"),
    ("Nobody got back to me.", "no_response"), ("They said they would call but never did.", "broken_promise"),
    ("I was charged twice.", "money_problem"), ("Still no refund.", "money_problem"),
    ("It stopped working.", "product_failure"), ("The zip broke after a week.", "product_failure"),
    ("I am still waiting.", "still_waiting"), ("No one picks up the phone.", "cannot_reach"),
    ("Submitted for the third time.", "nth_time"), ("Thanks for nothing.", "sarcastic_thanks"),
    ("They promised to call back.", "promise_language"), ("I have not had a response yet.", "no_reply"),
])
def test_default_rules_cover_the_issue_families(text: str, rule: str) -> None:
    fired = [a.rule for a in default_lexicon().adjustments(text)]
    assert rule in fired
    raw = raw_analyzer().polarity_scores(text)["compound"]
    assert cx_compound(text) < raw


@pytest.mark.parametrize("text", [
    "They called back exactly when they said they would.", "Kept their word, refund in two days.",
    "They did what they said they would.", "They fixed the mistake on my account.",
])
def test_a_kept_promise_or_a_fixed_mistake_reads_positive(text: str) -> None:
    # 'said they would' alone is promise language (-1.5); kept, it is a good experience
    s = score_document(text)
    assert s.cx_label == "positive" and s.cx_compound > s.vader_compound, (text, s)


def test_a_broken_promise_still_reads_negative() -> None:
    for text in ("They said they would call back and never did.", "They never kept their promise.",
                 "They said they would ring me back the same day. Nobody rang."):
        assert score_document(text).cx_label == "negative", text


def test_contrast_weights_the_clause_after_but() -> None:
    lex = default_lexicon()
    plain = sum(a.valence for a in lex.adjustments("I had to call four times."))
    after_but = sum(a.valence for a in lex.adjustments("Nice people but I had to call four times."))
    assert after_but == pytest.approx(plain * lex.contrast_weight)


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "user_cx.toml"
    p.write_text(text, encoding="utf-8")
    return p


USER = """
[rules.computer_says_no]
description = "Systems as an excuse"
valence = -2.5
phrases = ["computer says no"]

[rules.money_problem]
phrases = ["fleeced"]
"""


def test_user_file_extends_by_path_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Honestly the computer says no."
    base = load_lexicon(use_env=False)
    path = _write(tmp_path, USER)
    user = load_lexicon(path)
    assert base.adjust(0.4588, text) == 0.4588
    assert user.adjust(0.4588, text) < 0
    assert "fleeced" in user.rules[[r.key for r in user.rules].index("money_problem")].phrases
    monkeypatch.setenv(cx.ENV_VAR, str(path))
    assert cx.load_lexicon().adjust(0.0, "I got fleeced.") < 0
    assert str(path) in cx.load_lexicon().sources


def test_rule_can_be_switched_off(tmp_path: Path) -> None:
    lex = load_lexicon(_write(tmp_path, "[rules.finance_terms]\nvalence = 0\n"))
    assert "finance_terms" not in [r.key for r in lex.rules]


@pytest.mark.parametrize("body, key", [
    ("[rules.x]\nvalence = 9\nphrases = ['a b']\n", "rules.x.valence"),
    ("[rules.x]\nvalence = -1\npatterns = ['(unclosed']\ntriggers = ['a']\n", "rules.x.patterns[0]"),
    ("[rules.x]\nvalence = -1\npatterns = ['(a)b']\ntriggers = ['a']\n", "rules.x.patterns[0]"),
    ("[rules.x]\nvalence = -1\npatterns = ['ab']\n", "rules.x.triggers"),
    ("[rules.x]\nvalence = -1\nphrases = 'not a list'\n", "rules.x.phrases"),
    ("[rules.x]\nvalence = -1\nphrase = ['typo']\n", "rules.x.phrase"),
    ("[rules.x]\nphrases = ['new rule without valence']\n", "rules.x.valence"),
    ("[rules.Bad-Name]\nvalence = -1\nphrases = ['a']\n", "rules.Bad-Name"),
    ("[settings]\ncontrast_weight = 'high'\n", "settings.contrast_weight"),
    ("[rules.x]\nvalence = -1\npatterns = ['{NOPE}']\ntriggers = ['a']\n", "rules.x.patterns[0]"),
    ("[lexicon]\n\"meh\" = 'bad'\n", 'lexicon."meh"'),
    ("rules = [1, 2]\n", "rules"),
    ("this is = not toml [", "(syntax)"),
])
def test_malformed_config_names_file_and_key(tmp_path: Path, body: str, key: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_lexicon(path)
    assert err.value.key == key
    assert err.value.file == str(path)
    assert str(path) in str(err.value)


def test_missing_user_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_lexicon(tmp_path / "nope.toml")


def test_default_lexicon_is_documented() -> None:
    lex = default_lexicon()
    assert len(lex.rules) >= 10
    assert all(r.description for r in lex.rules)


def test_lower_cased_rule_regexes_find_the_same_adjustments(external) -> None:
    """adjustments() with the lower-case regexes and candidates on lower-cased text equal
    those of the case-insensitive regexes (rule, matched text as written, valence)."""
    import dataclasses

    from tests.unit.test_fastvader import DATASETS
    from vocsrc.sentiment.document import split_sentences

    lex = load_lexicon(use_env=False)
    plain = dataclasses.replace(lex, lower_regexes=(), contrast_lower=None)
    texts = DATASETS["cfpb_2015"][0](external)[::3] + DATASETS["airline_tweets"][0](external)[::5]
    sentences = [s for t in texts for s in split_sentences(t)]
    sentences += [s.upper() for s in sentences[::7]] + [s.replace("'", "\u2019") for s in sentences[::5]]
    sentences += ["\u0130 was promised a callback but nobody called", "They NEVER CALLED BACK, however it's fine"]
    fired = 0
    for s in sentences:
        want = plain.adjustments(s, lex.triggers.lookup(s))
        assert lex.adjustments(s) == want, s
        fired += bool(want)
    assert fired > 100


@pytest.mark.parametrize("pattern, ok", [
    (r"\b(?:had|have)\s+to\s+call(?:ed)?\b", True), (r"(?<![\d,.])\d{1,3}(?![\d,])", True),
    (r"[^.!?;]{0,90}?\bnever\b", True), (r"didn\x27t", True),
    (r"[A-Z]x", False), (r"\bCall", False), (r"(?-i:call)", False), (r"(?x) call", False),
    (r"(a)\1", False), ("\u017f", False), (r"caf\u00e9", False),
])
def test_case_free_accepts_only_patterns_that_match_alike_on_lower_text(pattern: str, ok: bool) -> None:
    assert cx.case_free(pattern) is ok


def test_default_rules_all_run_on_lower_text() -> None:
    lex = load_lexicon(use_env=False)
    assert all(r.get() is not None for r in lex.lower_regexes) and lex.contrast_lower is not None


def _shape(lex: cx.CxLexicon) -> tuple:
    return (tuple((r.key, r.description, r.valence, r.phrases, r.patterns, r.triggers, r.requires, r.negatable,
                   r.source) for r in lex.rules),
            lex.sources, lex.negations, lex.negation_window, lex.contrast_words, lex.contrast_weight, lex.max_shift)


def test_validated_lexicon_is_cached_and_follows_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user = tmp_path / "mine.toml"
    user.write_text('[lexicon]\n"gutted" = -2.5\n[rules.delay]\nvalence = -3.0\n')
    fresh = cx.load_lexicon(user, use_env=False)
    (entry,) = (tmp_path / "cache" / "vocsrc").glob("cx-lexicon-*.json")
    # a second load reads the entry: switch validation off to prove it
    monkeypatch.setattr(cx_files, "_validate", lambda sources: pytest.fail("validated again"))
    assert _shape(cx.load_lexicon(user, use_env=False)) == _shape(fresh)
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    user.write_text('[lexicon]\n"gutted" = -1.0\n')
    edited = cx.load_lexicon(user, use_env=False)
    assert [r.valence for r in edited.rules if r.key == "lex_gutted"] == [-1.0]
    assert next(r for r in edited.rules if r.key == "delay").valence == -1.5
    entry.write_bytes(b"{not json")  # a damaged entry is rebuilt, not trusted
    user.write_text('[lexicon]\n"gutted" = -2.5\n[rules.delay]\nvalence = -3.0\n')
    assert _shape(cx.load_lexicon(user, use_env=False)) == _shape(fresh)
    user.write_text('[rules.delay]\nvalence = "high"\n')
    with pytest.raises(ConfigError, match="valence"):
        cx.load_lexicon(user, use_env=False)
