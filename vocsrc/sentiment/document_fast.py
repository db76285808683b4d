"""score_document's fast paths: the same TextScore as document._analyse gives, with less work.

All take a text without a line break where ``lower_is_safe`` holds, already split into
whitespace tokens, and a lexicon whose pre-check needs no always-run rule
(``Prescreen.usable``); document.score_document sends every other text down the general
path. tests/unit/test_document.py and tests/unit/test_prescreen.py compare every field with
the general path and a plain reference computation on the real external data.

With Hyperscan (rulescan.py), given what its scan found in the text:

* ``score_short_scanned`` (up to SHORT_WORDS words): the raw score from the engine's pass
  over the tokens; the sentence count from the tokens the engine's token cache marked as
  ending a sentence; the CX rules only in the sentences holding a place the scan flagged,
  for those rules.
* ``score_long_scanned`` (single spaces between words, no emoji): sentences from the tokens
  ending in sentence punctuation (``joined_sentences``), text and sentences scored in one
  engine pass, the rules only in flagged sentences.

Without it, the trigger index decides:

* ``score_short``: the sentence count from per-token facts; the CX shift only for a text
  holding a trigger word whose candidate rules match somewhere in the whole text
  (``Prescreen.none_fire``); only then, and only for several sentences, is it split.
* ``score_long``: sentences from the token facts, every sentence with a candidate checked.
"""

from __future__ import annotations

import re
from typing import Any

from vocsrc.sentiment.cx import CxLexicon
from vocsrc.sentiment.prescreen import Prescreen
from vocsrc.sentiment.sentences import (_ENDERS, END, LONG_SENTENCE_WORDS, RELEVANT, _FACTS_MAX, _ends_sentence,
                                        _sentence_bounds, _TokenFacts,
                                        split_sentences)
from vocsrc.sentiment.textscore import NEG_THRESHOLD, POS_THRESHOLD, TextScore, label, new_score, pool


def score_short(text: str, toks: list[str], engine: Any, lex: CxLexicon, pre: Prescreen) -> TextScore:
    """score_document of a text of up to SHORT_WORDS words: the whole text is its own evidence."""
    neg, neu, pos, compound = (engine.scores_tuple(text) if engine.has_emoji(text)
                               else engine.scores_split(text, toks))
    if not toks:
        return new_score(TextScore, (compound, pos, neu, neg, 0.0, "neutral", "neutral", 0, None, None))
    facts = pre.facts
    codes = facts.codes
    try:
        s = sum(map(codes.get, toks))
    except TypeError:  # None: a token not learnt yet
        facts.learn(toks)
        codes = facts.codes
        s = sum(map(codes.__getitem__, toks))
    # sentences: one, plus one after each boundary token but the last
    n = 1 + (s & 63) - (codes[toks[-1]] & END)
    cx = compound
    if s >= RELEVANT:
        found = facts.candidates(toks)
        if found:
            if n == 1:
                cx = lex.shifted(compound, lex.shift(text, found))
            else:
                low = text.lower()
                if "\u2019" in low:
                    low = low.replace("\u2019", "'")  # as the rules read each sentence
                if not pre.none_fire(low, found):
                    total = 0.0
                    for s in split_sentences(text):
                        total += lex.shift(s)
                    cx = lex.shifted(compound, total)
    return _short_score(text, neg, neu, pos, compound, cx, n)


def _short_score(text: str, neg: float, neu: float, pos: float, compound: float, cx: float,
                 n: int) -> TextScore:
    # a short comment is its own evidence, on the side of its CX score
    vl = "positive" if compound >= POS_THRESHOLD else "negative" if compound <= NEG_THRESHOLD else "neutral"
    if cx >= POS_THRESHOLD:
        return new_score(TextScore, (compound, pos, neu, neg, cx, vl, "positive", n, None, text.strip()))
    if cx <= NEG_THRESHOLD:
        return new_score(TextScore, (compound, pos, neu, neg, cx, vl, "negative", n, text.strip(), None))
    return new_score(TextScore, (compound, pos, neu, neg, cx, vl, "neutral", n, None, None))


def score_short_scanned(text: str, toks: list[str], engine: Any, lex: CxLexicon,
                        flagged: list[tuple[int, int]], ends: dict[str, int]) -> TextScore:
    """score_short when Hyperscan screens the rules (rulescan.py): ``flagged`` is what the scan
    found in this text (``RuleScan.ends``); see ``score_shorts``."""
    return score_shorts([text], [toks], engine, lex, {0: flagged} if flagged else {}, ends)[0]


