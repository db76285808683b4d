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
regex, and on real text most sentences pass none.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from vocsrc.errors import ConfigError
from vocsrc.sentiment.engine import raw_analyzer

DEFAULT_LEXICON = Path(__file__).resolve().parent / "cx_lexicon.toml"
ENV_VAR = "VOC_CX_LEXICON"
ALPHA = 15.0  # VADER's normalisation constant
_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_WORD = re.compile(r"[a-z']+")


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
    regex: re.Pattern[str]


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
    # IGNORECASE (None for a non-ASCII phrase or a pattern that is not case_free), and
    # the same for contrast_re; the same matches on sentence.lower(), found faster
    lower_regexes: tuple[re.Pattern[str] | None, ...] = ()
    contrast_lower: re.Pattern[str] | None = None

    def candidates(self, text: str) -> set[int]:
        """Rules that could match ``text`` (cheap: tokenise once, look words up)."""
        triggers = self.triggers
        if triggers.lower_ok and lower_is_safe(text):
            return triggers.lookup_lower_tokens(*lower_and_tokens(text))
        return triggers.lookup(text)

    def adjustments(self, sentence: str, candidates: set[int] | None = None) -> list[Adjustment]:
        """Rules that fire in one sentence, with the valence each adds."""
        out: list[Adjustment] = []
        rules = self.rules
        sentence = sentence.replace("\u2019", "'")
        low = sentence.lower() if self.lower_regexes and lower_is_safe(sentence) else None
        if self.contrast_re is None:
            contrast = None
        elif low is not None and self.contrast_lower is not None:
            contrast = self.contrast_lower.search(low)
        else:
            contrast = self.contrast_re.search(sentence)
        for i in sorted(self.candidates(sentence) if candidates is None else candidates):
            rule = rules[i]
            fast = self.lower_regexes[i] if low is not None else None
            # same spans either way, so the matched text is read from the sentence itself
            for m in (rule.regex.finditer(sentence) if fast is None else fast.finditer(low)):  # type: ignore[arg-type]
                start = m.start()
                if rule.negatable:
                    # only the last few words matter, so tokenise a short slice, not the whole prefix
                    before = _WORD.findall(sentence[max(0, start - 12 * self.negation_window) : start].lower())
                    if _negated(before, self.negations, self.negation_window):
                        # "never had to wait" praises the service: skip rather than guess a sign
                        continue
                weight = self.contrast_weight if contrast is not None and contrast.start() < start else 1.0
                out.append(Adjustment(rule.key, sentence[start:m.end()], rule.valence * weight))
        return out

    def shift(self, sentence: str) -> float:
        """Valence the rules add to one sentence on VADER's raw scale (0.0 when none fire)."""
        found = self.candidates(sentence)
        if not found:
            return 0.0
        total = sum(a.valence for a in self.adjustments(sentence, found))
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

    def lookup(self, text: str) -> set[int]:
        toks = set(tokens(text))
        found = set(self.always)
        words = self.words
        # the set intersection runs in C; only words that are triggers reach the Python loop
        for w in words.keys() & toks:
            for target, rest, one_of in words[w]:
                if target not in found and rest <= toks and (not one_of or not one_of.isdisjoint(toks)):
                    found.add(target)
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

    def lookup_lower_tokens(self, low: str, toks: set[str]) -> set[int]:
        """``lookup_lower(low)`` given ``toks = set(tokens(low))``, for a caller that needs them too."""
        found = set(self.always)
        words = self.words
        for w in words.keys() & toks:
            for target, rest, one_of in words[w]:
                if target not in found and rest <= toks and (not one_of or not one_of.isdisjoint(toks)):
                    found.add(target)
        if self.stem_plan is not None:
            for stem, target, longer in self.stem_plan:
                if target in found:
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
    alts = []
    if phrases:
        alts.append(_BOUND_L + "(?:" + "|".join(_phrase_body(p) for p in phrases) + ")" + _BOUND_R)
    alts.extend(f"(?:{p})" for p in patterns)
    return re.compile("|".join(alts) or "(?!)", re.IGNORECASE)


def lower_phrases(phrases: Sequence[str], patterns: Sequence[str] = ()) -> re.Pattern[str] | None:
    """``alternation(phrases, patterns)`` for lower-cased text where ``lower_is_safe``:
    compiled without IGNORECASE, phrases lower-cased (same matches, same spans).

    None unless every phrase is ASCII and every pattern ``case_free``.
    """
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


