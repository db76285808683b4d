"""The parsed VADER lexicon and emoji files kept in the user's cache directory (vader_files._parsed)."""

from __future__ import annotations

import marshal
import shutil

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from vocsrc.sentiment import diskcache, fastvader, vader_files


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "vocsrc"


@pytest.fixture
def package_copy(tmp_path, monkeypatch):
    """The package's two files copied to a folder the loaders read instead."""
    folder = tmp_path / "pkg"
    folder.mkdir()
    for name in ("vader_lexicon.txt", "emoji_utf8_lexicon.txt"):
        shutil.copyfile(vader_files._package_file(name), folder / name)
    monkeypatch.setattr(vader_files, "_package_file", lambda name: str(folder / name))
    return folder


def _entries(cache, kind):
    return sorted(cache.glob(f"vader-{kind}-*.marshal"))


def test_cold_and_cached_parse_equal_the_reference(cache):
    ref = SentimentIntensityAnalyzer()
    cold_lex, cold_emojis = fastvader.load_lexicon(), fastvader.load_emojis()
    assert len(_entries(cache, "vader_lexicon")) == 1
    assert len(_entries(cache, "emoji_utf8_lexicon")) == 1
    warm_lex, warm_emojis = fastvader.load_lexicon(), fastvader.load_emojis()
    for got in (cold_lex, warm_lex):
        assert got == ref.lexicon
        assert list(got) == list(ref.lexicon)  # same order too
    for got in (cold_emojis, warm_emojis):
        assert got == ref.emojis
        assert list(got) == list(ref.emojis)
    assert fastvader.FastVader().polarity_scores("Great service, thanks :)") == \
        ref.polarity_scores("Great service, thanks :)")


def test_an_entry_is_what_is_read(cache, package_copy):
    # a valid entry is served without parsing (otherwise the cache would be pointless)
    fastvader.load_lexicon()
    (entry,) = _entries(cache, "vader_lexicon")
    payload = marshal.dumps({"planted": 1.0})
    entry.write_bytes(diskcache.digest(payload).encode() + payload)
    assert fastvader.load_lexicon() == {"planted": 1.0}


def test_a_changed_file_is_parsed_again(cache, package_copy):
    before = fastvader.load_lexicon()
    assert "zzzvocsrc" not in before
    path = package_copy / "vader_lexicon.txt"
    path.write_bytes(b"zzzvocsrc\t2.5\t0.5\t[2, 3]\r\n" + path.read_bytes())  # the file's own line ends
    after = fastvader.load_lexicon()
    assert after["zzzvocsrc"] == 2.5
    assert {k: v for k, v in after.items() if k != "zzzvocsrc"} == before
    # the edited file's parse is now what the cache serves
    assert fastvader.load_lexicon() == after
    assert len(_entries(cache, "vader_lexicon")) == 2
    # a changed value in place (same length) is seen too
    path.write_bytes(path.read_bytes().replace(b"zzzvocsrc\t2.5", b"zzzvocsrc\t2.4"))
    assert fastvader.load_lexicon()["zzzvocsrc"] == 2.4


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage", "empty", "not_a_dict"])
def test_a_corrupt_entry_is_ignored_and_replaced(cache, package_copy, damage):
    want = fastvader.load_emojis()
    (entry,) = _entries(cache, "emoji_utf8_lexicon")
    data = entry.read_bytes()
    if damage == "flip":
        i = len(data) // 2
        data = data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1:]
    elif damage == "truncate":
        data = data[: len(data) - 7]
    elif damage == "garbage":
        data = b"\x00\xff" * 50
    elif damage == "empty":
        data = b""
    else:  # a valid checksum over a payload that is not a parsed file
        payload = marshal.dumps(["not", "a", "dict"])
        data = diskcache.digest(payload).encode() + payload
    entry.write_bytes(data)
    assert fastvader.load_emojis() == want
    assert entry.read_bytes() != data  # written again, good
    assert fastvader.load_emojis() == want


def test_an_unwritable_cache_still_parses(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert fastvader.load_lexicon() == SentimentIntensityAnalyzer().lexicon
