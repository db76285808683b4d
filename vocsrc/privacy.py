"""Keeping exports safe: spreadsheet-formula neutralisation, HTML escaping, redaction."""

from __future__ import annotations

import re

import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """Prefix text a spreadsheet would run as a formula with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        # object, "string" and pandas 3's default "str" columns can all hold text.
        if pd.api.types.is_object_dtype(out[col]) or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_cell)
    return out


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|~"})


def escape_markdown(text: str) -> str:
    """Make user text render literally in Markdown: no links, images, emphasis or HTML."""
    import html

    # quote=False: quotes need no escaping outside attributes, and an entity like
    # &#x27; would have its '#' escaped below and show as text ("won&#x27;t").
    return html.escape(text, quote=False).translate(_MD_SPECIAL).replace("\n", "  \n")


# Personal data patterns, most specific first. Masks already in the data (CFPB's
# "XXXX", "XX/XX/XXXX") are left as they are.
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_CARD = re.compile(r"\b(?:\d[ -]?){12,18}\d\b")
_PHONE = re.compile(r"(?<![\w/$£€{])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}[\s.-]\d{3,4}(?:[\s.-]?\d{3,4})?\b"
                    r"|(?<![\w/])\+?\d{10,13}\b")
_ACCOUNT = re.compile(r"\b(?:account|acct|a/c|reference|ref|policy|member|customer)\s*(?:no\.?|number|#|id)?\s*(?:is\s+)?[:#]?\s*"
                      r"([A-Z]{0,3}\d[\d -]{4,}\d)\b", re.IGNORECASE)
_LONG_NUMBER = re.compile(r"\b\d{8,}\b")
_UK_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_NAME_INTRO = re.compile(r"\b((?i:my name is|my name's|my name’s|i am called|i'm called|name:))\s+"
                         r"(?!(?i:not|on|in|the|a|an|written|irrelevant|unimportant|below|above)\b)"
                         r"([A-Za-z][\w'’]*(?:-[A-Za-z][\w'’]*)*)")
# Words that end a name when people write it in lower case ("my name's bob smith and ...").
_NOT_NAMES = frozenset("""and but or so i im i'm from at in on of the a an to is was am here again
    please thanks thank hi hello regarding about my your we they it this that who which and,""".split())
_NEXT_WORD = re.compile(r"\s+([A-Za-z][\w'’]*(?:-[A-Za-z][\w'’]*)*)")


def _redact_names(text: str) -> str:
    out, pos = [], 0
    for m in _NAME_INTRO.finditer(text):
        end = m.end()
        lower = m.group(2)[0].islower()
        for _ in range(2):  # up to two more words: surname, double-barrelled
            nxt = _NEXT_WORD.match(text, end)
            if not nxt:
                break
            word = nxt.group(1)
            if word[0].isupper() or (lower and word.lower() not in _NOT_NAMES):
                end = nxt.end()
            else:
                break
        out.append(text[pos:m.start()] + f"{m.group(1)} [name]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact(text: str) -> str:
    """Replace emails, phone, card and account numbers, UK postcodes and self-introduced names."""
    if not text:
        return text
    out = _EMAIL.sub("[email]", text)
    out = _ACCOUNT.sub(lambda m: m.group(0).replace(m.group(1), "[account]"), out)
    out = _CARD.sub(lambda m: "[card]" if sum(c.isdigit() for c in m.group(0)) >= 13 else m.group(0), out)
    # A phone number has at least 9 digits; shorter runs are amounts, dates or counts.
    out = _PHONE.sub(lambda m: "[phone]" if sum(c.isdigit() for c in m.group(0)) >= 9 else m.group(0), out)
    out = _LONG_NUMBER.sub("[number]", out)
    out = _UK_POSTCODE.sub("[postcode]", out)
    out = _redact_names(out)
    return out
