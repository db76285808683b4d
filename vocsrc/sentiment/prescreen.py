"""Exact shortcuts for the CX rules on a whole text, used by document_fast.py.

* ``edge_safe``: a rule regex that matches inside a sentence also matches at the same
  place in the whole text the sentence was cut from. Then one search of the whole
  (lower-cased) text tells whether the rule can fire in any of its sentences; when no
  candidate rule matches anywhere, no sentence needs splitting off or checking.

Why ``edge_safe`` holds: split_sentences cuts at whitespace and strips it, so a sentence
is a slice of the text with whitespace (or the text's own edge) on both sides. A match
in the sentence reads only characters inside it, which the text has at the same places;
what can differ is an assertion at the sentence's edges, which sees no character in the
sentence and a whitespace character in the text. ``\\b`` and ``\\B`` treat both alike (not
a word character), and so does a negative lookaround of one character that cannot be
whitespace (``(?<![\\w'])``, ``(?![\\d,])``): it holds in both. Anchors (``^``, ``$``...)
and other negative lookarounds may not, so patterns holding them are not edge_safe.
"""

from __future__ import annotations

import re
from typing import Any

from vocsrc.sentiment.cx import CxLexicon
from vocsrc.sentiment import sentences
from vocsrc.sentiment.sentences import _facts
from vocsrc.sentiment.rulescan import rule_scan

# every character for which str.isspace() is True (tests/unit/test_prescreen.py checks it
# against every code point): what split_sentences' \s+ and str.split() cut at
WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + \
    "\u2028\u2029\u202f\u205f\u3000"


def edge_safe(pattern: str, flags: int = 0) -> bool:
    """Does a match of ``pattern`` in a slice of a text that has whitespace (or the text's
    edge) on both sides always match at the same place in the text? (see the module docstring)"""
    import re._constants as c
    import re._parser as parser

    try:
        parsed = parser.parse(pattern, flags)
    except re.error:
        return False
    if parsed.state.flags & (re.MULTILINE | re.VERBOSE):
        return False

    def one_char_not_space(items: Any) -> bool:
        # a negative lookaround's body: one character, never whitespace
        if len(items) != 1:
            return False
        op, av = items[0]
        if op is c.LITERAL:
            return chr(av) not in WHITESPACE
        if op is c.IN:
            try:
                rx = re.compile(parser_to_class(av))
            except (re.error, ValueError):
                return False
            return not any(rx.match(ch) for ch in WHITESPACE)
        return False

    def walk(items: Any) -> bool:
        for op, av in items:
            if op in (c.LITERAL, c.NOT_LITERAL, c.IN, c.ANY):
                ok = True
            elif op is c.SUBPATTERN:
                ok = walk(av[3])
            elif op is c.BRANCH:
                ok = all(walk(b) for b in av[1])
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                ok = walk(av[2])
            elif op is c.ATOMIC_GROUP:
                ok = walk(av)
            elif op is c.ASSERT:
                ok = walk(av[1])
            elif op is c.ASSERT_NOT:
                ok = one_char_not_space(av[1])
            elif op is c.AT:
                ok = av in (c.AT_BOUNDARY, c.AT_NON_BOUNDARY)
            else:
                ok = False
            if not ok:
                return False
        return True

    return walk(parsed)


def parser_to_class(items: Any) -> str:
    """A parsed character class back as regex source (literals, ranges, \\w \\d \\s and their
    negations, negation); ValueError for anything else."""
    import re._constants as c

    names = {c.CATEGORY_WORD: r"\w", c.CATEGORY_NOT_WORD: r"\W", c.CATEGORY_DIGIT: r"\d",
             c.CATEGORY_NOT_DIGIT: r"\D", c.CATEGORY_SPACE: r"\s", c.CATEGORY_NOT_SPACE: r"\S"}
    out = []
    for op, av in items:
        if op is c.NEGATE:
            out.append("^")
        elif op is c.LITERAL:
            out.append(re.escape(chr(av)))
        elif op is c.RANGE:
            out.append(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is c.CATEGORY and av in names:
            out.append(names[av])
        else:
            raise ValueError(op)
    return "[" + "".join(out) + "]"


class Prescreen:
    """What document_fast.py needs from one lexicon, worked out once per process and lexicon:
    its token facts (sentences.py) and which rule regexes may search a whole text."""

    def __init__(self, lex: CxLexicon) -> None:
        self.lexicon = lex
        self.facts = _facts(lex)
        # always-run rules or stems the plan cannot look for: the general path decides
        self.usable = self.facts.usable
        # Hyperscan's one pass for every rule, or None (then the trigger index decides), and
        # for it whether each token ends a sentence (document_fast.score_short_scanned)
        self.scan = rule_scan(lex) if self.usable else None
        self.ends: dict[str, int] = {}
        self._whole: dict[int, re.Pattern[str] | None] = {}

    def whole_text_regex(self, i: int) -> re.Pattern[str] | None:
        """Rule i's lower-case regex when it is edge_safe (else None: check sentence by sentence)."""
        try:
            return self._whole[i]
        except KeyError:
            rx = self.lexicon.lower_regexes[i].get() if self.lexicon.lower_regexes else None
            # the phrase part (matching._phrase_body between (?<![\w']) and (?![\w'])) is
            # edge_safe by construction; only hand-written patterns need parsing
            safe = rx is not None and all(map(edge_safe, self.lexicon.rules[i].patterns))
            self._whole[i] = rx if safe else None
            return self._whole[i]

    def none_fire(self, low: str, found: set[int]) -> bool:
        """True when no rule in ``found`` matches anywhere in ``low`` (the lower-cased text,
        \u2019 read as '), so none fires in any sentence of it; False when one may."""
        for i in found:
            rx = self.whole_text_regex(i)
            if rx is None or rx.search(low) is not None:
                return False
        return True


_PRESCREENS: dict[int, Prescreen] = {}


def prescreen(lex: CxLexicon) -> Prescreen:
    """The Prescreen of ``lex`` (built on first use)."""
    return sentences.per_lexicon(_PRESCREENS, lex, Prescreen)


def clear_cache() -> None:
    """Forget the token facts and what was worked out per lexicon (benchmarks use this, with
    FastVader.clear_cache, to time a cold start)."""
    _PRESCREENS.clear()
    sentences.clear_cache()
