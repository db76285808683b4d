"""Themes and Method pages on the demo store: render, follow filters, drill down, adopt a phrase."""

from __future__ import annotations

import re

import duckdb

from tests.pages.conftest import open_page


def _mentions(at) -> dict[str, int]:
    table = at.dataframe[0].value
    return dict(zip(table["theme"], table["mentions"].astype(int)))


def test_themes_page_renders_and_follows_a_filter(store, monkeypatch, tmp_path):
    monkeypatch.setenv("VOC_THEME_BANK", str(tmp_path / "bank.toml"))
    at = open_page("pages/themes.py")
    assert [h.value for h in at.header] == ["Impact on NPS", "What people say", "Suggest candidate themes"]
    everyone = _mentions(at)
    assert len(everyone) >= 8 and all(n > 0 for n in everyone.values())
    assert any(c.value.startswith("n = ") and "CX-aware" in c.value for c in at.caption)
    # the demo's data starts and ends inside a quarter: the heat map says which are partial
    heat = at.get("vega_lite_chart")[0].proto.spec
    assert "(partial)" in heat and "partial: the data runs" in heat
    at.segmented_control(key="th_by").set_value("function").run()
    assert "partial" not in at.get("vega_lite_chart")[0].proto.spec
    at.segmented_control(key="th_value").set_value("share_negative").run()
    assert not at.exception, [e.value for e in at.exception]
    billing = _mentions(open_page("pages/themes.py", function=["Billing"]))
    assert sum(billing.values()) < sum(everyone.values())
    assert any(billing.get(k, 0) < n for k, n in everyone.items())


def test_drill_down_shows_as_many_positive_as_negative_verbatims(store, monkeypatch, tmp_path):
    monkeypatch.setenv("VOC_THEME_BANK", str(tmp_path / "bank.toml"))
    at = open_page("pages/themes.py")
    at.selectbox(key="th_theme").set_value("refunds").run()
    assert not at.exception, [e.value for e in at.exception]
    quotes = [m.value for m in at.markdown if m.value.startswith("> ")]
    assert len(quotes) == 8  # four negative, four positive
    assert sum("**" in q for q in quotes) >= 6  # evidence sentences highlighted
    assert [s.value for s in at.main.subheader][-2:] == ["Negative", "Positive"]


def test_adopting_a_candidate_writes_the_user_bank_and_tags_after_rescore(store, monkeypatch, tmp_path):
    from vocsrc.scoring import score_new_texts

    bank_file = tmp_path / "bank.toml"
    monkeypatch.setenv("VOC_THEME_BANK", str(bank_file))
    at = open_page("pages/themes.py")
    at.toggle(key="disc_on").set_value(True).run()
    candidates = at.dataframe[1].value
    assert len(candidates) > 5 and candidates["z"].is_monotonic_decreasing
    phrase = candidates["phrase"].iloc[0]
    at.selectbox(key="adopt_phrase").set_value(phrase)
    at.selectbox(key="adopt_theme").set_value("A new theme…")
    at.text_input(key="adopt_key").input("found_in_test")
    at.text_input(key="adopt_description").input("Comments using the phrase found in the test.")
    next(b for b in at.button if b.label == "Adopt into theme bank").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("found_in_test" in s.value for s in at.success)
    text = bank_file.read_text(encoding="utf-8")
    assert "[themes.found_in_test]" in text and phrase in text

    result = score_new_texts(store, rescore=True, processes=1)
    assert result.scored > 1000
    with duckdb.connect(str(store), read_only=True) as con:
        tagged = {h for (h,) in con.execute("SELECT text_hash FROM text_themes WHERE theme = 'found_in_test'").fetchall()}
        texts = con.execute("SELECT DISTINCT text_hash, text FROM feedback WHERE text IS NOT NULL").fetchall()
    word = re.compile(r"(?<![\w'])" + r"\s+".join(map(re.escape, phrase.split())) + r"(?![\w'])", re.IGNORECASE)
    expected = {h for h, t in texts if word.search(t.replace("\u2019", "'"))}
    assert tagged == expected and len(tagged) > 10
    after = _mentions(open_page("pages/themes.py"))
    assert after["Found in test"] > 10


def test_method_page_explains_and_names_the_engine(store, monkeypatch, tmp_path):
    monkeypatch.setenv("VOC_THEME_BANK", str(tmp_path / "bank.toml"))
    at = open_page("pages/method.py")
    assert [h.value for h in at.header][-4:] == ["The theme bank", "The CX rules", "What scored the stored comments",
                                                 "How well the scores agree with people"]
    prose = "\n".join(m.value for m in at.markdown)
    assert "-0.05" in prose and "adjusted-Wald" in prose and "Benjamini-Hochberg" in prose and "$" not in prose
    assert "Here: Hyperscan 0.9.1 matches every rule in one compiled pass" in prose
    assert "labelled \"(partial)\"" in prose
    bank = at.dataframe[0].value
    assert {"waiting_delays", "refunds"} <= set(bank["theme"]) and bank["description"].str.len().min() > 10
    scorers = at.dataframe[2].value
    with duckdb.connect(str(store), read_only=True) as con:
        distinct = con.execute("SELECT count(*) FROM text_scores").fetchall()[0][0]
    assert int(scorers["texts"].sum()) == distinct and scorers["scorer"].str.contains(r"\+cx:").all()


def test_method_page_without_report_or_external_data(store, monkeypatch, tmp_path):
    from vocsrc import method

    monkeypatch.setattr(method, "EVALUATION_DIR", tmp_path / "no_report")
    monkeypatch.setattr(method, "EXTERNAL_DIR", tmp_path / "no_data")
    at = open_page("pages/method.py")
    assert any("not on this machine" in w.value for w in at.warning)
    assert not any(b.label == "Run the evaluation" for b in at.button)


def test_rescore_now_button_runs_the_cli_with_the_user_bank(store, monkeypatch, tmp_path):
    from vocsrc.themes.discovery import adopt

    bank_file = tmp_path / "bank.toml"
    monkeypatch.setenv("VOC_THEME_BANK", str(bank_file))
    adopt("fobbed off", "promises_followup", bank_file)
    at = open_page("pages/themes.py")
    at.toggle(key="disc_on").set_value(True)
    at.session_state["adopted"] = "'fobbed off' added to theme promises_followup in bank.toml."
    at.run()
    at.button(key="rescore_now").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value.startswith("scored ") and "texts/s" in s.value for s in at.success), \
        [s.value for s in at.success] + [e.value for e in at.error]
    from vocsrc.scoring import scorer_version

    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT DISTINCT scorer FROM text_scores").fetchall() == [(scorer_version(),)]


def test_a_malformed_user_bank_is_reported_not_raised(store, monkeypatch, tmp_path):
    bank_file = tmp_path / "bank.toml"
    bank_file.write_text("[themes.Bad Key]\nphrases = 3\n", encoding="utf-8")
    monkeypatch.setenv("VOC_THEME_BANK", str(bank_file))
    for page in ("pages/themes.py", "pages/method.py"):
        at = open_page(page)
        assert any("theme bank cannot be read" in e.value and "bank.toml" in e.value for e in at.error), page
