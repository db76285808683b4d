"""Tag texts with every theme of the bank they mention.

Each theme compiles to one regex alternation. Before running it we look the
text's words up in a trigger index (a phrase needs all its words present, a
pattern one of its declared triggers), so a theme's regex only runs on texts
that could match it; most texts run two or three of them.

Case-insensitive regexes are slow in Python (no literal-prefix scan), so for
the usual text (ASCII, or at least free of the three characters for which it
makes a difference, see ``cx.lower_is_safe``) the pre-check and the phrase
regexes run case-sensitively on ``text.lower()``, compiled lower-case: the same
matches at the same positions, so the same tags. Theme patterns (user regexes)
join them when ``cx.case_free`` shows that is exact, else keep IGNORECASE on the
text itself; the one alternation per theme is kept for ``matches`` and for
other text. On ASCII text a found theme goes further: only its phrases whose
words are all among the text's tokens are tried, each where str.find puts its
first literal (``_phrase_checks``), then its patterns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from vocsrc.sentiment.matching import _BOUND_L, _BOUND_R, TriggerIndex, _phrase_body, alternation, \
    alternation_source, build_triggers, case_free, lower_and_tokens, lower_is_safe, lower_phrases, tokens
from vocsrc.sentiment.rulescan import RuleScan, build_scan
from vocsrc.themes.bank import ThemeBank, default_bank


@dataclass(frozen=True)
class CompiledBank:
    keys: tuple[str, ...]
    parents: tuple[str | None, ...]
    regexes: tuple[re.Pattern[str], ...]
    triggers: TriggerIndex
    # per theme, for text where lower_is_safe: (regex for text.lower(): the phrases
    # compiled lower-case without IGNORECASE, with the patterns when cx.case_free
    # allows; else the patterns with IGNORECASE, for the text itself), either None
    # when there is nothing for it; the entry None when a phrase is not ASCII (then
    # ``regexes`` runs on the text)
    split: tuple[tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None, ...] = ()
    lower_ok: bool = False  # the pre-check can run on lower-cased text (ASCII stems)
    # per theme, for ASCII text: each phrase as (words it needs among the text's tokens,
    # stem it needs in the text if it has no whole word, its first literal, its regex for
    # the lower-cased text), and the patterns (regex, runs on lower-cased text?); None
    # when a phrase is not ASCII
    phrase_checks: tuple[tuple[tuple[tuple[frozenset[str], str | None, str, re.Pattern[str]], ...],
                               tuple[re.Pattern[str], bool] | None] | None, ...] = ()
    # every phrase (and each theme's patterns) in one Hyperscan pass (sentiment/rulescan.py),
    # or None: a theme can only be tagged by a phrase, or its patterns, the scan flags;
    # ``scan_ids``: the (theme, phrase index, -1 for the patterns) of each of its regexes
    scan: RuleScan | None = None
    scan_ids: tuple[tuple[int, int], ...] = ()


def _phrase_checks(phrases: tuple[str, ...], patterns: tuple[str, ...]
                   ) -> tuple[tuple[tuple[frozenset[str], str | None, str, re.Pattern[str]], ...],
                              tuple[re.Pattern[str], bool] | None] | None:
    """On ASCII text a phrase can only match where build_triggers' conditions for it hold
    (its whole words are tokens of the text; a phrase of *-words only: its stem occurs in
    the text), and each match starts with its first literal: so only those phrases are
    tried, and only where str.find puts that literal. Same answer as the one alternation."""
    if not all(p.isascii() for p in phrases):
        return None
    checks = []
    for p in phrases:
        pl = p.lower()
        parts = pl.split()
        whole = [w for part in parts if not part.endswith("*") for w in tokens(part)]
        first = parts[0]
        stem = None
        if not whole:
            stem = (tokens(first[:-1]) or [first[:-1]])[0]
        literal = first[:-1] if first.endswith("*") and len(first) > 1 else first
        rx = re.compile(_BOUND_L + "(?:" + _phrase_body(pl) + ")" + _BOUND_R)
        checks.append((frozenset(whole), stem, literal, rx))
    pt = None
    if patterns:
        joined = "|".join(f"(?:{p})" for p in patterns)
        pt = (re.compile(joined), True) if case_free(joined) else (re.compile(joined, re.IGNORECASE), False)
    return tuple(checks), pt


def _split_regexes(phrases: tuple[str, ...], patterns: tuple[str, ...]
                   ) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None] | None:
    if not all(p.isascii() for p in phrases):
        return None
    whole = lower_phrases(phrases, patterns)
    if whole is not None:  # patterns too can run on the lower-cased text (cx.case_free)
        return whole, None
    # the phrase half of ``alternation``, lower-cased: for ASCII the same as IGNORECASE on lower-cased text
    ph = (re.compile(_BOUND_L + "(?:" + "|".join(_phrase_body(p.lower()) for p in phrases) + ")" + _BOUND_R)
          if phrases else None)
    pt = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None
    return ph, pt


def compile_bank(bank: ThemeBank) -> CompiledBank:
    # a theme with patterns but no declared triggers cannot be pre-checked: always run it
    index = build_triggers([(t.phrases, t.triggers, bool(t.patterns and not t.triggers)) for t in bank.themes])
    sources, ids = _scan_sources(bank)
    return CompiledBank(tuple(bank.keys()), tuple(t.parent for t in bank.themes),
                        tuple(alternation(t.phrases, t.patterns) for t in bank.themes), index,
                        tuple(_split_regexes(t.phrases, t.patterns) for t in bank.themes),
                        index.lower_ok, tuple(_phrase_checks(t.phrases, t.patterns) for t in bank.themes),
                        build_scan(sources, "themes"), ids)


def _scan_sources(bank: ThemeBank) -> tuple[list[str], tuple[tuple[int, int], ...]]:
    """Each phrase on its own, as ``alternation`` writes it, and each theme's patterns: so the
    scan says which phrase may match, and only that one is checked (a theme has dozens)."""
    sources: list[str] = []
    ids: list[tuple[int, int]] = []
    for i, t in enumerate(bank.themes):
        for j, phrase in enumerate(t.phrases):
            sources.append(alternation_source((phrase,), ()))
            ids.append((i, j))
        if t.patterns:
            sources.append("|".join(f"(?:{p})" for p in t.patterns))
            ids.append((i, -1))
    return sources, tuple(ids)


def _by_theme(cb: CompiledBank, flagged: list[tuple[int, int]]) -> dict[int, set[int]]:
    # the scan's (regex, end) as theme -> its flagged phrase indexes (-1: its patterns)
    out: dict[int, set[int]] = {}
    for k, _ in flagged:
        i, j = cb.scan_ids[k]
        out.setdefault(i, set()).add(j)
    return out


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
    scan = cb.scan
    if scan is not None and lower_is_safe(text):
        # most texts mention no theme: one compiled pass says so without tokenising them
        low = text.lower()
        flagged = scan.ends(low.replace("\u2019", "'") if "\u2019" in low else low)
        if not flagged:
            return []
        return _tag_found(text, cb, _by_theme(cb, flagged), include_parents)
    return _tag_found(text, cb, None, include_parents)


def _tag_found(text: str, cb: CompiledBank, flagged: dict[int, set[int]] | None,
               include_parents: bool) -> list[str]:
    # tag() after the scan: only the themes it flagged (all when ``flagged`` is None) are
    # looked at, and on ASCII text only their flagged phrases and patterns
    themes = None if flagged is None else set(flagged)
    if cb.lower_ok and text.isascii():
        low, toks = lower_and_tokens(text)  # shared with the CX pre-check that scored it
        found = cb.triggers.lookup_lower_tokens(low, toks, themes)
        if not found:
            return []
        hits = set()
        for i in found:
            checks = cb.phrase_checks[i]
            if checks is None:
                if cb.regexes[i].search(text):
                    hits.add(i)
                continue
            phrases, patterns = checks
            if flagged is not None:
                which = flagged[i]
                phrases = tuple(phrases[j] for j in which if j >= 0)
                if -1 not in which:
                    patterns = None
            if _any_phrase(phrases, low, toks):
                hits.add(i)
            elif patterns is not None and patterns[0].search(low if patterns[1] else text) is not None:
                hits.add(i)
    elif cb.lower_ok and lower_is_safe(text):
        low = text.lower()
        found = cb.triggers.lookup_lower(low)
        if themes is not None:
            found &= themes
        if not found:
            return []
        text = text.replace("\u2019", "'")
        low = low.replace("\u2019", "'")  # the same as text.lower(): neither quote has a case
        hits = set()
        for i in found:
            split = cb.split[i]
            if split is None:
                if cb.regexes[i].search(text):
                    hits.add(i)
            elif ((split[0] is not None and split[0].search(low) is not None)
                  or (split[1] is not None and split[1].search(text) is not None)):
                hits.add(i)
    else:
        found = cb.triggers.lookup(text)
        if themes is not None:
            found &= themes
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


def _any_phrase(checks: tuple[tuple[frozenset[str], str | None, str, re.Pattern[str]], ...],
                low: str, toks: set[str]) -> bool:
    for need, stem, literal, rx in checks:
        if not need <= toks or (stem is not None and stem not in low):
            continue
        p = low.find(literal)
        while p >= 0:
            if rx.match(low, p) is not None:
                return True
            p = low.find(literal, p + 1)
    return False


# texts up to this long share one scan in tag_batch (a scan call costs more than scanning a
# comment; joined with many others a long text scanned slower per character)
_BATCH_CHARS = 400


def tag_batch(texts: list[str], bank: ThemeBank | None = None, include_parents: bool = False) -> list[list[str]]:
    """``[tag(t, bank, include_parents) for t in texts]``, with one Hyperscan pass for the short ones."""
    b = bank or default_bank()
    cb = _compiled(b)
    scan = cb.scan
    if scan is None:
        return [tag(t, b, include_parents) for t in texts]
    out: list[list[str] | None] = []
    short: list[int] = []
    for t in texts:
        if isinstance(t, str) and t and len(t) <= _BATCH_CHARS and lower_is_safe(t):
            short.append(len(out))
            out.append(None)
        else:
            out.append(tag(t, b, include_parents))
    if short:
        flagged = scan.ends_many([texts[i] for i in short])
        for k, i in enumerate(short):
            f = flagged.get(k)
            out[i] = _tag_found(texts[i], cb, _by_theme(cb, f), include_parents) if f else []
    return out  # type: ignore[return-value]


def tag_many(texts: Iterable[str], bank: ThemeBank | None = None, include_parents: bool = False,
             progress: Callable[[int, int], None] | None = None) -> list[list[str]]:
    """``tag`` for each text, in order (single process: tagging is far cheaper than scoring)."""
    items = list(texts)
    b = bank or default_bank()
    out: list[list[str]] = []
    for start in range(0, len(items), 1000):
        out += tag_batch(items[start:start + 1000], b, include_parents)
        if progress:
            progress(len(out), len(items))
    return out


def matches(text: str, theme_key: str, bank: ThemeBank | None = None) -> list[str]:
    """The words in ``text`` that put it in a theme (for showing why a text was tagged)."""
    b = bank or default_bank()
    cb = _compiled(b)
    rx = cb.regexes[cb.keys.index(theme_key)]
    return [m.group(0) for m in rx.finditer(text.replace("\u2019", "'"))]
