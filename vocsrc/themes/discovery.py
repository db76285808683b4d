"""Suggest candidate themes: phrases distinctive of negative versus positive texts.

Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi &
Quinn 2008, "Fightin' Words", section 3.5.1): for n-gram w with counts y_w^i in
the negative texts and y_w^j in the positive ones, and prior alpha_w taken from
the pooled counts of both (scaled to ``prior_size`` in total),

    delta_w = log((y_w^i + a_w) / (n^i + a_0 - y_w^i - a_w))
            - log((y_w^j + a_w) / (n^j + a_0 - y_w^j - a_w))
    var_w  ~= 1 / (y_w^i + a_w) + 1 / (y_w^j + a_w)
    z_w     = delta_w / sqrt(var_w)

The prior shrinks rare n-grams towards zero, so a phrase that appears twice in
one group cannot outrank a common, consistently negative one.
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vocsrc.errors import ConfigError
from vocsrc.themes.bank import _parse, _read, dump_bank

_TOKEN = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")
# function words; an n-gram may contain them inside ("on hold for hours") but not
# start or end with them, and one made only of them is never a theme
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not of off on once
only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves im ive id youre theyre dont didnt doesnt
isnt wasnt cant couldnt wont wouldnt also get got would've i'm i've i'd you're it's don't didn't doesn't isn't
wasn't can't couldn't won't wouldn't that's there's
""".split())


@dataclass(frozen=True)
class Candidate:
    phrase: str
    z: float
    neg_count: int
    pos_count: int


_NOISE = re.compile(r"https?://\S+|www\.\S+|@\w+|&\w+;")


def _ngrams(text: str, max_n: int) -> Iterable[str]:
    # links, @handles and HTML entities name no theme
    words = _TOKEN.findall(_NOISE.sub(" ", text.lower().replace("\u2019", "'")))
    words = [w for w in words if not w.startswith("xx")]  # CFPB masks
    for n in range(1, max_n + 1):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in STOPWORDS or gram[-1] in STOPWORDS:
                continue
            yield " ".join(gram)


def _count(texts: Iterable[str], max_n: int) -> Counter[str]:
    counts: Counter[str] = Counter()
    for t in texts:
        if isinstance(t, str):
            # count each n-gram once per text: one ranting review should not make a theme
            counts.update(set(_ngrams(t, max_n)))
    return counts


def distinctive_phrases(neg_texts: Sequence[str], pos_texts: Sequence[str], n: int = 30, min_count: int = 5,
                        max_n: int = 3, prior_size: float = 1000.0, exclude: Iterable[str] = ()) -> list[Candidate]:
    """The ``n`` phrases (1-3-grams) most distinctive of the negative texts, highest z first.

    ``min_count`` is the fewest negative texts a phrase must appear in; ``exclude``
    drops phrases already in the bank. A phrase is dropped when a longer phrase
    containing it is already listed with nearly the same negative count (it
    adds nothing a reader would not see in the longer one).
    """
    neg = _count(neg_texts, max_n)
    pos = _count(pos_texts, max_n)
    n_neg = sum(neg.values())
    n_pos = sum(pos.values())
    if not n_neg or not n_pos:
        return []
    pooled = neg + pos
    total = sum(pooled.values())
    skip = {e.lower() for e in exclude}
    scored = []
    for w, yi in neg.items():
        if yi < min_count or w in skip:
            continue
        yj = pos.get(w, 0)
        a = prior_size * pooled[w] / total
        delta = math.log((yi + a) / (n_neg + prior_size - yi - a)) - math.log((yj + a) / (n_pos + prior_size - yj - a))
        z = delta / math.sqrt(1.0 / (yi + a) + 1.0 / (yj + a))
        if z > 0:
            scored.append(Candidate(w, round(z, 3), yi, yj))
    scored.sort(key=lambda c: (-c.z, c.phrase))
    out: list[Candidate] = []
    for c in scored:
        if any(f" {c.phrase} " in f" {o.phrase} " and o.neg_count >= 0.8 * c.neg_count for o in out):
            continue
        out.append(c)
        if len(out) >= n:
            break
    return out


def adopt(candidate: Candidate | str, theme_key: str, bank_path: str | os.PathLike[str],
          description: str | None = None, parent: str | None = None) -> None:
    """Add a discovered phrase to theme ``theme_key`` in the user bank file (created if missing).

    The file is re-written from its parsed content, so comments in it are not kept.
    A key that is not yet in the user file gets a table holding just this phrase:
    on load it extends the default theme of that key, or becomes a new theme.
    """
    phrase = candidate.phrase if isinstance(candidate, Candidate) else str(candidate).strip()
    if not phrase:
        raise ValueError("empty phrase")
    path = Path(bank_path)
    themes: dict[str, dict] = {}
    if path.exists():
        for key, item in _parse(_read(path), str(path)).items():
            themes[key] = {f: item.get(f) for f in ("description", "parent", "phrases", "patterns", "triggers",
                                                    "replace", "disabled")}
    if not re.match(r"^[a-z][a-z0-9_]*$", theme_key):
        raise ConfigError(str(path), f"themes.{theme_key}", "theme keys are lower-case letters, digits and _")
    from vocsrc.themes.bank import DEFAULT_BANK, load_bank  # noqa: PLC0415 - avoid import cycle at module load

    known = set(load_bank(None, use_env=False).keys()) if DEFAULT_BANK.exists() else set()
    body = themes.setdefault(theme_key, {"phrases": ()})
    if theme_key not in known and not body.get("description"):
        body["description"] = description or f"Adopted from discovery: '{phrase}'."
    elif description:
        body["description"] = description
    if parent:
        body["parent"] = parent
    if phrase not in (body.get("phrases") or ()):
        body["phrases"] = tuple(body.get("phrases") or ()) + (phrase,)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_bank(themes, "User theme bank. Edited by vocsrc.themes.discovery.adopt; comments are not kept."),
                    encoding="utf-8")
    _parse(_read(path), str(path))  # what we wrote must load
