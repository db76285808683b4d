"""vaderSentiment's lexicon and emoji files, read from the installed package and parsed as
``SentimentIntensityAnalyzer`` parses them (no copies in our tree: the reference is the
source), with the parsed result kept in the user's cache directory (diskcache.py)."""

from __future__ import annotations

import os
from typing import Any

from vaderSentiment import vaderSentiment as _ref


def _package_file(name: str) -> str:
    return os.path.join(os.path.dirname(os.path.abspath(_ref.__file__)), name)


def load_lexicon(name: str = "vader_lexicon.txt") -> dict[str, float]:
    """The lexicon, parsed as SentimentIntensityAnalyzer.make_lex_dict does."""
    return _parsed(name, _parse_lexicon)


def load_emojis(name: str = "emoji_utf8_lexicon.txt") -> dict[str, str]:
    """The emoji descriptions, parsed as SentimentIntensityAnalyzer.make_emoji_dict does."""
    return _parsed(name, _parse_emojis)


def _parse_lexicon(text: str) -> dict[str, float]:
    lex: dict[str, float] = {}
    for line in text.rstrip("\n").split("\n"):
        if not line:
            continue
        word, measure = line.strip().split("\t")[0:2]
        lex[word] = float(measure)
    return lex


def _parse_emojis(text: str) -> dict[str, str]:
    emojis: dict[str, str] = {}
    for line in text.rstrip("\n").split("\n"):
        emoji, description = line.strip().split("\t")[0:2]
        emojis[emoji] = description
    return emojis


def _parsed(name: str, parse: Any) -> Any:
    """``parse(text of the package file name)``, kept parsed (marshal) in the user's cache
    directory (diskcache.py): parsing both files took ~12 ms of every process start, loading
    them ~3. The file is still read from the installed package every time, and the entry is
    named by a digest of its bytes and of ``parse``'s code, so an edited file or parser is
    parsed afresh, never served stale; an entry whose checksum fails is parsed afresh too."""
    import marshal

    from . import diskcache

    with open(_package_file(name), "rb") as fh:
        raw = fh.read()
    code = parse.__code__
    key = diskcache.digest(raw, code.co_code, repr(code.co_consts), repr(code.co_names), str(marshal.version))
    entry = f"vader-{name.rsplit('.', 1)[0]}-{key}.marshal"
    value = diskcache.load_value(entry)
    if type(value) is dict:
        return value
    # strict UTF-8 and no newline translation: the reference uses codecs.open, which does
    # none, so a stray "\r" must survive into the parser exactly as there
    value = parse(raw.decode("utf-8"))
    diskcache.save_value(entry, value)
    return value
