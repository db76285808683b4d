"""One pass over a text for every CX rule at once (Hyperscan), to skip the rules that cannot fire.

Why: on customer comments the CX rules' trigger words are common ("call", "time", "day",
"one"), so three in four comments held a candidate rule and paid for its Python regexes,
which made the CX-aware score cost about 3x the raw VADER score. Hyperscan matches all
the rules' regexes in one compiled pass over the text (under a microsecond for a comment,
a few for a 1,000-character narrative). On the benchmark comments it leaves about one in
nine, nearly all of which then fire.

It is a screen, never a judge: each rule's regex is turned into a Hyperscan pattern that
matches wherever the Python regex could (a superset), and every text or sentence it flags
still goes through the exact Python rules (cx.py). So scores do not depend on whether
Hyperscan is installed; tests/unit/test_rulescan.py checks both ways on the external data.

How a pattern becomes a superset (``hs_pattern``, from Python's own parse of the regex):
* lookarounds and anchors are dropped, except a negative lookbehind of one character class
  without whitespace, which becomes one character outside the class, consumed before the
  match (it moves the match's start, never its end; the text is scanned behind a space,
  so a match at its start still has one); ``\\b``/``\\B`` are kept;
* ``\\s`` also takes \\x1c-\\x1f, which Python counts as whitespace; lazy, possessive and
  atomic forms become plain repeats and groups; everything is case-insensitive;
* a pattern holding anything else (a backreference, a non-ASCII literal) makes the scan
  unusable, and the exact path runs for every text.

A match ends, in the whole text, where it ends in a sentence (a sentence is a slice of
the text with whitespace or the text's edge around it, and the kept assertions read those
alike), so the sentence holding a reported end is the only one a rule can fire in.

The text is scanned lower-cased (rules read \u2019 as '), and non-ASCII characters are
mapped to an ASCII character of the same regex class (digit, word, space, other) so the
scan is byte-for-character. Compiling takes ~0.6 s, so the database is kept in the user's
cache directory, keyed by the patterns and Hyperscan's version.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
from bisect import bisect_right
from itertools import accumulate
from typing import Any

from vocsrc.sentiment import diskcache, sentences
from vocsrc.sentiment.cx import CxLexicon
from vocsrc.sentiment.matching import NEVER, alternation_source

_SEP = "\x00 "
ENV_SWITCH = "VOC_RULESCAN"  # "off": never use Hyperscan (tests compare both ways)
_HS_SPACE = "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f "  # Python's \s on ASCII, in class syntax


class Unsupported(ValueError):
    """A regex feature the scan cannot stand in for."""


def hs_pattern(pattern: str, flags: int = 0) -> str:
    """A Hyperscan pattern matching (case-insensitively, on ASCII text) at least wherever
    ``re.compile(pattern, flags)`` matches, with the same end offsets; Unsupported if none."""
    import re._constants as c
    import re._parser as parser

    parsed = parser.parse(pattern, flags)
    dotall = bool(parsed.state.flags & re.DOTALL)
    categories = {c.CATEGORY_WORD: "\\w", c.CATEGORY_NOT_WORD: "\\W", c.CATEGORY_DIGIT: "\\d",
                  c.CATEGORY_NOT_DIGIT: "\\D", c.CATEGORY_SPACE: _HS_SPACE, c.CATEGORY_NOT_SPACE: "\\S"}

    def char(code: int) -> str:
        if code > 127:
            raise Unsupported("non-ASCII literal")
        return f"\\x{code:02x}"

    def klass(items: Any) -> str:
        out = []
        for op, av in items:
            if op is c.NEGATE:
                out.append("^")
            elif op is c.LITERAL:
                out.append(char(av))
            elif op is c.RANGE:
                if av[1] > 127:
                    raise Unsupported("non-ASCII range")
                out.append(f"{char(av[0])}-{char(av[1])}")
            elif op is c.CATEGORY and av in categories:
                out.append(categories[av])
            else:
                raise Unsupported(str(op))
        return "[" + "".join(out) + "]"

    def lookbehind_char(av: Any) -> str | None:
        # (?<![...]) of one character: "start or one character not in the class", when
        # that class holds no whitespace (so a sentence's start passes in the text too)
        direction, items = av
        if direction != -1 or len(items) != 1:
            return None
        op, body = items[0]
        if op is c.LITERAL:
            body = [(c.LITERAL, body)]
        elif op is not c.IN or any(o is c.NEGATE for o, _ in body):
            return None
        try:
            rx = re.compile(klass(body))
        except (re.error, Unsupported):
            return None
        if any(rx.match(ch) for ch in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f "):
            return None
        return "[^" + klass(body)[1:]

    def walk(items: Any, lead: bool) -> str:
        # lead: nothing, not even an assertion, comes before this point of the pattern; only
        # there may a lookbehind consume the character before (see the module docstring)
        out = []
        for op, av in items:
            if op is c.LITERAL:
                out.append(char(av))
            elif op is c.NOT_LITERAL:
                out.append("[^" + char(av) + "]")
            elif op is c.IN:
                out.append(klass(av))
            elif op is c.ANY:
                out.append("[\\s\\S]" if dotall else "[^\\n]")
            elif op is c.SUBPATTERN:
                out.append("(?:" + walk(av[3], lead) + ")")
            elif op is c.ATOMIC_GROUP:
                out.append("(?:" + walk(av, lead) + ")")
            elif op is c.BRANCH:
                out.append("(?:" + "|".join(walk(b, lead) for b in av[1]) + ")")
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
                lo, hi, body = av
                top = "" if hi is c.MAXREPEAT else str(hi)
                out.append("(?:" + walk(body, False) + "){" + f"{lo},{top}" + "}")
            elif op is c.ASSERT:
                continue  # dropped: the match without it is a superset
            elif op is c.ASSERT_NOT:
                # elsewhere dropped: the match without it is a superset
                out.append((lead and lookbehind_char(av)) or "")
            elif op is c.AT:
                if av is c.AT_BOUNDARY:
                    out.append("\\b")
                elif av is c.AT_NON_BOUNDARY:
                    out.append("\\B")
                # anchors are dropped: a sentence's start is not the text's
            else:
                raise Unsupported(str(op))
            lead = lead and not out[-1] if out else lead
        return "".join(out)

    return walk(parsed, True)


class _AsciiMap(dict):
    """A non-ASCII character's code to an ASCII character of the same regex class."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code < 128:
            out = ch
        elif re.match(r"\d", ch):
            out = "0"
        elif re.match(r"\w", ch):
            out = "a"
        elif ch.isspace():
            out = " "
        else:
            out = "\x7f"
        self[code] = out
        return out


