"""Compose comments and complaint narratives from the phrase banks.

Text is built row by row with a ``random.Random`` seeded from the caller's
numpy generator: string assembly gains nothing from numpy, and a seeded
``random.Random`` keeps the result deterministic.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from vocsrc.demo import narratives as nb
from vocsrc.demo import texts as tb

TONES = ("pos", "neg", "mixed", "mixed_up", "neutral", "empty")

_THEME_CHOICES = {
    f: (list(w), list(w.values())) for f, w in tb.FUNCTION_THEMES.items()
}
_DATE_FORMATS = ("%d/%m/%Y", "%d %B", "%d %B %Y", "%d/%m/%y", "%d/%m/%Y", "%d %B", "XX/XX/%Y")


class _Filler:
    """Placeholder values for one piece of text, drawn only when used."""

    def __init__(self, r: random.Random, product: str, dates: Sequence[dt.date] = ()) -> None:
        self.r = r
        self.product = product
        self.dates = dates
        self.values: dict[str, object] | None = None

    def fill(self, s: str) -> str:
        if "{" not in s:
            return s
        if self.values is None:
            # Drawn once per text, so the same item and amount recur consistently.
            r = self.r
            self.values = {
                "item": r.choice(tb.PRODUCT_ITEMS.get(self.product, ["order"])),
                "days": r.randint(2, 10),
                "weeks": r.randint(2, 9),
                "mins": r.choice((20, 25, 30, 40, 45, 50, 60, 75, 90)),
                "amount": _money(r),
                "amount2": _money(r, low=5, high=120),
                "name": r.choice(tb.STAFF_NAMES),
                "times": r.choice(("three", "four", "five", "six", "seven")),
                "ref": f"{r.randint(0, 9999):04d}",
                "years": r.randint(3, 25),
            }
            self.fmt = r.choice(_DATE_FORMATS)
            for i, d in enumerate(self.dates, start=1):
                self.values[f"d{i}"] = d.strftime(self.fmt)
        return s.format(**self.values)

    def set_date(self, key: str, day: dt.date) -> None:
        """Move one date placeholder on, so a contact history reads in order."""
        self.fill("{item}")
        self.values[key] = day.strftime(self.fmt)


def _money(r: random.Random, low: int = 15, high: int = 1200) -> str:
    pounds = int(low * (high / low) ** r.random())
    pence = r.choice((0, 99, 49, 0, 95, 50))
    return f"£{pounds:,}.{pence:02d}"


def _lower_first(s: str) -> str:
    # Keep a leading staff name or "I" capitalised; only lower a plain word.
    first = s.split(" ", 1)[0]
    if first in tb.STAFF_NAMES or first == "I" or first.startswith("{"):
        return s
    return s[:1].lower() + s[1:]


def _roughen(r: random.Random, s: str) -> str:
    """Make some comments look typed in a hurry, as real ones are."""
    x = r.random()
    if x < 0.07:
        s = s.lower()
    elif x < 0.11:
        s = s.rstrip(".!")
    if r.random() < 0.05:
        words = s.split(" ")
        i = r.randrange(len(words))
        w = words[i]
        if len(w) > 4 and w.isalpha():
            j = r.randrange(1, len(w) - 2)
            words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
            s = " ".join(words)
    if r.random() < 0.03:
        s = s.replace(" and ", " & ")
    if r.random() < 0.02:
        s = s.replace(". ", ".  ", 1)
    return s


def _two_themes(r: random.Random, function: str) -> tuple[str, str]:
    names, weights = _THEME_CHOICES[function]
    t1 = r.choices(names, weights)[0]
    t2 = r.choices(names, weights)[0]
    if t2 == t1:
        t2 = r.choice(names)
    return t1, t2


def comment(
    r: random.Random,
    tone: str,
    function: str,
    product: str,
    app_fixed: bool = False,
    app_broken: bool = False,
) -> str | None:
    """One survey or review comment in the given tone, or None if left blank."""
    if tone == "empty":
        return None
    f = _Filler(r, product)
    t1, t2 = _two_themes(r, function)
    length = r.random()  # < 0.2 short, < 0.75 medium, < 0.88 long, else longest
    if tone == "neutral":
        s = r.choice(tb.NEUTRAL_SHORT)
        if length > 0.6:
            s = f.fill(r.choice(tb.CONTEXT)) + " " + s
        return _roughen(r, s)
    if tone in ("pos", "neg"):
        bank = tb.POSITIVE if tone == "pos" else tb.NEGATIVE
        if length < 0.2:
            return _roughen(r, r.choice(tb.SHORT_POS if tone == "pos" else tb.SHORT_NEG))
        first = r.choice(bank[t1])
        if app_fixed and tone == "pos" and r.random() < 0.7:
            first = r.choice(tb.APP_FIX_POS)
        elif app_broken and tone == "neg" and r.random() < 0.4:
            first = r.choice(tb.APP_PRE_FIX_NEG)
        parts = [f.fill(first)]
        if r.random() < 0.4:
            parts.insert(0, r.choice(tb.OPENERS_POS if tone == "pos" else tb.OPENERS_NEG))
        if length > 0.75:
            parts.append(f.fill(r.choice(bank[t2])))
            parts.append(r.choice(tb.CLOSERS_POS if tone == "pos" else tb.CLOSERS_NEG))
            if length > 0.88:
                parts.insert(0, f.fill(r.choice(tb.CONTEXT)))
                t3 = _two_themes(r, function)[1]
                parts.insert(-1, f.fill(r.choice(bank[t3])))
        elif r.random() < 0.25:
            parts.append(r.choice(tb.CLOSERS_POS if tone == "pos" else tb.CLOSERS_NEG))
        return _roughen(r, " ".join(parts))
    # Mixed tones: a contrast, the clause after "but" carrying the weight.
    good = f.fill(r.choice(tb.POSITIVE[t1]))
    if app_fixed and r.random() < 0.6:
        good = r.choice(tb.APP_FIX_MIXED if tone == "mixed" else tb.APP_FIX_POS)
    bad = f.fill(r.choice(tb.NEGATIVE[t2]))
    if tone == "mixed":
        s = f"{good} {r.choice(tb.CONTRASTS)} {_lower_first(bad)}"
    else:
        # "but" so a reader and a lexicon scorer both weigh the second half more.
        lead = r.choice(("But overall", "But in the end", "But to be fair,", "But"))
        s = f"{bad} {lead} {_lower_first(good)}"
    if length > 0.8:
        s = f.fill(r.choice(tb.CONTEXT)) + " " + s
    if length > 0.9:
        s += " " + r.choice(tb.NEUTRAL_SHORT)
    return _roughen(r, s)


def narrative(
    r: random.Random,
    function: str,
    category: str,
    product: str,
    received: dt.date,
    follow_up: bool = False,
    callback_story: bool = False,
) -> str:
    """A complaint narrative of roughly 300-1,500 characters."""
    d1 = received - dt.timedelta(days=r.randint(10, 70))
    d2 = d1 + dt.timedelta(days=r.randint(1, max(1, (received - d1).days - 3)))
    d3 = d2 + dt.timedelta(days=r.randint(1, 3))
    f = _Filler(r, product, (d1, d2, d3))
    parts = [f.fill(r.choice(nb.OPENINGS[function])) + r.choice(nb.OPENING_TAILS)]
    if follow_up:
        parts.append(f.fill(r.choice(nb.FOLLOW_UPS)))
    specifics = nb.SPECIFICS[category]
    parts.append(f.fill(r.choice(specifics)))
    if callback_story or category == "Callback not made":
        history = r.sample(nb.CALLBACK_HISTORY, k=r.randint(2, 3))
        history.append(r.choice(nb.CONTACT_HISTORY))
    else:
        history = r.sample(nb.CONTACT_HISTORY, k=r.randint(1, 4))
        if r.random() < 0.15:
            history.append(r.choice(nb.CALLBACK_HISTORY))
    span = max(1, (received - d1).days - 1)
    contacts = sorted(r.sample(range(1, span + 1), k=min(span, len(history))))
    for h, offset in zip(history, contacts):
        f.set_date("d2", d1 + dt.timedelta(days=offset))
        parts.append(f.fill(h))
    if r.random() < 0.5:
        parts.append(f.fill(r.choice(specifics)))
    if r.random() < 0.45:
        parts.extend(f.fill(s) for s in r.sample(nb.EXTRA, k=r.randint(1, 5)))
    parts.extend(f.fill(s) for s in r.sample(nb.IMPACT, k=r.randint(1, 3)))
    parts.append(f.fill(r.choice(nb.ASKS)))
    s = " ".join(dict.fromkeys(parts))  # no sentence twice
    if len(s) < 300:
        s += " " + f.fill(r.choice(nb.IMPACT))
    if r.random() < 0.04:
        s = s.lower()
    while len(s) > 1500:  # trim whole sentences, keeping the ask at the end
        cut = s.rfind(". ", 0, s.rfind(". "))
        s = s[:cut + 1] + s[s.rfind(". ") + 1:]
    return s


def review_title(r: random.Random, tone: str) -> str:
    """A short headline for a review in the given tone."""
    if tone == "pos":
        return r.choice(tb.TITLES_POS)
    if tone == "neg":
        return r.choice(tb.TITLES_NEG)
    return r.choice(tb.TITLES_MIXED)
