"""Every CX rule's lower-case regex (matching.lower_phrases) from compiled programs kept in the
cache directory (diskcache.py).

``re`` parses and compiles a pattern in Python: for the 32 rules' alternations (and the
``case_free`` checks of their hand-written patterns) that took ~28 ms, which a ``score -`` run
paid before forking. What ``re`` hands to its C engine (``_sre.compile``: the flags, the
program as a list of ints, the groups) is kept instead, as marshal, and given to ``_sre``
again: ~1 ms for all of them.

The entry is named by a digest of the Python version, ``_sre.MAGIC``, the source of matching.py
and of this file, and every rule's phrases and patterns, so another interpreter, edited code or
an edited lexicon never reads a stale one; an entry
is written only after each rebuilt pattern compared equal (``re.Pattern.__eq__``: same
pattern, flags and program) to the one ``re.compile`` gave, and its payload is checksummed.
Anything unexpected (an interpreter without these internals) means compiling as before.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from vocsrc.sentiment import diskcache, matching

try:
    import _sre
except ImportError:  # pragma: no cover - not CPython
    _sre = None  # type: ignore[assignment]

_Program = tuple[str, int, list[int], int, dict[str, int], tuple[Any, ...]]


def _entry(keys: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> str:
    # matching.py builds the sources (an edit there may change them) and this file the programs
    code = b"".join(Path(m.__file__ or "").read_bytes() for m in (matching, sys.modules[__name__]))
    parts = (sys.version, str(getattr(_sre, "MAGIC", "")), code, repr(keys))
    return f"cx-regex-{diskcache.digest(*parts)}.marshal"


def _program(rx: re.Pattern[str], flags: int = 0) -> _Program | None:
    """What re.compile(rx.pattern, flags) hands to _sre.compile, if that rebuilds ``rx``."""
    import re._compiler as compiler
    import re._parser as parser

    p = parser.parse(rx.pattern, flags)
    code = compiler._code(p, flags)
    indexgroup: list[Any] = [None] * p.state.groups
    for name, i in p.state.groupdict.items():
        indexgroup[i] = str(name)
    prog = (rx.pattern, int(flags | p.state.flags), list(map(int, code)), p.state.groups - 1,
            {str(k): int(v) for k, v in p.state.groupdict.items()},
            tuple(indexgroup))
    return prog if _sre.compile(*prog) == rx else None


def _load(name: str, n: int) -> list[Any] | None:
    programs = diskcache.load_value(name)
    return programs if type(programs) is list and len(programs) == n else None


def compile_rules(lex: Any) -> None:
    """``lex.compile()`` (every rule's lower-case regex built now), from the cache directory's
    programs when it has them for this lexicon."""
    keys = [(tuple(r.phrases), tuple(r.patterns)) for r in lex.rules]
    if _sre is None or not keys or len(lex.lower_regexes) != len(keys):
        lex.compile()
        return
    name = _entry(keys)
    programs = _load(name, len(keys))
    if programs is not None:
        try:
            built = [None if prog is None else _sre.compile(*prog) for prog in programs]
        except Exception:  # a damaged entry that passed its checksum: compile as before
            built = None
        if built is not None:
            matching.PRELOADED.update(zip(keys, built))
            lex.compile()
            return
    lex.compile()
    try:
        fresh = []
        for lazy in lex.lower_regexes:
            rx = lazy.get()
            prog = None if rx is None else _program(rx)
            if rx is not None and prog is None:
                return  # this interpreter's internals differ: keep compiling
            fresh.append(prog)
    except Exception:
        return
    diskcache.save_value(name, fresh)
