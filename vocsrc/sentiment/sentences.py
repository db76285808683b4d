"""Sentences of a text, and what each whitespace token says about them.

``split_sentences`` is the one definition of a sentence (regex-based, abbreviation-aware,
newline-aware). ``_TokenFacts`` works out, once per distinct token and process, whether a
token ends a sentence and whether it holds a word the CX pre-check looks at, so document.py
can split and pre-check a text with set operations over the tokens the raw engine split
anyway; ``_sentence_bounds`` is split_sentences in token space (tests/unit/test_document.py
checks both against split_sentences and the CX lexicon).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import chain, compress, count, filterfalse
from typing import Any

from vocsrc.sentiment.cx import CxLexicon
from vocsrc.sentiment.matching import _WORD_OR_QUOTE, _lower_tokens

# run-on text without sentence punctuation (TripAdvisor's is lower-cased and
# comma-separated) is cut at clause punctuation once a "sentence" is this long
LONG_SENTENCE_WORDS = 40

_ABBREV = frozenset(
    "mr mrs ms dr prof sr jr st no nos vs etc eg ie approx apt dept est inc ltd co corp jan feb mar apr jun "
    "jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun fig ref acct tel ph hr hrs min "
    "mins sec govt u.s a.m p.m e.g i.e".split()
)
# candidate boundary: terminal punctuation (keeping closing quotes) then space, or a line break
_BOUNDARY = re.compile(r"""(?<=[.!?])(["'\u201d)\]]*)\s+|\s*\n\s*""")
_LAST_TOKEN = re.compile(r"""["'(\[]*(\S+)$""")
_DOTTED = re.compile(r"(?:[a-z]\.)+[a-z]")
_CLAUSE = re.compile(r"(?<=[,;:])\s+")
# every _BOUNDARY match contains one of these (terminal punctuation, closing quotes, then a
# space; or a line break), and this regex starts with a character set, so it scans fast
_MAYBE_BOUNDARY = re.compile(r"""[.!?]["'\u201d)\]]*\s|\n""")
_WORDS = re.compile(r"\S+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: regex-based, abbreviation-aware, newline-aware.

    CFPB masks (XX/XX/XXXX, XXXX) and amounts ({$12.50}) contain no space after
    their dots, so they never end a sentence.
    """
    text = text.strip()
    if not text:
        return []
    if _MAYBE_BOUNDARY.search(text) is None:
        out = [text]  # no boundary: what the loop below gives, without its slower regex
    else:
        out = []
        start = 0
        for m in _BOUNDARY.finditer(text):
            end = m.start() + len(m.group(1) or "")
            piece = text[start:end]
            if "\n" not in m.group(0) and not m.group(1) and _is_abbreviation(piece):
                continue
            if piece.strip():
                out.append(piece.strip())
            start = m.end()
        tail = text[start:].strip()
        if tail:
            out.append(tail)
    result: list[str] = []
    for s in out:
        # str.split() splits where _WORDS (\S+) does: both use str.isspace(); more words
        # than LONG_SENTENCE_WORDS take at least twice as many characters
        if len(s) > 2 * LONG_SENTENCE_WORDS and len(s.split()) > LONG_SENTENCE_WORDS:
            result.extend(c for c in _CLAUSE.split(s) if c.strip())
        else:
            result.append(s)
    return result


def _is_abbreviation(piece: str) -> bool:
    """Does ``piece`` end in an abbreviation or initial rather than a sentence?"""
    if piece and not piece[-1].isspace():
        # what _LAST_TOKEN finds, without its scan from the start of the piece: the last
        # whitespace-free run, leading quotes/brackets dropped (its last character kept)
        last = piece.rsplit(None, 1)[-1]
        token = last.lstrip("\"'([") or last[-1]
    else:
        m = _LAST_TOKEN.search(piece)
        if m is None:
            return False
        token = m.group(1)
    if token.endswith(".."):  # an ellipsis ends a sentence
        return False
    core = token.rstrip(".!?").lower()
    return core in _ABBREV or (len(core) == 1 and core.isalpha()) or _DOTTED.fullmatch(core) is not None


# a whitespace token that ends a sentence when followed by a space: what _BOUNDARY's first
# alternative needs before its \s+ (group 1: the closing quotes it keeps in the sentence)
_TOKEN_END = re.compile(r"""[.!?](["'\u201d)\]]*)\Z""")
_ENDERS = frozenset(".!?\"'\u201d)]")  # a token ending in none of these ends no sentence
_FACTS_MAX = 200_000  # distinct tokens remembered per process (as FastVader's token cache)
# fields of _TokenFacts.codes
END = 1
RELEVANT = 64
STEMMY = 64 * 64


class _TokenFacts:
    """What sentence splitting and the CX pre-check need from each distinct whitespace token,
    worked out once per token and process, so a text's check is set operations (in C) over
    the tokens the raw engine split anyway.

    * ``boundary``: tokens after which split_sentences ends a sentence (when a space, not a
      line break, follows): terminal punctuation, closing quotes kept, no abbreviation.
    * ``relevant``/``info``: tokens holding a word the lexicon's trigger index looks at
      (a trigger word, or a word a phrase or pattern also needs) or a stem at a word start,
      with those words and the stems' targets. ``candidates(tokens)`` is then exactly
      ``lexicon.candidates(" ".join(tokens))`` for text where ``lower_is_safe`` holds: the
      index looks only at those words, and a word or stem never spans whitespace.
    """

    def __init__(self, lex: CxLexicon) -> None:
        tr = lex.triggers
        self.lexicon = lex
        # without a stem plan (a user's non-ASCII stems) or with always-run rules, take the slow path
        self.usable = not tr.always and tr.lower_ok and (tr.stems is None or tr.stem_plan is not None)
        self.keys = frozenset(tr.words)
        vocab = set(tr.words)
        for entries in tr.words.values():
            for _, rest, one_of in entries:
                vocab |= rest | one_of
        self.vocab = frozenset(vocab)
        self.plan = tr.stem_plan or ()
        self.stem_words = tuple(stem for stem, _, _ in self.plan)
        self.by_words = tr._by_words
        self.reset()

    def reset(self) -> None:
        # token -> END + RELEVANT * (holds a key word or a stem) + STEMMY * (holds a stem): one
        # dict lookup per token gives a short text's sentence count and pre-check (summed, each
        # field counts up to 63 tokens); every token learnt is in it
        self.codes: dict[str, int] = {}
        self.boundary: set[str] = set()
        # tokens holding a trigger-index key word or a stem: without one, no candidate
        self.relevant: set[str] = set()
        # tokens holding any word the index looks at (keys and the words they need), those words
        self.wordy: set[str] = set()
        self.words_of: dict[str, frozenset[str]] = {}
        # tokens where a stem starts a word, and the stems' targets
        self.stemmy: set[str] = set()
        self.stems_of: dict[str, frozenset[int]] = {}

    def knows(self, tokens: list[str]) -> bool:
        """Have all these tokens been learnt?"""
        return all(map(self.codes.__contains__, tokens))

    def learn(self, tokens: list[str]) -> None:
        """Work out the facts of the tokens not seen before."""
        codes = self.codes
        if len(codes) > _FACTS_MAX:
            self.reset()
            codes = self.codes
        new = set(filterfalse(codes.__contains__, tokens))
        for t in new:
            end = _ends_sentence(t)
            codes[t] = end
            if end:
                self.boundary.add(t)
        # most new tokens hold no word the index looks at and no stem: one test for them all
        # (joined with spaces, their words are the union of each token's words)
        low_all = " ".join(new).lower()
        vocab = self.vocab
        if vocab.isdisjoint(_lower_tokens(low_all)):
            for st in self.stem_words:
                if st in low_all:
                    break
            else:
                return
        for t in new:
            low = t.lower()
            words = vocab.intersection(_lower_tokens(low))
            if words:
                self.wordy.add(t)
                self.words_of[t] = frozenset(words)
                if not self.keys.isdisjoint(words):
                    self.relevant.add(t)
                    codes[t] += RELEVANT
            if self.plan:
                stems = self._stem_targets(low)
                if stems:
                    self.stemmy.add(t)
                    self.stems_of[t] = frozenset(stems)
                    if t not in self.relevant:
                        self.relevant.add(t)
                        codes[t] += RELEVANT
                    codes[t] += STEMMY

    def _stem_targets(self, low: str) -> list[int]:
        # TriggerIndex.lookup_lower_tokens' stem loop on one lower-cased token: a word start
        # inside a token is one in the text (whitespace before a token is no word character)
        out = []
        for stem, target, longer in self.plan:
            p = low.find(stem)
            while p >= 0:
                if (p == 0 or _WORD_OR_QUOTE.match(low, p - 1) is None) and not any(
                        low.startswith(x, p) for x in longer):
                    out.append(target)
                    break
                p = low.find(stem, p + 1)
        return out

    def candidates(self, tokens: list[str]) -> set[int]:
        """``lexicon.candidates`` of the text these (learnt) tokens make up."""
        if self.relevant.isdisjoint(tokens):
            return set()
        found = self.by_words(set(chain.from_iterable(map(self.words_of.__getitem__,
                                                          self.wordy.intersection(tokens)))))
        if not self.stemmy.isdisjoint(tokens):
            for t in self.stemmy.intersection(tokens):
                found |= self.stems_of[t]
        return found


def _ends_sentence(token: str) -> int:
    """1 if split_sentences ends a sentence after ``token`` when a space follows, else 0."""
    if token[-1] in _ENDERS:
        m = _TOKEN_END.search(token)
        if m is not None and (m.group(1) or not _is_abbreviation(token)):
            return 1
    return 0


_FACTS: dict[int, _TokenFacts] = {}


def per_lexicon(cache: dict[int, Any], lex: CxLexicon, build: Callable[[CxLexicon], Any]) -> Any:
    """What ``build`` works out for ``lex``, once per lexicon object. Keyed by id: the value keeps
    its lexicon alive (as ``.lexicon``), so an id is never reused while its entry stands."""
    got = cache.get(id(lex))
    if got is None or got.lexicon is not lex:
        got = cache[id(lex)] = build(lex)
    return got


def _facts(lex: CxLexicon) -> _TokenFacts:
    return per_lexicon(_FACTS, lex, _TokenFacts)


def clear_cache() -> None:
    """Forget the token facts (benchmarks use this, with FastVader.clear_cache, to time a cold start)."""
    _FACTS.clear()


def _sentence_bounds(toks: list[str], ends_one: Callable[[str], Any]) -> list[tuple[int, int]]:
    """split_sentences in token space: (start, end) token ranges of the sentences of
    ``" ".join(toks)`` (a text without line breaks, single spaces between tokens), given
    ``ends_one(token)``, true for a token after which a sentence ends."""
    ends = list(compress(count(1), map(ends_one, toks)))
    if not ends or ends[-1] != len(toks):
        ends.append(len(toks))
    out = []
    a = 0
    for b in ends:
        if b - a > LONG_SENTENCE_WORDS:
            # run-on sentence: cut after clause punctuation, as split_sentences does with _CLAUSE
            for i in range(a, b - 1):
                if toks[i][-1] in ",;:":
                    out.append((a, i + 1))
                    a = i + 1
        out.append((a, b))
        a = b
    return out
