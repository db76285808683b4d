"""Word-level matching shared by the CX rules and theme tagging.

A cheap pre-check (a trigger index over a text's words), tokenising, phrase and
pattern regexes, the lower-case fast path and VADER's normalisation. Split out of
``cx.py`` so that module holds the rules and their data file; ``cx`` re-exports
these names for older imports.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ALPHA = 15.0  # VADER's normalisation constant


@dataclass(frozen=True)
class TriggerIndex:
    """Cheap pre-check shared by CX rules and theme tagging.

    A phrase is a candidate only when all its whole words occur in the text;
    a pattern when one of its declared trigger words does. Only candidates run
    their regex, and most sentences have none.
    """

    # word -> (target, other words that must all be present, words of which one must be)
    words: dict[str, tuple[tuple[int, frozenset[str], frozenset[str]], ...]]
    always: frozenset[int]
    stems: re.Pattern[str] | None  # phrases made only of *-words: one small regex of stems
    stem_targets: tuple[int, ...]
    stem_words: tuple[str, ...] = ()  # the stems themselves, in the order of ``stems``' groups
    # ``stems`` compiled lower-case without IGNORECASE: the same matches on ``text.lower()``
    # of a text where lower-casing is safe (see ``lower_is_safe``), found much faster
    stems_lower: re.Pattern[str] | None = None
    # the same matches found with str.find (see ``stem_plan``), or None when that does not apply
    stem_plan: tuple[tuple[str, int, tuple[str, ...]], ...] | None = None

    @property
    def lower_ok(self) -> bool:
        """Can ``lookup_lower`` stand in for ``lookup`` (on text where ``lower_is_safe``)?"""
        return self.stems is None or self.stems_lower is not None

    def _by_words(self, toks: set[str]) -> set[int]:
        """Targets whose words (and, for patterns, trigger words) all occur in ``toks``."""
        found = set(self.always)
        words = self.words
        # the set intersection runs in C; only words that are triggers reach the Python loop
        for w in words.keys() & toks:
            for target, rest, one_of in words[w]:
                if target not in found and rest <= toks and (not one_of or not one_of.isdisjoint(toks)):
                    found.add(target)
        return found

    def lookup(self, text: str) -> set[int]:
        found = self._by_words(set(tokens(text)))
        if self.stems is not None:
            for m in self.stems.finditer(text):
                found.add(self.stem_targets[int(m.lastgroup[1:])])  # type: ignore[index]
        return found

    def lookup_lower(self, low: str) -> set[int]:
        """``lookup(text)`` given ``low = text.lower()`` of a text for which ``lower_is_safe`` holds.

        Same result, cheaper: the words come from ``low`` (``tokens`` lower-cases
        anyway), and the stem regex, case-insensitive on ``text`` in ``lookup``,
        runs case-sensitively on ``low``, and only when one of the stems occurs in
        ``low`` as a plain substring (without one it cannot match at all). Running
        the same alternation keeps its exact semantics (e.g. "cancel" hiding
        "cancellation" at the same position).
        """
        return self.lookup_lower_tokens(low, set(_lower_tokens(low)))

    def lookup_lower_tokens(self, low: str, toks: set[str], only: set[int] | None = None) -> set[int]:
        """``lookup_lower(low)`` given ``toks = set(tokens(low))``, for a caller that needs them too;
        with ``only``, just its targets among them (stems of other targets are not looked for)."""
        found = self._by_words(toks)
        if only is not None:
            found &= only
        if self.stem_plan is not None:
            for stem, target, longer in self.stem_plan:
                if target in found or (only is not None and target not in only):
                    continue
                p = low.find(stem)
                while p >= 0:
                    # a word start that no earlier, longer stem claims
                    if (p == 0 or _WORD_OR_QUOTE.match(low, p - 1) is None) and not any(
                            low.startswith(x, p) for x in longer):
                        found.add(target)
                        break
                    p = low.find(stem, p + 1)
        elif self.stems_lower is not None:
            for s in self.stem_words:
                if s in low:
                    for m in self.stems_lower.finditer(low):
                        found.add(self.stem_targets[int(m.lastgroup[1:])])  # type: ignore[index]
                    break
            if only is not None:
                found &= only
        return found


def build_triggers(items: Sequence[tuple[Sequence[str], Sequence[str], bool]],
                   requires: Sequence[Sequence[str]] = ()) -> TriggerIndex:
    """Index for targets 0..n-1 given (phrases, trigger words, always-run) for each.

    ``requires[i]``, when given and not empty, narrows target i's trigger words:
    one of those words must be present too (phrases are unaffected).
    """
    words: dict[str, dict[int, set[tuple[frozenset[str], frozenset[str]]]]] = {}
    always: set[int] = set()
    stems: list[str] = []
    stem_targets: list[int] = []

    def add(word: str, target: int, rest: frozenset[str], one_of: frozenset[str] = frozenset()) -> None:
        words.setdefault(word, {}).setdefault(target, set()).add((rest, one_of))

    for target, (phrases, triggers, run_always) in enumerate(items):
        if run_always:
            always.add(target)
        need = frozenset(requires[target]) if target < len(requires) else frozenset()
        for t in triggers:
            add(t, target, frozenset(), need)
        for p in phrases:
            whole = [w for part in p.lower().split() if not part.endswith("*") for w in tokens(part)]
            if whole:
                key = max(whole, key=len)  # longer words are rarer: fewer lookups succeed
                add(key, target, frozenset(whole) - {key})
            else:
                first = p.lower().split()[0][:-1]
                stems.append((tokens(first) or [first])[0])
                stem_targets.append(target)
    flat = {}
    for w, by_target in words.items():
        entries = []
        for target, conds in by_target.items():
            # a target reachable with no extra words needs no other entry for this word
            free = (frozenset(), frozenset())
            entries.extend([(target, *free)] if free in conds else [(target, *c) for c in conds])
        flat[w] = tuple(entries)
    lower_ok = all(s.isascii() and s == s.lower() for s in stems)
    return TriggerIndex(flat, frozenset(always), stem_regex(stems), tuple(stem_targets), tuple(stems),
                        stem_regex(stems, ignore_case=False) if lower_ok else None,
                        stem_plan(stems, stem_targets) if lower_ok else None)


_WORD_OR_QUOTE = re.compile(r"[\w']")


def stem_plan(stems: Sequence[str], targets: Sequence[int]) -> tuple[tuple[str, int, tuple[str, ...]], ...] | None:
    """What ``stem_regex(stems).finditer`` reports, as (stem, target, earlier longer stems) to look for with str.find.

    The alternation reports, at a word start, the first stem (in order) found
    there. So a stem with an earlier stem as a prefix (or equal) is never
    reported, and any other stem is reported at a word start where none of the
    earlier stems it is a prefix of occurs. A match also hides matches starting
    inside it, but none can start there when every character of a stem but its
    last is a word character or apostrophe (the regex needs a word start);
    otherwise this returns None and the regex runs.
    """
    if not stems or any(_WORD_OR_QUOTE.match(c) is None for s in stems for c in s[:-1]) or not all(stems):
        return None
    plan = []
    for j, s in enumerate(stems):
        if any(s.startswith(stems[i]) for i in range(j)):
            continue
        plan.append((s, targets[j], tuple(stems[i] for i in range(j) if stems[i].startswith(s))))
    return tuple(plan)


_TOKEN_TABLE = {c: " " for c in range(128) if not (97 <= c <= 122 or 65 <= c <= 90 or c == 39)}
_TOKEN_TABLE[0x2019] = "'"


# the same mapping for ASCII text as bytes: bytes.translate is a table lookup in C,
# str.translate a dict lookup per character
_BYTE_TABLE = bytes(c if (97 <= c <= 122 or 65 <= c <= 90 or c == 39) else 32 for c in range(128)) + bytes(
    range(128, 256))


def tokens(text: str) -> list[str]:
    """Words as the pre-check sees them: lower case, letters and apostrophes only."""
    return _lower_tokens(text.lower())


# (text, text.lower(), set(tokens(text))) of the last text lookup_lower_tokens saw through
# lower_and_tokens: scoring a text and then theme-tagging the same str object tokenises it once
_LAST: tuple[str, str, set[str]] | None = None


def lower_and_tokens(text: str) -> tuple[str, set[str]]:
    """``text.lower()`` and the set of its ``tokens`` (callers must not change the set)."""
    global _LAST
    last = _LAST
    if last is not None and last[0] is text:  # the same object: held by _LAST, so not recycled
        return last[1], last[2]
    low = text.lower()
    toks = set(_lower_tokens(low))
    _LAST = (text, low, toks)
    return low, toks


def _lower_tokens(low: str) -> list[str]:
    if low.isascii():
        return low.encode("ascii").translate(_BYTE_TABLE).decode("ascii").split()
    return low.translate(_TOKEN_TABLE).split()


def _negated(before: list[str], negations: frozenset[str], window: int) -> bool:
    for word in before[-window:]:
        if word in negations or word.endswith("n't"):
            return True
    return False


def unnormalize(compound: float) -> float:
    """A compound score back on VADER's raw (summed valence) scale."""
    # inverse of VADER's x / sqrt(x^2 + alpha); clipped because VADER rounds to +-1.0
    c = max(-0.9999, min(0.9999, compound))
    return c * math.sqrt(ALPHA / (1.0 - c * c))