# ---------------------------------------------------------------- loading


def read_toml(path: Path) -> dict[str, Any]:
    """Parsed TOML, or ConfigError naming the file."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "(file)", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}") from None


def _str_list(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(file, key, "must be a list of non-empty strings")
    return tuple(value)


def _number(value: Any, file: str, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(file, key, f"must be a number between {low} and {high}")
    return float(value)


def _parse_rules(data: dict[str, Any], file: str, macros: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Validated rule dicts keyed by rule name; ``[lexicon]`` entries become one-phrase rules."""
    rules: dict[str, dict[str, Any]] = {}
    raw_rules = data.get("rules", {})
    if not isinstance(raw_rules, dict):
        raise ConfigError(file, "rules", "must be a table of [rules.<name>] tables")
    allowed = {"description", "valence", "phrases", "patterns", "triggers", "requires", "negatable", "replace"}
    for name, body in raw_rules.items():
        where = f"rules.{name}"
        if not _KEY.match(name):
            raise ConfigError(file, where, "rule names are lower-case letters, digits and _")
        if not isinstance(body, dict):
            raise ConfigError(file, where, "must be a table")
        unknown = set(body) - allowed
        if unknown:
            raise ConfigError(file, f"{where}.{sorted(unknown)[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})")
        rule: dict[str, Any] = {"source": file}
        if "valence" in body:
            rule["valence"] = _number(body["valence"], file, f"{where}.valence", -4.0, 4.0)
        if "description" in body:
            if not isinstance(body["description"], str):
                raise ConfigError(file, f"{where}.description", "must be a string")
            rule["description"] = body["description"]
        rule["phrases"] = _str_list(body.get("phrases", []), file, f"{where}.phrases")
        pats = _str_list(body.get("patterns", []), file, f"{where}.patterns")
        expanded = []
        for i, p in enumerate(pats):
            p = _expand(p, macros, file, f"{where}.patterns[{i}]")
            try:
                groups = re.compile(p).groups
            except re.error as exc:
                raise ConfigError(file, f"{where}.patterns[{i}]", f"invalid regex: {exc}") from None
            if groups:
                raise ConfigError(file, f"{where}.patterns[{i}]", "use (?:...) groups, not capturing groups")
            expanded.append(p)
        rule["patterns"] = tuple(expanded)
        for field in ("triggers", "requires"):
            words = _str_list(body.get(field, []), file, f"{where}.{field}")
            for i, t in enumerate(words):
                if tokens(t) != [t]:
                    raise ConfigError(file, f"{where}.{field}[{i}]", "must be one lower-case word (letters, ')")
            rule[field] = words
        if expanded and not rule["triggers"]:
            raise ConfigError(file, f"{where}.triggers", "rules with patterns need triggers: words every match contains")
        for flag in ("negatable", "replace"):
            if flag in body:
                if not isinstance(body[flag], bool):
                    raise ConfigError(file, f"{where}.{flag}", "must be true or false")
                rule[flag] = body[flag]
        rules[name] = rule
    lexicon = data.get("lexicon", {})
    if not isinstance(lexicon, dict):
        raise ConfigError(file, "lexicon", 'must be a table of "phrase" = valence')
    for phrase, val in lexicon.items():
        where = f'lexicon."{phrase}"'
        if not phrase.strip():
            raise ConfigError(file, where, "empty phrase")
        valence = _number(val, file, where, -4.0, 4.0)
        rules["lex_" + re.sub(r"\W+", "_", phrase.strip().lower())] = {
            "source": file, "valence": valence, "phrases": (phrase,), "patterns": (), "triggers": (), "requires": (),
            "description": f"lexicon entry '{phrase}'", "replace": True,
        }
    return rules


