"""regexcache.compile_rules: the CX rules' lower-case regexes rebuilt from programs in the cache directory."""

from __future__ import annotations

import marshal
import re

import pytest

from vocsrc.sentiment import cx, diskcache, matching, regexcache
from vocsrc.sentiment.cx import load_lexicon

TEXTS = ["They promised a callback within 24 hours and never called.",
         "I am still waiting for my refund, nobody called me back.",
         "The agent was helpful but I had to call four times.",
         "on hold for 45 minutes, then cut off", "no one ever got back to me", "Great, quick and easy!"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(matching, "PRELOADED", {})  # this process has read no entry yet
    return tmp_path / "xdg" / "vocsrc"


def _compiled(lex):
    return [lazy.get() for lazy in lex.lower_regexes]


def _plain():
    """The regexes as re.compile gives them, with no cache involved."""
    saved = dict(matching.PRELOADED)
    matching.PRELOADED.clear()
    try:
        lex = load_lexicon(use_env=False)
        lex.compile()
        return _compiled(lex)
    finally:
        matching.PRELOADED.update(saved)


def test_rebuilt_regexes_equal_compiled_ones(cache):
    want = _plain()
    assert sum(rx is not None for rx in want) > 20
    cold = load_lexicon(use_env=False)
    regexcache.compile_rules(cold)  # compiles, writes the entry
    assert len(list(cache.glob("cx-regex-*.marshal"))) == 1
    assert not matching.PRELOADED
    warm = load_lexicon(use_env=False)
    regexcache.compile_rules(warm)  # reads it
    assert len(matching.PRELOADED) == len(warm.rules)
    for got_cold, got_warm, rx in zip(_compiled(cold), _compiled(warm), want):
        # Pattern equality: same source, flags and compiled program
        assert got_cold == rx and got_warm == rx
        if rx is not None:
            assert got_warm is not rx
            assert [[m.span() for m in got_warm.finditer(t.lower())] for t in TEXTS] == \
                [[m.span() for m in rx.finditer(t.lower())] for t in TEXTS]
    assert [warm.shift(t) for t in TEXTS] == [cold.shift(t) for t in TEXTS]


def test_the_entry_is_what_is_read(cache):
    lex = load_lexicon(use_env=False)
    regexcache.compile_rules(lex)
    (entry,) = cache.glob("cx-regex-*.marshal")
    programs = marshal.loads(entry.read_bytes()[24:])
    planted = regexcache._program(re.compile("planted"))
    k = next(i for i, p in enumerate(programs) if p is not None)
    programs[k] = planted
    payload = marshal.dumps(programs)
    entry.write_bytes(diskcache.digest(payload).encode() + payload)
    matching.PRELOADED.clear()
    again = load_lexicon(use_env=False)
    regexcache.compile_rules(again)
    assert again.lower_regexes[k].get().pattern == "planted"


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "wrong_length", "bad_program"])
def test_a_damaged_entry_means_compiling_as_before(cache, damage):
    want = _plain()
    regexcache.compile_rules(load_lexicon(use_env=False))
    (entry,) = cache.glob("cx-regex-*.marshal")
    data = entry.read_bytes()
    if damage == "flip":
        i = len(data) // 2
        data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
    elif damage == "truncate":
        data = data[:-9]
    elif damage == "empty":
        data = b""
    else:
        programs = marshal.loads(data[24:])
        if damage == "wrong_length":
            programs = programs[:-1]
        else:
            k = next(i for i, p in enumerate(programs) if p is not None)
            programs[k] = ("x", 0, [1, 2, 3], 0, {}, (None,))  # not a program _sre accepts
        payload = marshal.dumps(programs)
        data = diskcache.digest(payload).encode() + payload
    entry.write_bytes(data)
    lex = load_lexicon(use_env=False)
    regexcache.compile_rules(lex)
    assert _compiled(lex) == want
    assert not matching.PRELOADED


def test_an_edited_lexicon_gets_its_own_entry(cache, tmp_path):
    regexcache.compile_rules(load_lexicon(use_env=False))
    user = tmp_path / "mine.toml"
    user.write_text('[rules.slow_courier]\nvalence = -1.0\nphrases = ["courier was late"]\n', encoding="utf-8")
    mine = load_lexicon(user, use_env=False)
    regexcache.compile_rules(mine)
    assert len(list(cache.glob("cx-regex-*.marshal"))) == 2
    matching.PRELOADED.clear()
    again = load_lexicon(user, use_env=False)
    regexcache.compile_rules(again)
    assert _compiled(again) == _compiled(mine)
    assert again.shift("The courier was late again.") == mine.shift("The courier was late again.") < 0


def test_map_chunks_compiles_through_the_cache(cache, monkeypatch):
    calls = []
    monkeypatch.setattr(regexcache, "compile_rules", lambda lex: calls.append(lex) or lex.compile())
    import threading

    from vocsrc.sentiment import document

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    texts = TEXTS * 400
    assert document.score_many(texts, processes=2) == [document.score_document(t) for t in texts]
    assert calls == [cx.default_lexicon()]