def _normalize(x: float) -> float:
    return round(max(-1.0, min(1.0, x / math.sqrt(x * x + ALPHA))), 4)


def _phrase_body(phrase: str) -> str:
    # whole words, any whitespace between them, a trailing * allows any word ending
    parts = []
    for w in phrase.strip().split():
        if w.endswith("*") and len(w) > 1:
            parts.append(re.escape(w[:-1]) + r"[\w']*")
        else:
            parts.append(re.escape(w))
    return r"\s+".join(parts)


_BOUND_L = r"(?<![\w'])"
_BOUND_R = r"(?![\w'])"


def alternation(phrases: Sequence[str], patterns: Sequence[str]) -> re.Pattern[str]:
    """One case-insensitive regex for phrases and patterns.

    The word-boundary checks sit outside the phrase alternation, so at the many
    positions inside words the regex fails after one test instead of one per phrase.
    """
    return re.compile(alternation_source(phrases, patterns), re.IGNORECASE)


def alternation_source(phrases: Sequence[str], patterns: Sequence[str]) -> str:
    """The source of ``alternation(phrases, patterns)`` (which adds IGNORECASE), uncompiled."""
    alts = []
    if phrases:
        alts.append(_BOUND_L + "(?:" + "|".join(_phrase_body(p) for p in phrases) + ")" + _BOUND_R)
    alts.extend(f"(?:{p})" for p in patterns)
    return "|".join(alts) or NEVER