def _expand(pattern: str, macros: dict[str, str], file: str, key: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise ConfigError(file, key, f"unknown macro {{{m.group(1)}}} (define it under [macros])")
        return macros[m.group(1)]

    return _MACRO.sub(sub, pattern)


def _macros(data: dict[str, Any], file: str, inherited: dict[str, str]) -> dict[str, str]:
    raw = data.get("macros", {})
    if not isinstance(raw, dict):
        raise ConfigError(file, "macros", "must be a table of NAME = 'regex'")
    out = dict(inherited)
    for name, val in raw.items():
        if not re.match(r"^[A-Z][A-Z_]*$", name) or not isinstance(val, str):
            raise ConfigError(file, f"macros.{name}", "macro names are UPPER_CASE and values are regex strings")
        out[name] = val
    return out


def _settings(data: dict[str, Any], file: str, base: dict[str, Any]) -> dict[str, Any]:
    raw = data.get("settings", {})
    if not isinstance(raw, dict):
        raise ConfigError(file, "settings", "must be a table")
    out = dict(base)
    for key, val in raw.items():
        where = f"settings.{key}"
        if key in ("negations", "contrast_words"):
            out[key] = frozenset(w.lower() for w in _str_list(val, file, where))
        elif key == "negation_window":
            out[key] = int(_number(val, file, where, 0, 10))
        elif key == "contrast_weight":
            out[key] = _number(val, file, where, 0.0, 4.0)
        elif key == "max_shift":
            out[key] = _number(val, file, where, 0.0, 20.0)
        else:
            raise ConfigError(file, where, "unknown setting")
    return out


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
    settings: dict[str, Any] = {
        "negations": frozenset(), "negation_window": 3, "contrast_words": frozenset(),
        "contrast_weight": 1.5, "max_shift": 4.0,
    }
    macros: dict[str, str] = {}
    merged: dict[str, dict[str, Any]] = {}
    for path in files:
        data = read_toml(path)
        file = str(path)
        unknown = set(data) - {"schema_version", "settings", "macros", "rules", "lexicon"}
        if unknown:
            raise ConfigError(file, sorted(unknown)[0], "unknown top-level key")
        if data.get("schema_version", 1) != 1:
            raise ConfigError(file, "schema_version", "only schema_version = 1 is understood")
        settings = _settings(data, file, settings)
        macros = _macros(data, file, macros)
        for name, rule in _parse_rules(data, file, macros).items():
            old = merged.get(name)
            if old is None or rule.get("replace"):
                if "valence" not in rule:
                    raise ConfigError(file, f"rules.{name}.valence", "a new rule needs a valence")
                merged[name] = rule
            else:
                old = dict(old)
                old["phrases"] = old["phrases"] + rule["phrases"]
                old["patterns"] = old["patterns"] + rule["patterns"]
                old["triggers"] = old["triggers"] + rule["triggers"]
                old["requires"] = old["requires"] + rule["requires"]
                for k in ("valence", "description", "negatable"):
                    if k in rule:
                        old[k] = rule[k]
                old["source"] = f"{old['source']} + {file}"
                merged[name] = old
    rules: list[Rule] = []
    for name, r in merged.items():
        if r["valence"] == 0.0 or not (r["phrases"] or r["patterns"]):
            continue
        rules.append(Rule(name, r.get("description", ""), r["valence"], r["phrases"], r["patterns"],
                          r["triggers"], r["requires"], r.get("negatable", True), r["source"],
                          alternation(r["phrases"], r["patterns"])))
    index = build_triggers([(r.phrases, r.triggers, False) for r in rules], [r.requires for r in rules])
    contrast = alternation(sorted(settings["contrast_words"]), ()) if settings["contrast_words"] else None
    return CxLexicon(tuple(rules), tuple(str(f) for f in files), settings["negations"],
                     settings["negation_window"], settings["contrast_words"],
                     settings["contrast_weight"], settings["max_shift"], index, contrast,
                     tuple(lower_phrases(r.phrases, r.patterns) for r in rules),
                     lower_phrases(sorted(settings["contrast_words"])) if settings["contrast_words"] else None)


@lru_cache(maxsize=8)
def _cached(path: str | None) -> CxLexicon:
    return load_lexicon(path, use_env=False)


def default_lexicon() -> CxLexicon:
    """The lexicon in effect (default + $VOC_CX_LEXICON), loaded once per process and path."""
    return _cached(os.environ.get(ENV_VAR) or None)


def cx_compound(sentence: str, raw_compound: float | None = None, lexicon: CxLexicon | None = None) -> float:
    """CX-aware compound of one sentence; pass ``raw_compound`` to reuse a VADER score you already have."""
    lex = lexicon or default_lexicon()
    if raw_compound is None:
        raw_compound = raw_analyzer().polarity_scores(sentence)["compound"]
    return lex.adjust(raw_compound, sentence)