_ASCII = _AsciiMap()


def _encode_error(exc: UnicodeError) -> tuple[str, int]:
    # called by str.encode once per run of non-ASCII characters (str.translate looked up
    # every character of a batch in Python, ~50 ns each)
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return "".join(_ASCII[ord(ch)] for ch in exc.object[exc.start:exc.end]), exc.end


codecs.register_error("vocsrc-regex-class", _encode_error)


def scan_bytes(low: str) -> bytes:
    """The bytes the scan reads for ``low`` (text lower-cased, \u2019 read as '), behind a space
    that stands for the whitespace or start of text before a sentence (see ``hs_pattern``)."""
    return (" " + low).encode("ascii", "vocsrc-regex-class")


class RuleScan:
    """Several regexes (a lexicon's rules, a bank's themes) in one Hyperscan database; ``ends``
    lists (regex index, end offset)."""

    def __init__(self, database: Any) -> None:
        self._db = database
        self._local = threading.local()

    def _scratch(self) -> Any:
        # one per thread: Hyperscan refuses a scratch space in use by another scan
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            import hyperscan

            scratch = self._local.scratch = hyperscan.Scratch(self._db)
        return scratch

    def ends(self, low: str) -> list[tuple[int, int]]:
        """(rule index, end offset) of every place a rule's regex may match in ``low``;
        empty when no rule can fire anywhere in the text."""
        found: list[tuple[int, int]] = []
        # positional arguments: this is called once per text, and keywords cost more than the scan
        self._db.scan(scan_bytes(low), _on_match, 0, found, self._scratch())
        return found

    def ends_many(self, texts: list[str]) -> dict[int, list[tuple[int, int]]]:
        """``ends`` of each text, by its index in ``texts``, for those with any (one scan for the
        lot: a scan call costs more than scanning a comment; ``texts`` as they are, where
        lower_is_safe holds, lower-cased here)."""
        found: list[tuple[int, int]] = []
        # "\x00 " between texts: a space before each, as scan_bytes puts before one text, and
        # a character no match can need after it; a match spanning two texts can only be
        # reported in addition to the real ones (harmless). lower() of the whole equals the
        # lower()s joined for these texts (no case mapping reads across "\x00 ").
        joined = _SEP.join(texts).lower()
        if "\u2019" in joined:
            joined = joined.replace("\u2019", "'")
        self._db.scan(scan_bytes(joined), _on_match, 0, found, self._scratch())
        out: dict[int, list[tuple[int, int]]] = {}
        if found:
            starts = list(accumulate((len(t) + len(_SEP) for t in texts[:-1]), initial=0))
            for rule, end in found:
                # text k runs from starts[k] to starts[k] + len: a match in it ends in there
                k = bisect_right(starts, end) - 1
                out.setdefault(k, []).append((rule, end - starts[k]))
        return out


