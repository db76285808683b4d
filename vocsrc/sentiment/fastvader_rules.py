"""Per-word valence rules of vaderSentiment 3.3.2, on pre-lower-cased tokens, and its
text-level rules ("but", punctuation emphasis, normalisation, the pos/neu/neg shares).

``valence_at`` is ``SentimentIntensityAnalyzer.sentiment_valence`` with
``scalar_inc_dec``, ``_negation_check``, ``_special_idioms_check`` and
``_least_check`` folded in.  The reference rebuilds a lower-cased copy of the
whole sentence for each of those checks; here the caller passes ``words``
(already stripped and lower-cased) alongside the original ``tokens`` (needed
only for ``isupper``: stripping ASCII punctuation never changes it).

The branch structure and the order of floating-point operations follow the
reference exactly, bugs included, because scores are rounded afterwards and a
last-bit difference can change a printed digit.
"""

from __future__ import annotations

import string
from math import fabs, sqrt

from vaderSentiment import vaderSentiment as _ref

Scores = tuple[float, float, float, float]  # (neg, neu, pos, compound)
N_SCALAR: float = _ref.N_SCALAR
C_INCR: float = _ref.C_INCR
BOOSTER: dict[str, float] = _ref.BOOSTER_DICT
SPECIAL: dict[str, float] = _ref.SPECIAL_CASES
NEGATE = frozenset(_ref.NEGATE)
PUNCT = string.punctuation
# Every multi-word SPECIAL_CASES / BOOSTER_DICT key is made of these words, so the
# idiom check can only change anything when one of them is in the window.
IDIOM_WORDS = frozenset(
    part for key in (*SPECIAL, *BOOSTER) if " " in key for part in key.split(" ")
)
# Words that can make a lexicon word's valence differ from its lexicon value
# (caps aside) when they appear within three words before it or two after.
# For each idiom key one of its words is enough: the key needs all of them.
_COMMON = frozenset({"the", "of", "to", "for"})
RULE_WORDS = frozenset(
    {*BOOSTER, *NEGATE, "no", "so", "this", "never", "without", "least"}
    | {next(w for w in key.split(" ") if w not in _COMMON)
       for key in (*SPECIAL, *BOOSTER) if " " in key}
)


def is_negation(word: str) -> bool:
    """negated([word]): it lower-cases again, kept for fidelity."""
    word = word.lower()
    return word in NEGATE or "n't" in word


