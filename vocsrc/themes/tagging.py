"""Tag texts with every theme of the bank they mention.

Each theme compiles to one regex alternation. Before running it we look the
text's words up in an index of trigger words (each phrase's longest word, plus
declared triggers), so a theme's regex only runs on texts that could match it;
most texts only run two or three of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vocsrc.sentiment.cx import _phrase_trigger, alternation, stem_regex, tokens
from vocsrc.themes.bank import ThemeBank, default_bank


@dataclass(frozen=True)
class CompiledBank:
    keys: tuple[str, ...]
    parents: tuple[str | None, ...]
    regexes: tuple[re.Pattern[str], ...]
    index: dict[str, tuple[int, ...]]
    always: tuple[int, ...]  # themes whose patterns declare no triggers: always run
    stems: re.Pattern[str] | None
    stem_themes: tuple[int, ...]


def compile_bank(bank: ThemeBank) -> CompiledBank:
    regexes = []
    index: dict[str, set[int]] = {}
    always = []
    stems: list[str] = []
    stem_themes: list[int] = []
    for i, t in enumerate(bank.themes):
        regexes.append(alternation(t.phrases, t.patterns))
        if t.patterns and not t.triggers:
            always.append(i)
        for w in t.triggers:
            index.setdefault(w, set()).add(i)
        for p in t.phrases:
            word = _phrase_trigger(p)
            if word.endswith("*"):
                stems.append(word[:-1])
                stem_themes.append(i)
            else:
                index.setdefault(word, set()).add(i)
    stem_re = stem_regex(stems)
    return CompiledBank(tuple(bank.keys()), tuple(t.parent for t in bank.themes), tuple(regexes),
                        {w: tuple(sorted(v)) for w, v in index.items()}, tuple(always), stem_re, tuple(stem_themes))


_CACHE: dict[int, tuple[ThemeBank, CompiledBank]] = {}


def _compiled(bank: ThemeBank) -> CompiledBank:
    # keyed by identity: hashing a whole bank on every tag() call would cost more than tagging
    hit = _CACHE.get(id(bank))
    if hit is None or hit[0] is not bank:
        if len(_CACHE) > 16:
            _CACHE.clear()
        hit = _CACHE[id(bank)] = (bank, compile_bank(bank))
    return hit[1]


def tag(text: str, bank: ThemeBank | None = None, include_parents: bool = False) -> list[str]:
    """Keys of every theme ``text`` mentions, in bank order (several themes allowed)."""
    if not isinstance(text, str) or not text:
        return []
    cb = _compiled(bank or default_bank())
    found: set[int] = set(cb.always)
    for w in set(tokens(text)):
        hit = cb.index.get(w)
        if hit:
            found.update(hit)
    if cb.stems is not None:
        for m in cb.stems.finditer(text):
            found.add(cb.stem_themes[int(m.lastgroup[1:])])  # type: ignore[index]
    if not found:
        return []
    text = text.replace("\u2019", "'")
    hits = {i for i in found if cb.regexes[i].search(text)}
    if include_parents:
        by_key = {k: i for i, k in enumerate(cb.keys)}
        for i in list(hits):
            parent = cb.parents[i]
            while parent is not None:
                j = by_key[parent]
                hits.add(j)
                parent = cb.parents[j]
    return [cb.keys[i] for i in sorted(hits)]


def tag_many(texts: Iterable[str], bank: ThemeBank | None = None, include_parents: bool = False,
             progress: Callable[[int, int], None] | None = None) -> list[list[str]]:
    """``tag`` for each text, in order (single process: tagging is far cheaper than scoring)."""
    items = list(texts)
    b = bank or default_bank()
    out = []
    for n, t in enumerate(items, 1):
        out.append(tag(t, b, include_parents))
        if progress and (n % 1000 == 0 or n == len(items)):
            progress(n, len(items))
    return out


def matches(text: str, theme_key: str, bank: ThemeBank | None = None) -> list[str]:
    """The words in ``text`` that put it in a theme (for showing why a text was tagged)."""
    b = bank or default_bank()
    cb = _compiled(b)
    rx = cb.regexes[cb.keys.index(theme_key)]
    return [m.group(0) for m in rx.finditer(text.replace("\u2019", "'"))]