def _on_match(rule: int, start: int, end: int, flags: int, found: list[tuple[int, int]]) -> None:
    found.append((rule, end - 1))  # - 1: the leading space scan_bytes adds


def _sources(lex: CxLexicon) -> list[str]:
    # each rule's regex source (compiled with IGNORECASE), built without compiling it
    return [alternation_source(rule.phrases, rule.patterns) for rule in lex.rules]


# bump when hs_pattern changes what it writes, so cached databases are compiled again
_FORMAT = 3


def _database(sources: list[str], kind: str) -> Any:
    """The compiled database of these regex sources (each compiled with IGNORECASE), from the
    cache directory when it was compiled before (keyed by the sources themselves, so a cached
    one is found without compiling or converting them)."""
    import hyperscan

    mode = hyperscan.HS_MODE_BLOCK
    flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_PREFILTER | hyperscan.HS_FLAG_ALLOWEMPTY
    name = f"{kind}-{diskcache.digest(hyperscan.__version__, str(_FORMAT), str(flags), *sources)}.hsdb"
    data = diskcache.load(name)
    if data is not None:
        try:
            return hyperscan.loadb(data, mode)
        except hyperscan.error:
            pass  # written by another build of the library: compile it again
    # a theme with neither phrases nor patterns (a parent) has the never-matching "(?!)": it is
    # left out (converted, the dropped lookahead would leave a pattern matching everywhere)
    ids = [i for i, source in enumerate(sources) if source != NEVER]
    if not ids:
        raise Unsupported("nothing to match")
    patterns = [hs_pattern(sources[i], re.IGNORECASE).encode("ascii") for i in ids]
    db = hyperscan.Database(mode=mode)
    db.compile(expressions=patterns, ids=ids, elements=len(ids), flags=[flags] * len(ids))
    diskcache.save(name, hyperscan.dumpb(db))
    return db


def build_scan(sources: list[str], kind: str) -> RuleScan | None:
    """A RuleScan of these regex sources (as ``matching.alternation`` writes them, compiled
    with IGNORECASE), or None: Hyperscan missing, switched off ($VOC_RULESCAN=off), unable to
    stand in for one of them, or refused by this CPU. ``kind`` names the cache entry."""
    if os.environ.get(ENV_SWITCH, "").lower() in ("off", "0", "no", "false"):
        return None
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return None
    if not sources:
        return None
    try:
        return RuleScan(_database(sources, kind))
    except Exception:  # noqa: BLE001  (an unsupported pattern, a CPU Hyperscan rejects: the exact path runs)
        return None


def _build(lex: CxLexicon) -> RuleScan | None:
    return build_scan(_sources(lex), "cx-rules")


class _Entry:
    # per_lexicon needs ``.lexicon`` on what it caches, and the scan may be None
    __slots__ = ("lexicon", "scan")

    def __init__(self, lex: CxLexicon) -> None:
        self.lexicon = lex
        self.scan = _build(lex)


_SCANS: dict[int, _Entry] = {}


def rule_scan(lex: CxLexicon) -> RuleScan | None:
    """The RuleScan of ``lex`` (built on first use), or None without a usable Hyperscan."""
    return sentences.per_lexicon(_SCANS, lex, _Entry).scan


def clear_cache() -> None:
    _SCANS.clear()