def score_shorts(texts: list[str], tokens: list[list[str]], engine: Any, lex: CxLexicon,
                 flagged: dict[int, list[tuple[int, int]]], ends: dict[str, int]) -> list[TextScore]:
    """score_short_scanned of each text (``tokens`` their splits, ``flagged`` the scan's finds
    by index, as ``RuleScan.ends_many`` gives them), in one loop: per text only the raw score,
    the sentence count and, for a text the scan flagged, the rules in its flagged sentences.

    The sentence count: one, plus one after each token that ends a sentence and is not the
    last. The engine's token cache marks such tokens as it meets them (``mark_tokens``), so
    counting them is one pass in C; a text holding an emoji (scored after the reference's
    emoji replacement, so through other tokens) and a flagged text (whose rules need the
    sentences' places) find them with _ENDING instead, their verdicts cached in ``ends``."""
    has_emoji = engine.has_emoji
    scores_split = engine.scores_split
    scores_tuple = engine.scores_tuple
    engine.mark_tokens(_ENDERS, _ends_sentence)
    marked = engine.marked_tokens
    out = []
    append = out.append
    for k, text in enumerate(texts):
        toks = tokens[k]
        if not toks:
            append(new_score(TextScore, (0.0, 0.0, 0.0, 0.0, 0.0, "neutral", "neutral", 0, None, None)))
            continue
        found = flagged.get(k)
        if found is None and not has_emoji(text):
            neg, neu, pos, compound = scores_split(text, toks)
            ends_at = marked().__contains__
            n = 1 + sum(map(ends_at, toks)) - ends_at(toks[-1])
            cx = compound
        else:
            neg, neu, pos, compound = scores_tuple(text) if has_emoji(text) else scores_split(text, toks)
            n, cuts = _sentence_ends(text, toks, ends)
            cx = lex.shifted(compound, flagged_shift(text, n, cuts, found, lex)) if found else compound
        append(_short_score(text, neg, neu, pos, compound, cx, n))
    return out


def _sentence_ends(text: str, toks: list[str], ends: dict[str, int]) -> tuple[int, list[int]]:
    """The sentence count of a short text without line breaks (``toks`` its split) and where
    each sentence but the last ends (the whitespace after its last token). Only tokens ending
    in . ! or ? (and closing quotes) can end one, and _ENDING finds those followed by
    whitespace; each one's verdict is cached in ``ends``."""
    n = 1
    cuts = []
    get = ends.get
    for m in _ENDING.finditer(text):
        cut = m.end() - 1
        tok = text[:cut].rsplit(None, 1)[-1]
        e = get(tok)
        if e is None:
            e = ends[tok] = _ends_sentence(tok)
        if e:
            n += 1
            cuts.append(cut)
    if text[-1].isspace() and get(toks[-1], 0):
        n -= 1  # the last token, counted above, ends the text
        cuts.pop()
    return n, cuts


# sentence punctuation, closing quotes, then whitespace: the end of a token that may end a
# sentence (\s is what str.split cuts at: both use str.isspace)
_ENDING = re.compile(r"""[.!?]["'\u201d)\]]*\s""")
_TEXT = re.compile(r"\S")


def flagged_shift(text: str, n: int, cuts: list[int], flagged: list[tuple[int, int]], lex: CxLexicon) -> float:
    """The CX shift summed over the ``n`` sentences of a text without line breaks and of at
    most SHORT_WORDS words, which end at ``cuts`` (and the text's end), given where the scan
    found a rule may match: only the sentences holding such a place are checked, and only
    for those rules."""
    if n == 1:
        return lex.shift(text, lex.candidates(text).intersection([r for r, _ in flagged]))
    # split_sentences' pieces: from the first character after whitespace to a cut (no run-on
    # sentence to cut at commas in so few words)
    total = 0.0
    start = _TEXT.search(text).start()  # type: ignore[union-attr]
    for end in (*cuts, len(text.rstrip())):
        # a match ending in this sentence ends at start..end in the text
        rules = [r for r, e in flagged if start <= e <= end]
        if rules:
            part = text[start:end]
            total += lex.shift(part, lex.candidates(part).intersection(rules))
        nxt = _TEXT.search(text, end)
        if nxt is None:
            break
        start = nxt.start()
    return total


def learn_ends(ends: dict[str, int], tokens: list[str]) -> None:
    """Record for each token not seen before whether split_sentences ends a sentence after it."""
    if len(ends) > _FACTS_MAX:
        ends.clear()
    new = set(tokens).difference(ends)  # in C: a narrative's 180 tokens hold few new ones
    ends.update(zip(new, map(_ends_sentence, new)))


