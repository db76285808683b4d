"""Theme bank loading and validation, tagging, discovery and adoption."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from vocsrc.errors import ConfigError
from vocsrc.themes import bank as bank_mod
from vocsrc.themes.bank import airline_bank, load_bank
from vocsrc.themes.discovery import Candidate, adopt, distinctive_phrases
from vocsrc.themes.tagging import matches, tag, tag_batch, tag_many

EXAMPLES = {
    "waiting_delays": "I waited 45 minutes on hold.",
    "billing_charges": "They charged me twice on my bill.",
    "refunds": "Still no refund after a month.",
    "delivery": "The parcel never arrived, the courier lost it.",
    "product_quality": "The zip broke and the fabric is poor quality.",
    "staff_attitude": "The cashier was rude and dismissive.",
    "staff_knowledge": "The agent had no idea and gave me wrong information.",
    "digital_ease": "I can't log in to the app, it keeps crashing.",
    "communication_updates": "Nobody kept me informed, no updates at all.",
    "promises_followup": "They promised to call me back and never did.",
    "price_value": "Far too expensive, not worth the money.",
    "store_branch": "The branch was dirty and the opening hours are silly.",
}


@pytest.fixture(autouse=True)
def _no_user_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(bank_mod.ENV_VAR, raising=False)


def test_default_bank_has_the_required_themes() -> None:
    keys = load_bank(use_env=False).keys()
    assert set(EXAMPLES) <= set(keys)
    assert all(t.description for t in load_bank(use_env=False).themes)


@pytest.mark.parametrize("key, text", list(EXAMPLES.items()))
def test_every_default_theme_tags_its_example(key: str, text: str) -> None:
    assert key in tag(text)


def test_several_themes_parents_and_plain_text() -> None:
    text = "They charged me twice and I am still waiting for a refund; the app keeps crashing."
    found = tag(text)
    assert {"billing_charges", "refunds", "waiting_delays", "digital_ease"} <= set(found)
    assert "money" not in found and "money" in tag(text, include_parents=True)
    assert tag("The sky is blue today.") == []
    assert tag("") == [] and tag(None) == []  # type: ignore[arg-type]
    assert tag_many(["Rude staff.", "Nice."]) == [["staff_attitude"], []]
    assert matches("The cashier was rude.", "staff_attitude") == ["rude"]


def test_phrases_match_whole_words_only() -> None:
    assert "delivery" not in tag("Shipwright lessons")  # "ship" must not match inside a word
    assert "refunds" in tag("They refunded me in the end.")  # refund* takes endings


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "bank.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_bank_extends_replaces_disables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, """
[themes.refunds]
phrases = ["money back guarantee ignored"]
[themes.loyalty]
description = "Points and rewards"
phrases = ["points", "rewards"]
parent = "money"
[themes.store_branch]
disabled = true
[themes.delivery]
replace = true
description = "Only drones"
phrases = ["drone"]
""")
    b = load_bank(path)
    assert "store_branch" not in b.keys() and b.get("loyalty").parent == "money"
    assert "money back guarantee ignored" in b.get("refunds").phrases
    assert tag("The courier was late", b) == ["waiting_delays"]
    assert tag("drone", b) == ["delivery"]
    monkeypatch.setenv(bank_mod.ENV_VAR, str(path))
    assert "loyalty" in bank_mod.default_bank().keys()


@pytest.mark.parametrize("body, key", [
    ("[themes.x]\ndescription = 'x'\nphrases = ['a']\nparent = 'nowhere'\n", "themes.x.parent"),
    ("[themes.x]\ndescription = 'x'\npatterns = ['(bad']\n", "themes.x.patterns[0]"),
    ("[themes.x]\ndescription = 'x'\nphrase = ['typo']\n", "themes.x.phrase"),
    ("[themes.x]\nphrases = ['no description']\n", "themes.x.description"),
    ("[themes.x]\ndescription = 'nothing to match'\n", "themes.x"),
    ("[themes.x]\ndescription = 'x'\nphrases = [1]\n", "themes.x.phrases"),
    ("[themes.a]\ndescription = 'a'\nphrases = ['a']\nparent = 'b'\n"
     "[themes.b]\ndescription = 'b'\nphrases = ['b']\nparent = 'a'\n", "themes.a.parent"),
    ("[theme.x]\ndescription = 'x'\n", "theme"),
    ("oops = = 1", "(syntax)"),
])
def test_malformed_bank_names_key(tmp_path: Path, body: str, key: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_bank(path)
    assert err.value.key == key and str(path) in str(err.value)


def test_airline_bank_loads_alone() -> None:
    b = airline_bank()
    assert "lost_luggage" in b.keys() and "refunds" not in b.keys()
    assert "lost_luggage" in tag("@united you lost my bag again", b)


def test_discovery_finds_a_planted_phrase() -> None:
    rng = random.Random(7)
    vocab = "flight seat crew gate staff food plane ticket trip service day time airport app".split()

    def text(extra: str = "") -> str:
        return " ".join(rng.choice(vocab) for _ in range(12)) + extra

    neg = [text(" and then the gravy boat sank") if i % 3 == 0 else text() for i in range(300)]
    pos = [text() for _ in range(300)]
    found = distinctive_phrases(neg, pos, n=10, min_count=5)
    assert found and isinstance(found[0], Candidate)
    assert found[0].phrase in {"gravy boat sank", "gravy boat", "boat sank", "gravy", "sank", "boat"}
    assert any("gravy boat" in c.phrase for c in found)
    assert found[0].neg_count == 100 and found[0].pos_count == 0 and found[0].z > 3
    assert all("the" != c.phrase.split()[0] for c in found)  # no n-gram starts with a stopword


def test_adopt_appends_to_user_bank(tmp_path: Path) -> None:
    path = tmp_path / "user_bank.toml"
    adopt(Candidate("gravy boat", 5.0, 100, 0), "catering", path)
    adopt("soggy sandwich", "catering", path)
    adopt(Candidate('said "soon"', 4.0, 9, 1), "refunds", path)
    b = load_bank(path)
    assert b.get("catering").phrases == ("gravy boat", "soggy sandwich")
    assert 'said "soon"' in b.get("refunds").phrases and "refund*" in b.get("refunds").phrases
    assert "catering" in tag("The gravy boat was cold", b)


# -- the lower-cased fast path gives the same tags as case-insensitive regexes ------------


def _reference_tag(text: str, bank) -> list[str]:
    """tag() as it was before the lower-cased fast path: IGNORECASE regexes on the text."""
    from vocsrc.themes.tagging import _compiled

    if not isinstance(text, str) or not text:
        return []
    cb = _compiled(bank)
    found = cb.triggers.lookup(text)
    text = text.replace("\u2019", "'")
    return [cb.keys[i] for i in sorted(i for i in found if cb.regexes[i].search(text))]


def test_lower_unsafe_characters_are_all_of_them() -> None:
    """Re-derive cx.LOWER_UNSAFE from every code point (what lower_is_safe relies on)."""
    import re
    import sys

    from vocsrc.sentiment.cx import LOWER_UNSAFE

    chars = [chr(i) for i in range(128, sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    keep = []
    bad = set()
    for c in chars:
        low = c.lower()
        (bad.add(c) if len(low) != 1 else keep.append((c, low)))
    s = "".join(c for c, _ in keep)
    sl = "".join(low for _, low in keep)
    for cls in (r"\w", r"\s", r"\d"):  # the classes case_free allows keep their members when lower-cased
        a = {m.start() for m in re.finditer(cls, s)}
        b = {m.start() for m in re.finditer(cls, sl)}
        bad |= {keep[i][0] for i in a ^ b}
    ascii_at: dict[str, set[int]] = {}
    for i, low in enumerate(sl):
        if low.isascii():
            ascii_at.setdefault(low, set()).add(i)
    for a in map(chr, range(128)):  # IGNORECASE ASCII literal matches c exactly when c.lower() is it
        hits = {m.start() for m in re.finditer(re.escape(a), s, re.IGNORECASE)}
        bad |= {keep[i][0] for i in hits ^ ascii_at.get(a.lower(), set())}
    assert bad == set(LOWER_UNSAFE)


def test_stem_lookup_on_lower_text_matches_the_regex() -> None:
    """lookup_lower's str.find plan reports what the stem alternation's finditer reports,
    including an earlier stem hiding a longer one at the same word start."""
    from vocsrc.sentiment.cx import build_triggers

    rng = random.Random(5)
    for _ in range(2000):
        stems = [s for s in ("".join(rng.choice("abc'") for _ in range(rng.randint(1, 3)))
                             for _ in range(rng.randint(1, 5))) if s[0] != "'"] or ["a"]
        index = build_triggers([([s + "*"], (), False) for s in stems])
        assert index.stem_plan is not None
        for _ in range(20):
            text = "".join(rng.choice("abcAB' .-1_") for _ in range(rng.randint(0, 25)))
            assert index.lookup(text) == index.lookup_lower(text.lower()), (stems, text)


def _variants(texts: list[str]) -> list[str]:
    rng = random.Random(11)
    out = []
    for t in texts:
        w = t
        for a, b in (("i", "\u0130"), ("i", "\u0131"), ("s", "\u017f"), ("k", "\u212a"), ("e", "\u00c9"),
                     ("'", "\u2019")):
            if rng.random() < 0.5:
                w = w.replace(a, b)
        out += [w, t.upper(), t.title(), t.swapcase()]
    return out


@pytest.fixture(params=["hyperscan", "off"])
def scan_mode(request, monkeypatch: pytest.MonkeyPatch):
    """Tag with the Hyperscan screen and without it (the trigger index alone)."""
    from vocsrc.sentiment import rulescan
    from vocsrc.themes import tagging

    if request.param == "off":
        monkeypatch.setenv(rulescan.ENV_SWITCH, "off")
    tagging._CACHE.clear()
    yield request.param
    tagging._CACHE.clear()


def _scan_is(mode: str, bank) -> None:
    from vocsrc.themes import tagging

    assert (tagging._compiled(bank).scan is not None) == (mode == "hyperscan")


def test_fast_tagging_equals_case_insensitive_tagging(external: Path, scan_mode: str) -> None:
    from tests.unit.test_fastvader import DATASETS

    texts = list(EXAMPLES.values())
    for name in ("airline_tweets", "alexa", "tripadvisor", "clothing", "cfpb_sample", "cfpb_2015"):
        texts += DATASETS[name][0](external)[::4]
    texts += _variants(texts[::20])
    for bank in (load_bank(use_env=False), airline_bank()):
        _scan_is(scan_mode, bank)
        want = [_reference_tag(t, bank) for t in texts]
        assert [tag(t, bank) for t in texts] == want
        # in batches, as an import tags them (short texts share one scan)
        assert [k for i in range(0, len(texts), 250) for k in tag_batch(texts[i:i + 250], bank)] == want


def test_fast_tagging_on_awkward_phrases(tmp_path: Path, scan_mode: str) -> None:
    """Phrases of *-words only, sharing stems, with digits, hyphens and apostrophes, and a
    pattern whose trigger may be absent: the ASCII path tags as the one alternation does."""
    path = _write(tmp_path, r"""
[themes.a]
description = "a"
phrases = ["cancel*", "cancellation*", "wi-fi", "24/7 help", "don't care", "e-mail*", "long line*"]
replace = true
[themes.b]
description = "b"
phrases = ["can*", "help desk", "line"]
patterns = ['\bfee\w*\s+\d+']
triggers = ["fees"]
replace = true
""")
    bank = load_bank(path, use_env=False)
    _scan_is(scan_mode, bank)
    rng = random.Random(9)
    vocab = ["cancel", "cancellation", "cancelled", "can", "wi-fi", "wifi", "24/7", "help", "desk", "don't",
             "care", "e-mail", "email", "long", "lines", "line", "fee", "fees", "12", "x", "'", "-", ".", "_"]
    for _ in range(5000):
        text = "".join(rng.choice(vocab) + rng.choice(["", " ", "  ", ", ", "\n"]) for _ in range(rng.randint(1, 8)))
        text = text.upper() if rng.random() < 0.2 else text
        assert tag(text, bank) == _reference_tag(text, bank), text
