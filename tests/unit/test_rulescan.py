"""The Hyperscan screen over the CX rules (rulescan.py): it must flag every place a rule's
regex matches in a sentence, so skipping what it does not flag changes no score."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vocsrc.sentiment import cx, document, prescreen, rulescan
from vocsrc.sentiment.matching import lower_is_safe

LEX = cx.load_lexicon(use_env=False)
SCAN = rulescan.rule_scan(LEX)


def _one_rule_scan(pattern: str) -> rulescan.RuleScan:
    import hyperscan

    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(expressions=[rulescan.hs_pattern(pattern, re.IGNORECASE).encode()], ids=[0], elements=1,
               flags=[hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY])
    return rulescan.RuleScan(db)


def test_the_default_rules_all_compile_for_the_scan() -> None:
    assert SCAN is not None
    assert len(rulescan._sources(LEX)) == len(LEX.rules)


@pytest.mark.parametrize("pattern, text, ends", [
    # a leading one-character lookbehind consumes the character before: the text's start too
    (r"(?<![\w'])no\s+fuss(?![\w'])", "no fuss at all", [7]),
    (r"(?<![\w'])no\s+fuss(?![\w'])", "piano fuss; so no  fuss", [23]),
    # after \b the lookbehind cannot consume (the \b would move): dropped, a superset
    (r"\b(?<![\d,.])\d{1,3}\s*hours", "waited 3 hours, not 1,500 hours", [14, 31]),
    (r"^still waiting$", "we are still waiting", [20]),  # anchors dropped: a sentence starts mid-text
    (r"\bwait(?:ed|ing){0,1}\b", "Waited!", [6]),
    (r"a.c", "a\nc abc", [7]),
    (r"caf\w", "caf\u00e9 caf\u0661", [4, 9]),  # non-ASCII word and digit characters stay \w
])
def test_hs_pattern_reports_where_python_matches(pattern: str, text: str, ends: list[int]) -> None:
    found = sorted({e for _, e in _one_rule_scan(pattern).ends(text.lower())})
    python = [m.end() for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert set(python) <= set(found)
    assert found == ends


@pytest.mark.parametrize("pattern", [r"(a)\1", "caf\u00e9", r"[\u00e0-\u00ff]x"])
def test_hs_pattern_refuses_what_it_cannot_stand_in_for(pattern: str) -> None:
    with pytest.raises(rulescan.Unsupported):
        rulescan.hs_pattern(pattern, re.IGNORECASE)


def _words() -> list[str]:
    words = {"3", "24", "1,500", "two", "a", "few", "the", "no", "not", "never", "but", "still", "and"}
    for rule in LEX.rules:
        for phrase in rule.phrases:
            words.update(phrase.replace("*", "").split())
        words.update(rule.triggers)
        words.update(rule.requires)
    return sorted(words)


_WORD = st.sampled_from(_words()) | st.sampled_from(["caf\u00e9", "\u0661\u0662", "\U0001F600", "x\u2019s", "HOURS"])
_GAP = st.sampled_from([" ", " ", " ", "  ", ". ", "! ", "? ", ", ", "\u00a0", " - ", ".\u00a0", " \x1c"])


@st.composite
def _texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(_WORD, min_size=1, max_size=30))
    out = words[0]
    for w in words[1:]:
        out += draw(_GAP) + (w.capitalize() if draw(st.booleans()) else w)
    return out


def _matches_by_sentence(text: str) -> list[tuple[int, int]]:
    """(rule, end offset in text) of every match each rule's regex finds in each sentence,
    read as the rules read it."""
    out = []
    pos = 0
    for part in document.split_sentences(text):
        start = text.find(part, pos)
        pos = start + len(part)
        read = part.replace("\u2019", "'")
        for i, rule in enumerate(LEX.rules):
            out += [(i, start + m.end()) for m in rule.regex.finditer(read)]
    return out


def _check_flags_every_match(text: str) -> int:
    if not lower_is_safe(text):
        return 0
    reported = set(SCAN.ends(text.lower().replace("\u2019", "'")))
    matches = _matches_by_sentence(text)
    assert set(matches) <= reported, (text, set(matches) - reported)
    return len(matches)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_every_match_in_a_sentence_is_reported_at_its_end(text: str) -> None:
    _check_flags_every_match(text)


def test_every_match_in_the_external_data_is_reported(external) -> None:
    from tests.unit.test_fastvader import DATASETS

    texts = DATASETS["airline_tweets"][0](external)[::3] + DATASETS["cfpb_2015"][0](external)[::12]
    texts += DATASETS["clothing"][0](external)[::20]
    assert sum(map(_check_flags_every_match, texts)) > 1000


def test_one_scan_of_many_texts_finds_what_scanning_each_finds(external) -> None:
    from tests.unit.test_fastvader import DATASETS

    texts = [t for t in DATASETS["airline_tweets"][0](external)[:3000] if lower_is_safe(t)]
    texts += ["", "still waiting", "Still waiting\u2019s end", "caf\u00e9 3 hours on hold"]
    many = SCAN.ends_many(texts)
    flagged = 0
    for k, t in enumerate(texts):
        alone = SCAN.ends(t.lower().replace("\u2019", "'"))
        assert set(alone) <= set(many.get(k, ())), t
        flagged += bool(alone)
    assert flagged > 200
    assert SCAN.ends_many(["lovely crew", "great seats"]) == {}


def test_the_compiled_database_is_cached_and_a_bad_cache_file_is_compiled_again(tmp_path, monkeypatch) -> None:
    import hyperscan

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    lex = cx.load_lexicon(use_env=False)
    assert rulescan._build(lex) is not None
    (cached,) = (tmp_path / "vocsrc").glob("cx-rules-*.hsdb")

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled although cached")

    with monkeypatch.context() as m:
        m.setattr(hyperscan, "Database", no_compile)
        scan = rulescan._build(lex)
    assert scan is not None and scan.ends("still waiting")
    cached.write_bytes(b"not a database")
    scan = rulescan._build(lex)
    assert scan is not None and scan.ends("still waiting")
    assert cached.read_bytes() != b"not a database"


def test_switched_off_or_unsupported_rules_leave_the_exact_path(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(rulescan.ENV_SWITCH, "off")
    assert rulescan._build(LEX) is None
    monkeypatch.delenv(rulescan.ENV_SWITCH)
    # a user's phrase in French: a non-ASCII literal the byte scan cannot stand in for
    user = tmp_path / "mine.toml"
    user.write_text('[lexicon]\n"tr\u00e8s d\u00e9\u00e7u" = -2.5\n', encoding="utf-8")
    lex = cx.load_lexicon(user, use_env=False)
    assert rulescan._build(lex) is None
    assert prescreen.prescreen(lex).scan is None
    text = "Tr\u00e8s d\u00e9\u00e7u. Still waiting for 3 hours."
    mine, default = document.score_document(text, lex), document.score_document(text, LEX)
    assert mine.cx_compound < default.cx_compound < mine.vader_compound + 1e-9


def test_the_method_text_says_which_first_pass_picks_the_comments(monkeypatch) -> None:
    from vocsrc import method

    assert method.rule_screen().startswith("Hyperscan 0.9.1")
    monkeypatch.setenv(rulescan.ENV_SWITCH, "off")
    rulescan.clear_cache()
    try:
        assert method.rule_screen().startswith("an index of each rule's words")
    finally:
        monkeypatch.delenv(rulescan.ENV_SWITCH)
        rulescan.clear_cache()


def test_a_regex_of_nothing_is_left_out_not_matched_everywhere() -> None:
    """A parent theme has neither phrases nor patterns: "(?!)", which converted (its lookahead
    dropped) would match at every position and flag every text."""
    from vocsrc.sentiment.matching import NEVER, alternation_source

    scan = rulescan.build_scan([NEVER, alternation_source(["still waiting"], ())], "test")
    assert scan is not None
    assert scan.ends("lovely crew") == []
    assert scan.ends("still waiting") == [(1, 13)]
    assert rulescan.build_scan([NEVER], "test") is None


def test_the_cache_directory_keeps_the_most_recently_used_entries_of_each_kind(tmp_path, monkeypatch) -> None:
    import os

    from vocsrc.sentiment import diskcache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    for k in range(diskcache.KEEP + 5):
        diskcache.save(f"cx-lexicon-{k:04d}.json", b"x")
        os.utime(tmp_path / "vocsrc" / f"cx-lexicon-{k:04d}.json", (1000 + k, 1000 + k))
    diskcache.save("themes-aaaa.hsdb", b"y")
    assert diskcache.load("cx-lexicon-0005.json") == b"x"  # used again: kept at the next prune
    diskcache.save("cx-lexicon-new.json", b"z")
    kept = sorted(p.name for p in (tmp_path / "vocsrc").glob("cx-lexicon-*"))
    assert len(kept) == diskcache.KEEP
    assert "cx-lexicon-0005.json" in kept and "cx-lexicon-new.json" in kept and "cx-lexicon-0006.json" not in kept
    assert (tmp_path / "vocsrc" / "themes-aaaa.hsdb").exists()
