"""Tag texts with every theme of the bank they mention.

Each theme compiles to one regex alternation. Before running it we look the
text's words up in a trigger index (a phrase needs all its words present, a
pattern one of its declared triggers), so a theme's regex only runs on texts
that could match it; most texts run two or three of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vocsrc.sentiment.cx import TriggerIndex, alternation, build_triggers
from vocsrc.themes.bank import ThemeBank, default_bank


@dataclass(frozen=True)
class CompiledBank:
    keys: tuple[str, ...]
    parents: tuple[str | None, ...]
    regexes: tuple[re.Pattern[str], ...]
    triggers: TriggerIndex


def compile_bank(bank: ThemeBank) -> CompiledBank:
    # a theme with patterns but no declared triggers cannot be pre-checked: always run it
    index = build_triggers([(t.phrases, t.triggers, bool(t.patterns and not t.triggers)) for t in bank.themes])
    return CompiledBank(tuple(bank.keys()), tuple(t.parent for t in bank.themes),
                        tuple(alternation(t.phrases, t.patterns) for t in bank.themes), index)


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
    found = cb.triggers.lookup(text)
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