NEVER = "(?!)"  # the regex of no phrase and no pattern: matches nothing


# lower_phrases' results by (phrases, patterns), built by regexcache.py from compiled programs
# kept in the cache directory, so re's parser and compiler need not run again
PRELOADED: dict[tuple[tuple[str, ...], tuple[str, ...]], re.Pattern[str] | None] = {}


def lower_phrases(phrases: Sequence[str], patterns: Sequence[str] = ()) -> re.Pattern[str] | None:
    """``alternation(phrases, patterns)`` for lower-cased text where ``lower_is_safe``:
    compiled without IGNORECASE, phrases lower-cased (same matches, same spans).

    None unless every phrase is ASCII and every pattern ``case_free``.
    """
    if PRELOADED:
        key = (tuple(phrases), tuple(patterns))
        if key in PRELOADED:
            return PRELOADED[key]
    if not (phrases or patterns) or not all(p.isascii() for p in phrases):
        return None
    if patterns and not case_free("|".join(f"(?:{p})" for p in patterns)):
        return None
    alts = []
    if phrases:
        alts.append(_BOUND_L + "(?:" + "|".join(_phrase_body(p.lower()) for p in phrases) + ")" + _BOUND_R)
    alts.extend(f"(?:{p})" for p in patterns)
    return re.compile("|".join(alts))


