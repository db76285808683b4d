"""Redaction, Markdown/HTML escaping and spreadsheet-formula neutralisation."""

from __future__ import annotations

import pandas as pd
import pytest

from vocsrc.privacy import escape_markdown, neutralise_formulas, redact


@pytest.mark.parametrize("text, gone, kept", [
    ("Email me at jo.bloggs+vip@example.co.uk today", ["jo.bloggs"], ["[email]", "today"]),
    ("call 07700 900123 or +44 (0)20 7946 0958", ["07700", "7946"], ["[phone]"]),
    ("card 4111-1111-1111-1111 was charged twice", ["4111"], ["[card]", "charged twice"]),
    ("my account number is 12345678 and ref: AB123456", ["12345678", "AB123456"], ["[account]"]),
    ("I live at SW1A 1AA near the park", ["SW1A"], ["[postcode]", "near the park"]),
    ("Hi, my name is Ann-Marie O'Neil and I waited", ["Ann-Marie", "O'Neil"], ["[name]", "I waited"]),
    ("my name's bob smith, hi", ["bob", "smith"], ["[name], hi"]),
    ("On XX/XX/XXXX I paid {$120.00} to XXXX", [], ["XX/XX/XXXX", "{$120.00}", "XXXX"]),
    ("waited 3 weeks, paid 15 000 euros on 2020-03-04", [], ["15 000", "2020-03-04"]),
    ("my name is not important, the refund is", [], ["not important"]),
])
def test_redaction(text, gone, kept):
    out = redact(text)
    for g in gone:
        assert g not in out, out
    for k in kept:
        assert k in out, out


def test_markdown_escape_shows_markup_as_text():
    out = escape_markdown("<script>alert(1)</script> [click](http://x) **bold**")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "\\[click\\]" in out and "\\*\\*bold\\*\\*" in out
    # apostrophes stay apostrophes: an escaped entity would show as "won&#x27;t"
    assert escape_markdown("i won't be back") == "i won't be back"


def test_formulas_neutralised_in_every_text_dtype():
    frame = pd.DataFrame({"a": ["=SUM(A1)", "+1", "-2", "@x", "ok"],
                          "b": pd.array(["=1", "x", None, "y", "z"], dtype="string"), "n": [1, 2, 3, 4, 5]})
    out = neutralise_formulas(frame)
    assert out["a"].tolist() == ["'=SUM(A1)", "'+1", "'-2", "'@x", "ok"]
    assert out["b"].tolist()[0] == "'=1" and out["n"].tolist() == [1, 2, 3, 4, 5]