def _scalar(word: str, token: str, valence: float, cap_diff: bool) -> float:
    # scalar_inc_dec
    scalar = 0.0
    if word in BOOSTER:
        scalar = BOOSTER[word]
        if valence < 0:
            scalar *= -1
        if token.isupper() and cap_diff:
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def _idioms(valence: float, words: list[str], i: int) -> float:
    # _special_idioms_check (only reached with i > 2)
    w0, w1, w2, w3 = words[i], words[i - 1], words[i - 2], words[i - 3]
    onezero = f"{w1} {w0}"
    twoonezero = f"{w2} {w1} {w0}"
    twoone = f"{w2} {w1}"
    threetwoone = f"{w3} {w2} {w1}"
    threetwo = f"{w3} {w2}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL:
            valence = SPECIAL[seq]
            break
    n = len(words)
    if n - 1 > i:
        zeroone = f"{w0} {words[i + 1]}"
        if zeroone in SPECIAL:
            valence = SPECIAL[zeroone]
    if n - 1 > i + 1:
        zeroonetwo = f"{w0} {words[i + 1]} {words[i + 2]}"
        if zeroonetwo in SPECIAL:
            valence = SPECIAL[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER:
            valence = valence + BOOSTER[n_gram]
    return valence


def valence_at(
    i: int, words: list[str], tokens: list[str], lexicon: dict[str, float], cap_diff: bool
) -> float:
    """Valence of lexicon word ``words[i]`` in context (the caller skips boosters and "kind of")."""
    item = words[i]
    valence = lexicon[item]
    w1 = words[i - 1] if i > 0 else None
    w2 = words[i - 2] if i > 1 else None
    w3 = words[i - 3] if i > 2 else None

    if item == "no" and i != len(words) - 1 and words[i + 1] in lexicon:
        valence = 0.0
    if w1 == "no" or w2 == "no" or (w3 == "no" and (w1 == "or" or w1 == "nor")):
        valence = lexicon[item] * N_SCALAR

    # Note: a zero valence (e.g. "NO" before a lexicon word) is pushed negative.
    if cap_diff and tokens[i].isupper():
        if valence > 0:
            valence += C_INCR
        else:
            valence -= C_INCR

    if w1 is not None and w1 not in lexicon:
        valence = valence + _scalar(w1, tokens[i - 1], valence, cap_diff)
        if is_negation(w1):
            valence = valence * N_SCALAR
    if w2 is not None and w2 not in lexicon:
        s = _scalar(w2, tokens[i - 2], valence, cap_diff)
        if s != 0:
            s = s * 0.95
        valence = valence + s
        if w2 == "never" and (w1 == "so" or w1 == "this"):
            valence = valence * 1.25
        elif w2 == "without" and w1 == "doubt":
            pass
        elif is_negation(w2):
            valence = valence * N_SCALAR
    if w3 is not None and w3 not in lexicon:
        s = _scalar(w3, tokens[i - 3], valence, cap_diff)
        if s != 0:
            s = s * 0.9
        valence = valence + s
        # The reference's operator precedence: "so"/"this" right before the word
        # boosts it whatever precedes them.
        if (w3 == "never" and (w2 == "so" or w2 == "this")) or (w1 == "so" or w1 == "this"):
            valence = valence * 1.25
        elif w3 == "without" and (w2 == "doubt" or w1 == "doubt"):
            pass
        elif is_negation(w3):
            valence = valence * N_SCALAR
        if not IDIOM_WORDS.isdisjoint(words[i - 3 : i + 3]):
            valence = _idioms(valence, words, i)

    # _least_check
    if i > 1 and w1 not in lexicon and w1 == "least":
        if w2 != "at" and w2 != "very":
            valence = valence * N_SCALAR
    elif i > 0 and w1 not in lexicon and w1 == "least":
        valence = valence * N_SCALAR
    return valence


# -- text-level rules: "but", punctuation emphasis, normalisation, the shares ----------


def _shares(vals: list[float], compound_punct: tuple[float, float], n: int) -> Scores:
    """(neg, neu, pos, compound) of ``n`` tokens with non-zero valences ``vals`` (after the
    "but" rule), given the text's (compound, punctuation emphasis)."""
    compound, punct = compound_punct
    pos_sum = 0.0
    neg_sum = 0.0
    for v in vals:
        if v > 0:
            pos_sum += v + 1
        else:
            neg_sum += v - 1
    neu_count = n - len(vals)
    abs_neg = fabs(neg_sum)
    if pos_sum > abs_neg:
        pos_sum += punct
    elif pos_sum < abs_neg:
        neg_sum -= punct
    total = pos_sum + fabs(neg_sum) + neu_count
    return (
        round(fabs(neg_sum / total), 3),
        round(fabs(neu_count / total), 3),
        round(fabs(pos_sum / total), 3),
        compound,
    )


def _compound(vals: list[float], where: list[int], words: list[str], text: str) -> tuple[float, float]:
    """VADER's 'but' rule, punctuation emphasis and normalisation: (compound, punctuation).

    ``vals`` is changed in place by the 'but' rule, as vaderSentiment does.
    """
    if "but" in words:
        _but_rule(vals, where, words.index("but"))
    return _punctuated_compound(vals, text)


def _but_rule(vals: list[float], where: list[int], bi: int) -> None:
    """_but_check, in place, for the first "but" at position ``bi`` (``where``: the same frame).

    Zeros stay zero, so only non-zero values need the (buggy) first-equal-value replacement.
    """
    for k in range(len(vals)):
        v = vals[k]
        si = vals.index(v)
        p = where[si]
        if p < bi:
            vals[si] = v * 0.5
        elif p > bi:
            vals[si] = v * 1.5


def _punctuated_compound(vals: list[float], text: str) -> tuple[float, float]:
    """score_valence's compound from the valences after the "but" rule: (compound, punctuation)."""
    # operation for operation (float() calls dropped: the values are floats or
    # small ints, whose conversion is exact).
    sum_s = float(sum(vals))
    if "!" in text or "?" in text:
        punct = _punctuation(text)
        if sum_s > 0:
            sum_s += punct
        elif sum_s < 0:
            sum_s -= punct
    else:
        # Most sentences: the emphasis is 0 * 0.292 + 0 == 0.0, and adding 0.0 to a
        # non-zero sum changes no bit, so skip counting.
        punct = 0.0
    compound = sum_s / sqrt((sum_s * sum_s) + 15)  # normalize(), alpha=15
    if compound < -1.0:
        compound = -1.0
    elif compound > 1.0:
        compound = 1.0
    return round(compound, 4), punct


def _punctuation(text: str) -> float:
    """_punctuation_emphasis: up to four "!", and two or more "?"."""
    ep_count = text.count("!")
    if ep_count > 4:
        ep_count = 4
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier: float = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    return ep_amplifier + qm_amplifier