def case_free(pattern: str) -> bool:
    """Does ``pattern`` match the same, case-sensitively on ``text.lower()``, as with
    IGNORECASE on ``text`` (for text where ``lower_is_safe``)?

    True when it holds only ASCII literals and ranges without upper-case letters,
    \\d \\s \\w and their negations, anchors and word boundaries, groups without
    inline flags, repeats, alternation and lookarounds: each then tests a character
    exactly as IGNORECASE tests it (see LOWER_UNSAFE). Anything else: False.
    """
    import re._constants as c
    import re._parser as parser

    try:
        parsed = parser.parse(pattern, re.IGNORECASE)
    except re.error:
        return False
    if parsed.state.flags & ~(re.IGNORECASE | re.UNICODE):
        return False
    categories = {c.CATEGORY_DIGIT, c.CATEGORY_NOT_DIGIT, c.CATEGORY_SPACE, c.CATEGORY_NOT_SPACE,
                  c.CATEGORY_WORD, c.CATEGORY_NOT_WORD}

    def lower_ascii(code: int) -> bool:
        return code < 128 and not chr(code).isupper()

    def walk(items: Any) -> bool:
        for op, av in items:
            if op in (c.LITERAL, c.NOT_LITERAL):
                ok = lower_ascii(av)
            elif op is c.RANGE:
                ok = av[1] < 128 and all(lower_ascii(x) for x in range(av[0], av[1] + 1))
            elif op is c.IN:
                ok = walk(av)
            elif op is c.CATEGORY:
                ok = av in categories
            elif op is c.SUBPATTERN:
                ok = not av[1] and not av[2] and walk(av[3])
            elif op is c.BRANCH:
                ok = all(walk(b) for b in av[1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                ok = walk(av[2])
            elif op in (c.ASSERT, c.ASSERT_NOT):
                ok = walk(av[1])
            elif op is c.ATOMIC_GROUP:
                ok = walk(av)
            elif op is c.AT:
                ok = av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY, c.AT_BEGINNING, c.AT_BEGINNING_STRING,
                            c.AT_END, c.AT_END_STRING)
            else:
                ok = op in (c.ANY, c.NEGATE)
            if not ok:
                return False
        return True

    return walk(parsed)


def stem_regex(stems: Sequence[str], ignore_case: bool = True) -> re.Pattern[str] | None:
    """Regex finding word starts that begin with one of ``stems``; group ``s<i>`` tells which."""
    if not stems:
        return None
    body = "|".join(f"(?P<s{i}>{re.escape(w)})" for i, w in enumerate(stems))
    return re.compile(_BOUND_L + "(?:" + body + ")", re.IGNORECASE if ignore_case else 0)


# The only characters for which matching an ASCII-only pattern case-insensitively
# differs from matching the lower-cased pattern against ``c.lower()``: "İ".lower()
# is two characters, and "ı" and "ſ" match "i"/"I" and "s"/"S" under IGNORECASE
# although they lower-case to themselves (tests/unit/test_themes.py re-derives
# this set from every code point).
LOWER_UNSAFE = "\u0130\u0131\u017f"
_UNSAFE_RE = re.compile(f"[{LOWER_UNSAFE}]")


def lower_is_safe(text: str) -> bool:
    """True when an ASCII-only regex (literals, ``\\w``, ``\\s``, ``'``) finds the same
    matches, at the same positions, case-sensitively on ``text.lower()`` (lower-case
    pattern) as case-insensitively on ``text`` (lower-casing keeps every position)."""
    return text.isascii() or _UNSAFE_RE.search(text) is None
