"""CX-aware adjustment on top of raw VADER, driven by a data file.

VADER reads customer-feedback idioms literally: "promised a callback ... never
called" scores positive because "promised" is in its lexicon, and "had to call
four times" scores zero because no word in it carries valence. The rules in
``cx_lexicon.toml`` (plus an optional user file) add a valence to VADER's own
pre-normalisation sum for a sentence, so adjustments live on the same -4..+4
scale as VADER's lexicon and are squashed by the same normalisation.

Raw VADER is never changed; only sentences that match a rule are adjusted, so
plain text scores exactly as before. Cost: a sentence is tokenised once and its
words looked up in a trigger index (a phrase needs all its words present, a
pattern one of its trigger words); only rules that pass run their precompiled
regex, and on real text most sentences pass none. Where Hyperscan is installed,
one compiled pass over a text first says which rules could match where
(rulescan.py). Reading and checking the lexicon files is in cx_files.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from vocsrc.sentiment import cx_files
from vocsrc.sentiment.matching import (  # noqa: F401  (re-exported for tagging and tests)
    ALPHA,
    TriggerIndex,
    build_triggers,
    _WORD_OR_QUOTE,
    stem_plan,
    _TOKEN_TABLE,
    _BYTE_TABLE,
    tokens,
    lower_and_tokens,
    _lower_tokens,
    _negated,
    unnormalize,
    _normalize,
    _phrase_body,
    _BOUND_L,
    _BOUND_R,
    alternation,
    lower_phrases,
    case_free,
    stem_regex,
    LOWER_UNSAFE,
    _UNSAFE_RE,
    lower_is_safe,
)
from vocsrc.sentiment.engine import raw_analyzer

DEFAULT_LEXICON = Path(__file__).resolve().parent / "cx_lexicon.toml"
ENV_VAR = "VOC_CX_LEXICON"
_WORD = re.compile(r"[a-z']+")
_UNSEARCHED = object()


class Lazy:
    """A value built on first use: a rule's regexes (compiling ~30 alternations twice and
    checking which run on lower-cased text took ~0.1 s of every process start, and a
    short comment needs a few rules at most)."""

    __slots__ = ("_build", "_args", "_value")
    _UNSET: Any = object()

    def __init__(self, build: Any, *args: Any) -> None:
        self._build = build
        self._args = args
        self._value = Lazy._UNSET

    def get(self) -> Any:
        value = self._value
        if value is Lazy._UNSET:
            value = self._value = self._build(*self._args)
        return value

    def __getstate__(self) -> tuple[Any, Any]:
        return self._build, self._args

    def __setstate__(self, state: tuple[Any, Any]) -> None:
        self._build, self._args = state
        self._value = Lazy._UNSET


class LazyPattern(Lazy):
    """``alternation(phrases, patterns)`` compiled on first use; reads like the re.Pattern."""

    __slots__ = ()

    def finditer(self, string: str, *args: Any) -> Any:
        return self.get().finditer(string, *args)

    def search(self, string: str, *args: Any) -> Any:
        return self.get().search(string, *args)

    @property
    def pattern(self) -> str:
        return self.get().pattern

    @property
    def flags(self) -> int:
        return self.get().flags


@dataclass(frozen=True)
class Rule:
    key: str
    description: str
    valence: float
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    triggers: tuple[str, ...]
    requires: tuple[str, ...]
    negatable: bool
    source: str
    regex: LazyPattern  # alternation(phrases, patterns), compiled on first use


@dataclass(frozen=True)
class Adjustment:
    rule: str
    text: str
    valence: float


@dataclass(frozen=True)
class CxLexicon:
    rules: tuple[Rule, ...]
    sources: tuple[str, ...]
    negations: frozenset[str]
    negation_window: int
    contrast_words: frozenset[str]
    contrast_weight: float
    max_shift: float
    triggers: TriggerIndex
    contrast_re: re.Pattern[str] | None
    # for text where lower_is_safe: per rule its regex compiled lower-case without
    # IGNORECASE (built on first use: .get() is None for a non-ASCII phrase or a pattern
    # that is not case_free), and the same for contrast_re; the same matches on
    # sentence.lower(), found faster
    lower_regexes: tuple[Lazy, ...] = ()
    contrast_lower: re.Pattern[str] | None = None

    def compile(self) -> None:
        """Build every rule's lower-case regex now (a parent does this before forking workers,
        which would otherwise each compile the ones they meet)."""
        for lazy in self.lower_regexes:
            lazy.get()

    def candidates(self, text: str) -> set[int]:
        """Rules that could match ``text`` (cheap: tokenise once, look words up)."""
        triggers = self.triggers
        if triggers.lower_ok and lower_is_safe(text):
            return triggers.lookup_lower_tokens(*lower_and_tokens(text))
        return triggers.lookup(text)

    def adjustments(self, sentence: str, candidates: set[int] | None = None) -> list[Adjustment]:
        """Rules that fire in one sentence, with the valence each adds."""
        sentence = sentence.replace("\u2019", "'")
        rules = self.rules
        return [Adjustment(rules[i].key, sentence[start:end], value)
                for i, start, end, value in self.fired(sentence, candidates)]

    def fired(self, sentence: str, candidates: set[int] | None = None,
              low: str | None = None) -> Iterator[tuple[int, int, int, float]]:
        """(rule index, start, end, valence added) of each match in one sentence, in order:
        rules by index, a rule's matches left to right. ``low``: ``sentence.lower()`` with
        \u2019 read as ', when the caller has it (only used where lower_is_safe)."""
        rules = self.rules
        sentence = sentence.replace("\u2019", "'")
        if low is None and self.lower_regexes and lower_is_safe(sentence):
            low = sentence.lower()
        elif not self.lower_regexes:
            low = None
        # the first contrast word, looked for only once a rule matches (most candidates don't)
        contrast: Any = _UNSEARCHED
        for i in sorted(self.candidates(sentence) if candidates is None else candidates):
            rule = rules[i]
            fast = self.lower_regexes[i].get() if low is not None else None
            # same spans either way, so the matched text is read from the sentence itself
            for m in (rule.regex.finditer(sentence) if fast is None else fast.finditer(low)):  # type: ignore[arg-type]
                start = m.start()
                if rule.negatable:
                    # only the last few words matter, so tokenise a short slice, not the whole prefix
                    before = _WORD.findall(sentence[max(0, start - 12 * self.negation_window) : start].lower())
                    if _negated(before, self.negations, self.negation_window):
                        # "never had to wait" praises the service: skip rather than guess a sign
                        continue
                if contrast is _UNSEARCHED:
                    if self.contrast_re is None:
                        contrast = None
                    elif low is not None and self.contrast_lower is not None:
                        contrast = self.contrast_lower.search(low)
                    else:
                        contrast = self.contrast_re.search(sentence)
                weight = self.contrast_weight if contrast is not None and contrast.start() < start else 1.0
                yield i, start, m.end(), rule.valence * weight

    def shift(self, sentence: str, candidates: set[int] | None = None, low: str | None = None) -> float:
        """Valence the rules add to one sentence on VADER's raw scale (0.0 when none fire);
        ``candidates`` and ``low`` as for ``fired``, when the caller has them."""
        found = self.candidates(sentence) if candidates is None else candidates
        if not found:
            return 0.0
        total = sum(v for _, _, _, v in self.fired(sentence, found, low))
        return max(-self.max_shift, min(self.max_shift, total))

    def adjust(self, compound: float, sentence: str) -> float:
        """CX-aware compound for one sentence given its raw VADER compound."""
        return self.shifted(compound, self.shift(sentence))

    def shifted(self, compound: float, shift: float) -> float:
        """``compound`` with ``shift`` added on VADER's raw scale (capped at max_shift)."""
        if shift == 0.0:
            return compound
        shift = max(-self.max_shift, min(self.max_shift, shift))
        return _normalize(unnormalize(compound) + shift)