def score_long(text: str, toks: list[str], engine: Any, lex: CxLexicon, facts: _TokenFacts) -> TextScore:
    """score_document of a text of more than SHORT_WORDS words, single spaces between its
    words, no line break, no emoji, lower_is_safe: as _analyse gives it, with the sentences
    found from the token facts (a sentence is then the join of its tokens, exactly the slice
    split_sentences returns) and the raw engine scoring text and sentences in one pass."""
    if not facts.knows(toks):
        facts.learn(toks)
    bounds = _sentence_bounds(toks, facts.boundary.__contains__)
    parts = [" ".join(toks[a:b]) for a, b in bounds]
    (neg, neu, pos, compound), raws = engine.split_scores(text, toks, parts, bounds)
    relevant = facts.relevant
    total_shift = 0.0
    cxs = raws
    for k, (a, b) in enumerate(bounds):
        piece = toks[a:b]
        if relevant.isdisjoint(piece):
            continue
        shift = lex.shift(parts[k], facts.candidates(piece))
        if shift:
            if cxs is raws:
                cxs = list(raws)
            total_shift += shift
            cxs[k] = lex.shifted(raws[k], shift)
    return _long_score(parts, neg, neu, pos, compound, cxs)


def score_long_scanned(text: str, toks: list[str], engine: Any, lex: CxLexicon,
                       flagged: list[tuple[int, int]], ends: dict[str, int]) -> TextScore:
    """score_long when Hyperscan screens the rules: ``flagged`` is what the scan found in
    ``" ".join(toks)`` (``RuleScan.ends``), and only the sentences holding one of those
    places run the rules (the others keep their raw compound)."""
    joined = " ".join(toks)
    spans, bounds = joined_sentences(joined, len(toks), ends)
    parts = [joined[a:b] for a, b in spans]
    (neg, neu, pos, compound), raws = engine.split_scores(text, toks, parts, bounds)
    cxs = raws
    if flagged:
        cxs = list(raws)
        for k, (start, end) in enumerate(spans):
            # a match ending in this sentence ends at start..end of the joined tokens
            rules = [r for r, e in flagged if start <= e <= end]
            if rules:
                shift = lex.shift(parts[k], lex.candidates(parts[k]).intersection(rules))
                if shift:
                    cxs[k] = lex.shifted(raws[k], shift)
    return _long_score(parts, neg, neu, pos, compound, cxs)


_CLAUSE_END = re.compile(r"[,;:] ")


def joined_sentences(joined: str, n: int, ends: dict[str, int]) -> tuple[list[tuple[int, int]],
                                                                          list[tuple[int, int]]]:
    """sentences._sentence_bounds of a text of ``n`` tokens joined by single spaces, as character
    spans and token ranges: only tokens ending in sentence punctuation are looked at (found by
    _ENDING, their verdict cached in ``ends``), and clause punctuation only in run-on sentences.
    The tokens of characters start..cut (cut a space) are ``joined.count(" ", start, cut) + 1``."""
    spans: list[tuple[int, int]] = []
    bounds: list[tuple[int, int]] = []
    start = first = 0  # the current sentence's first character and first token

    def close(end: int, last: int) -> None:
        nonlocal start, first
        if last - first > LONG_SENTENCE_WORDS:
            # run-on sentence: cut after clause punctuation, as split_sentences does with _CLAUSE
            for m in _CLAUSE_END.finditer(joined, start, end):
                cut = m.start() + 1
                upto = first + joined.count(" ", start, cut) + 1
                spans.append((start, cut))
                bounds.append((first, upto))
                start, first = cut + 1, upto
        spans.append((start, end))
        bounds.append((first, last))
        start, first = end + 1, last

    for m in _ENDING.finditer(joined):
        cut = m.end() - 1  # the space after a token ending in sentence punctuation
        tok = joined[joined.rfind(" ", 0, cut) + 1:cut]
        e = ends.get(tok)
        if e is None:
            e = ends[tok] = _ends_sentence(tok)
        if e:
            close(cut, first + joined.count(" ", start, cut) + 1)
    close(len(joined), n)
    return spans, bounds


def _long_score(parts: list[str], neg: float, neu: float, pos: float, compound: float,
                cxs: list[float]) -> TextScore:
    # sentences pooled; the most negative and most positive are the evidence
    cx = pool(cxs)
    worst = min(cxs)
    best = max(cxs)
    vl = "positive" if compound >= POS_THRESHOLD else "negative" if compound <= NEG_THRESHOLD else "neutral"
    return new_score(TextScore, (compound, pos, neu, neg, cx, vl, label(cx), len(parts),
                                  parts[cxs.index(worst)] if worst <= NEG_THRESHOLD else None,
                                  parts[cxs.index(best)] if best >= POS_THRESHOLD else None))
