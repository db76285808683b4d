"""A fast VADER scorer whose output is identical to vaderSentiment 3.3.2.

vaderSentiment stays the reference: its constants are imported from the installed
package and the lexicon/emoji files are read from the package directory, so the
two engines cannot drift apart silently.  ``tests/unit/test_fastvader.py`` checks
identity against ``SentimentIntensityAnalyzer().polarity_scores`` itself.

Where the time goes in the reference (and why this module is faster):

* The rules re-lower-case the whole token list for every negation and idiom check
  of every lexicon word (quadratic in length).  Here each distinct raw token is
  stripped and lower-cased once per process (``_TokenCache``).
* Only lexicon words can carry a non-zero valence, so the rules run for those
  positions only; every other token simply counts as neutral.  A lexicon word
  with no "rule word" (booster, negation, "no", "least", "so"/"this", idiom
  word) within three words before or two after it keeps its lexicon value
  (caps aside), so the full rules (``fastvader_rules``) run only for the others.
* A text and its sentences (``split_scores``, for long texts) share one pass of the
  rules: a sentence takes its words' valences from the text's pass unless a rule
  could read a word differently at the sentence's edges, or the caps rule differ.
* The emoji pass walks every character in Python.  No emoji key is ASCII, so
  ASCII text skips it; other text runs it only if it holds an emoji character (a
  set test; a regex character class of all 1,200 emoji was ~100x slower).

Every quirk of the reference is kept on purpose, including its bugs: the "but"
rule rescales the *first* equal value (``list.index``), "so"/"this" just before a
word boosts it even without "never", an ALL-CAPS word with zero valence is pushed
negative, and the floating-point operations happen in the same order so rounding
to 3/4 decimals gives the same digits.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from itertools import chain, compress, count
from typing import Any

from vaderSentiment import vaderSentiment as _ref

from .fastvader_rules import (BOOSTER, C_INCR, NEGATE, PUNCT, RULE_WORDS, Scores, _but_rule, _compound,
                              _punctuated_compound, _shares, valence_at)
from .vader_files import load_emojis, load_lexicon


# (last characters a token must end in, test of the token): see FastVader.mark_tokens
Marker = tuple[frozenset[str], Callable[[str], Any]]
# A process scoring a large, varied corpus must not keep every URL it saw.
_TOKEN_CACHE_MAX = 200_000
_ZERO: Scores = (0.0, 0.0, 0.0, 0.0)
_NEUTRAL: Scores = (0.0, 1.0, 0.0, 0.0)


class _TokenCache(dict):
    """Raw whitespace token -> punctuation-stripped, lower-cased word.

    Negation words are also added to ``rule_words`` (any word containing "n't"
    negates, so that set cannot be fixed in advance). With a ``marker`` (see
    ``FastVader.mark_tokens``), each token it accepts goes into ``marked``.
    """

    __slots__ = ("rule_words", "marked", "_marker")

    def __init__(self, marker: Marker | None = None) -> None:
        super().__init__()
        self.rule_words = set(RULE_WORDS)
        self.marked: set[str] = set()
        self._marker = marker

    def __missing__(self, token: str) -> str:
        marker = self._marker
        if marker is not None and token[-1] in marker[0] and marker[1](token):
            self.marked.add(token)
        stripped = token.strip(PUNCT)
        # As SentiText._strip_punc_if_word: short results were emoticons, keep them.
        word = (token if len(stripped) <= 2 else stripped).lower()
        # is_negation(word) inlined (misses are a tenth of a cold run); its second
        # lower() is a no-op, as test_lower_is_idempotent checks for every character.
        if word in NEGATE or "n't" in word:
            self.rule_words.add(word)
        self[token] = word
        return word


class FastVader:
    """Drop-in for ``SentimentIntensityAnalyzer.polarity_scores`` (same numbers, faster)."""

    def __init__(self) -> None:
        self.lexicon = load_lexicon()
        self.emojis = load_emojis()
        # Lexicon words that may carry valence: boosters score 0 before any lookup.
        self._candidates = frozenset(w for w in self.lexicon if w not in BOOSTER)
        # The reference iterates characters, so only one-character keys can match.
        self._emoji_chars = frozenset(k for k in self.emojis if len(k) == 1)
        self._ascii_emoji_free = not any(k.isascii() for k in self._emoji_chars)
        self._marker: Marker | None = None
        self._tokens = _TokenCache()
        self._reference: Any = None

    # -- public API -------------------------------------------------------------

    def polarity_scores(self, text: str) -> dict[str, float]:
        neg, neu, pos, compound = self.scores_tuple(text)
        return {"neg": neg, "neu": neu, "pos": pos, "compound": compound}

    def score_many(self, texts: Any) -> list[Scores]:
        """(neg, neu, pos, compound) for each text, in order."""
        return list(map(self.scores_tuple, texts))

    def clear_cache(self) -> None:
        """Forget cached tokens (benchmarks use this to time a cold engine)."""
        self._tokens = _TokenCache(self._marker)

    def mark_tokens(self, last_chars: frozenset[str], test: Callable[[str], Any]) -> None:
        """From now on, collect in ``marked_tokens()`` every token scored that ends in one of
        ``last_chars`` and passes ``test``, as the token cache meets it (so a caller can
        count such tokens in a text with one C-level pass; document_fast.py counts sentence
        ends this way). The cache starts afresh unless this marker is already in place."""
        marker = (last_chars, test)
        if marker != self._marker:
            self._marker = marker
            self._tokens = _TokenCache(marker)

    def marked_tokens(self) -> set[str]:
        """The tokens ``mark_tokens``' test accepted among those scored since the cache started;
        it holds every such token of the last text scored."""
        return self._tokens.marked

    def scores_tuple(self, text: str) -> Scores:
        """(neg, neu, pos, compound), exactly as polarity_scores would give them."""
        if type(text) is not str:
            return self._reference_tuple(text)
        if not (text.isascii() and self._ascii_emoji_free):
            if not self._emoji_chars.isdisjoint(text):
                text = self._replace_emojis(text)
        return self.scores_split(text, text.split())

    def has_emoji(self, text: str) -> bool:
        """Does ``text`` hold an emoji the reference replaces by its description?"""
        return not (text.isascii() and self._ascii_emoji_free) and not self._emoji_chars.isdisjoint(text)

    def scores_split(self, text: str, tokens: list[str]) -> Scores:
        """``scores_tuple(text)`` given ``tokens = text.split()`` of a str without emoji
        (``has_emoji`` is False): for a caller that needs the tokens too (document.py)."""
        if not tokens:
            return _ZERO
        words, hits, rule_words = self._lookup(tokens)
        if not hits:
            return _NEUTRAL
        return self._scores(text, tokens, words, hits, rule_words)

    def _cache(self) -> _TokenCache:
        cache = self._tokens
        if len(cache) > _TOKEN_CACHE_MAX:
            # Replace rather than clear: a text being scored in another thread
            # keeps a cache whose rule_words stays complete for its words.
            cache = self._tokens = _TokenCache(self._marker)
        return cache

    def _lookup(self, tokens: list[str]) -> tuple[list[str], list[int], set[str]]:
        """Each token's word, the positions of lexicon words, and the rule words (which then
        hold every negation among these words)."""
        cache = self._cache()
        words = list(map(cache.__getitem__, tokens))
        return words, list(compress(count(), map(self._candidates.__contains__, words))), cache.rule_words

    def split_scores(self, text: str, tokens: list[str], sentences: list[str],
                     bounds: list[tuple[int, int]]) -> tuple[Scores, list[float]]:
        """``scores_split(text, tokens)`` and each sentence's compound, from one pass of the rules.

        ``sentences[k]`` must be ``" ".join(tokens[a:b])`` for ``(a, b) = bounds[k]``, the
        bounds contiguous and in order, and ``text`` hold no emoji. Each compound is then
        exactly ``polarity_scores(sentences[k])["compound"]``: a sentence takes its words'
        valences from the whole text's pass, unless a rule or the caps rule may read one of
        them differently in the sentence alone (``_edge_starts``, ``_caps_apart``); such a
        sentence is scored again from its own tokens.
        """
        if not tokens:
            return _ZERO, [0.0] * len(sentences)
        words, hits, rule_words = self._lookup(tokens)
        if not hits:
            return _NEUTRAL, [0.0] * len(sentences)
        rule_hits: list[int] = []
        vals, where = self._valences(tokens, words, hits, rule_words, rule_hits)
        buts = _positions(words, "but")
        # The sentences first: the whole text's "but" rule below rescales vals in place.
        out = self._sentence_compounds(sentences, bounds, tokens, words, hits, rule_words,
                                       vals, where, _edge_starts(bounds, rule_hits, len(tokens)), buts)
        if not vals:
            return _NEUTRAL, out
        if buts:
            _but_rule(vals, where, buts[0])
        return _shares(vals, _punctuated_compound(vals, text), len(tokens)), out

    def _sentence_compounds(self, sentences: list[str], bounds: list[tuple[int, int]],
                            tokens: list[str], words: list[str], hits: list[int],
                            rule_words: set[str], vals: list[float], where: list[int],
                            again: set[int], buts: list[int]) -> list[float]:
        """Each sentence's compound from the whole text's valences before the "but" rule
        (``vals``, non-zero, at ``where``), or scored again if its start is in ``again`` or
        the caps rule reads it apart. ``buts``: the positions of "but" in ``words``."""
        out = []
        lo = 0  # where[lo:hi]: the valences inside the current sentence
        for sentence, (a, b) in zip(sentences, bounds):
            hi = bisect_left(where, b, lo)
            if a in again or (sentence.isupper() and _caps_apart(tokens, a, b)):
                out.append(self._sentence_again(sentence, tokens, words, hits, rule_words, a, b))
            elif lo == hi:
                out.append(0.0)
            else:
                own = vals[lo:hi]  # a copy: the "but" rule rescales it in place
                if buts:
                    k = bisect_left(buts, a)
                    if k < len(buts) and buts[k] < b:  # the sentence's own first "but"
                        _but_rule(own, where[lo:hi], buts[k])
                out.append(_punctuated_compound(own, sentence)[0])
            lo = hi
        return out

    def _sentence_again(self, sentence: str, tokens: list[str], words: list[str], hits: list[int],
                        rule_words: set[str], a: int, b: int) -> float:
        # polarity_scores(sentence)["compound"] from the sentence's own tokens (the way
        # split_scores scored every sentence before it reused the text's valences)
        lo = bisect_left(hits, a)
        hi = bisect_left(hits, b, lo)
        if lo == hi:
            return 0.0
        local = [i - a for i in hits[lo:hi]] if a else hits[lo:hi]
        return self._compound(sentence, tokens[a:b], words[a:b], local, rule_words)

    def _scores(self, text: str, tokens: list[str], words: list[str], hits: list[int],
                rule_words: set[str]) -> Scores:
        # scores_tuple from the hit positions on
        vals, where = self._valences(tokens, words, hits, rule_words)
        if not vals:
            return _NEUTRAL
        return _shares(vals, _compound(vals, where, words, text), len(tokens))

    def sentence_compounds(self, text: str, sentences: Any, pieces: list[list[str]]) -> list[float] | None:
        """``[polarity_scores(s)["compound"] for s in sentences]``, cheaper, or None.

        ``pieces[k]`` is ``sentences[k].split()``. When the pieces, in order, are
        exactly ``text.split()`` (sentences cut from ``text`` at whitespace, as
        document.split_sentences cuts them) and ``text`` holds no emoji (whose
        replacement would differ between a text and its sentences), each sentence
        scores from its tokens as scores_tuple would, without the dict, the
        pos/neu/neg shares, or any work for a sentence with no lexicon word.
        Otherwise None, and the caller scores each sentence itself.
        """
        if type(text) is not str:
            return None
        if not (text.isascii() and self._ascii_emoji_free) and not self._emoji_chars.isdisjoint(text):
            return None
        if list(chain.from_iterable(pieces)) != text.split():
            return None
        cache = self._cache()
        get = cache.__getitem__
        is_candidate = self._candidates.__contains__
        out = []
        for sentence, tokens in zip(sentences, pieces):
            words = list(map(get, tokens))
            hits = list(compress(count(), map(is_candidate, words)))
            out.append(self._compound(sentence, tokens, words, hits, cache.rule_words) if hits else 0.0)
        return out

    def _compound(self, text: str, tokens: list[str], words: list[str], hits: list[int],
                  rule_words: set[str]) -> float:
        # scores_tuple's compound from its hit loop on, operation for operation
        vals, where = self._valences(tokens, words, hits, rule_words)
        return _compound(vals, where, words, text)[0] if vals else 0.0

    def _valences(self, tokens: list[str], words: list[str], hits: list[int],
                  rule_words: set[str], rule_hits: list[int] | None = None) -> tuple[list[float], list[int]]:
        """Each sentiment-bearing word's valence after VADER's rules, and its position.

        ``rule_hits``, if given, gets the positions of the hits the full rules read (a
        context-dependent zero included): split_scores checks them against sentence edges.
        """
        n = len(tokens)
        last = n - 1
        lexicon = self.lexicon
        cap_diff: bool | None = None
        vals: list[float] = []
        where: list[int] = []
        for i in hits:
            if rule_words.isdisjoint(words[i - 3 if i >= 3 else 0 : i + 3]):
                # No booster, negation, "no", "least", "so"/"this", idiom word
                # nearby: every rule reduces to the word's own valence (plus caps).
                v = lexicon[words[i]]
                if tokens[i].isupper():
                    if cap_diff is None:
                        cap_diff = 0 < n - sum(map(str.isupper, tokens)) < n
                    if cap_diff:
                        v = v + C_INCR if v > 0 else v - C_INCR
            else:
                if rule_hits is not None:
                    rule_hits.append(i)
                # "kind" is a rule word, so "kind of" (scored 0) only needs checking here.
                if i < last and words[i] == "kind" and words[i + 1] == "of":
                    continue
                if cap_diff is None:
                    cap_diff = 0 < n - sum(map(str.isupper, tokens)) < n
                v = valence_at(i, words, tokens, lexicon, cap_diff)
            if v:
                vals.append(v)
                where.append(i)
        return vals, where

    # -- internals ----------------------------------------------------------------

    def _reference_tuple(self, text: Any) -> Scores:
        # Non-str input takes odd paths in the reference (bytes, str subclasses):
        # defer to it so even its errors are the same.
        if self._reference is None:
            self._reference = _ref.SentimentIntensityAnalyzer()
        d = self._reference.polarity_scores(text)
        return (d["neg"], d["neu"], d["pos"], d["compound"])

    def _replace_emojis(self, text: str) -> str:
        # The reference's loop, but only run for the rare text holding an emoji.
        # A space goes before a description unless the previous input character
        # was a space (or there is none); none goes after it.
        emojis = self.emojis
        out = []
        prev_space = True
        for ch in text:
            if ch in emojis:
                if not prev_space:
                    out.append(" ")
                out.append(emojis[ch])
                prev_space = False
            else:
                out.append(ch)
                prev_space = ch == " "
        return "".join(out).strip()


@lru_cache(maxsize=1)
def get_engine() -> FastVader:
    """The per-process engine (loading the lexicon costs tens of milliseconds)."""
    return FastVader()


def _edge_starts(bounds: list[tuple[int, int]], rule_hits: list[int], n: int) -> set[int]:
    """Starts of the sentences where a word may get another valence alone than in the text.

    The full rules read words i-3..i+2 of a hit at i (and whether i+1 and i+2 exist), so
    a hit that took them (``rule_hits``) less than three words after its sentence's start
    or in its last two words may read differently, unless that edge is the text's own
    (start 0, end ``n``: nothing lies beyond it in either). A hit that took the fast path
    in the text had no rule word within i-3..i+2, so it has none in a sentence either and
    keeps its value (caps aside: ``_caps_apart``).
    """
    out: set[int] = set()
    sentences = iter(bounds)
    a = b = 0
    for i in rule_hits:
        while b <= i:  # on to the sentence holding i (none left: a sentinel, harmless)
            a, b = next(sentences, (i, i + 1))
        if (i - a < 3 and a > 0) or (b - i < 3 and b < n):
            out.add(a)
    return out


def _caps_apart(tokens: list[str], a: int, b: int) -> bool:
    """For a sentence ``tokens[a:b]`` whose string isupper(): does its cap_diff differ from the text's?

    cap_diff is ``0 < uppers < n`` and is read only with an upper token. A sentence string
    that is not isupper() has a non-upper token, so if it has an upper one both it and
    the text have cap_diff True; if it has none, cap_diff is never read: callers test
    isupper() first. An isupper() sentence has an upper token, so cap_diff differs only
    when all its tokens are upper (False) and the text's are not (True).
    """
    return all(map(str.isupper, tokens[a:b])) and not all(map(str.isupper, tokens))


def _positions(words: list[str], word: str) -> list[int]:
    """Where ``word`` is in ``words``, in order (count() first: most texts have none)."""
    out = []
    i = -1
    for _ in range(words.count(word)):
        i = words.index(word, i + 1)
        out.append(i)
    return out