# ---------------------------------------------------------------- loading


def load_lexicon(user_path: str | os.PathLike[str] | None = None, *, use_env: bool = True) -> CxLexicon:
    """Default lexicon merged with a user file (argument, else $VOC_CX_LEXICON).

    A user rule with a new name is added; one with an existing name adds its
    phrases and patterns to the default rule (and may override valence), unless
    it says ``replace = true``. ``valence = 0`` switches a default rule off.
    """
    files = [DEFAULT_LEXICON]
    if user_path is None and use_env and os.environ.get(ENV_VAR):
        user_path = os.environ[ENV_VAR]
    if user_path is not None:
        files.append(Path(user_path))
    settings, merged = cx_files.validated(files)
    rules: list[Rule] = []
    for name, r in merged.items():
        if r["valence"] == 0.0 or not (r["phrases"] or r["patterns"]):
            continue
        rules.append(Rule(name, r.get("description", ""), r["valence"], r["phrases"], r["patterns"],
                          r["triggers"], r["requires"], r.get("negatable", True), r["source"],
                          LazyPattern(alternation, r["phrases"], r["patterns"])))
    index = build_triggers([(r.phrases, r.triggers, False) for r in rules], [r.requires for r in rules])
    contrast = alternation(sorted(settings["contrast_words"]), ()) if settings["contrast_words"] else None
    return CxLexicon(tuple(rules), tuple(str(f) for f in files), settings["negations"],
                     settings["negation_window"], settings["contrast_words"],
                     settings["contrast_weight"], settings["max_shift"], index, contrast,
                     tuple(Lazy(lower_phrases, r.phrases, r.patterns) for r in rules),
                     lower_phrases(sorted(settings["contrast_words"])) if settings["contrast_words"] else None)


@lru_cache(maxsize=8)
def _cached(path: str | None) -> CxLexicon:
    return load_lexicon(path, use_env=False)


def _env_reader() -> Any:
    # os.environ.get costs ~0.7 us when the variable is unset (it raises and catches KeyError
    # inside), which score_document paid per text; os.environ keeps its encoded copy in _data
    data = getattr(os.environ, "_data", None)
    encode = getattr(os.environ, "encodekey", None)
    decode = getattr(os.environ, "decodevalue", None)
    if not isinstance(data, dict) or encode is None or decode is None:
        return lambda: os.environ.get(ENV_VAR)
    key = encode(ENV_VAR)

    def read() -> str | None:
        value = data.get(key)
        return None if value is None else decode(value)

    return read


_env_value = _env_reader()


def default_lexicon() -> CxLexicon:
    """The lexicon in effect (default + $VOC_CX_LEXICON), loaded once per process and path."""
    return _cached(_env_value() or None)


def cx_compound(sentence: str, raw_compound: float | None = None, lexicon: CxLexicon | None = None) -> float:
    """CX-aware compound of one sentence; pass ``raw_compound`` to reuse a VADER score you already have."""
    lex = lexicon or default_lexicon()
    if raw_compound is None:
        raw_compound = raw_analyzer().polarity_scores(sentence)["compound"]
    return lex.adjust(raw_compound, sentence)
