"""Texts left unscored (an import stopped while scoring them) are flagged above every page and
scored from the Data page; an import whose scoring fails says its rows are in."""

from __future__ import annotations

import duckdb

from tests.conftest import ROOT
from tests.pages.conftest import open_page
from vocsrc import queries
from vocsrc.errors import VocError


def _drop_scores(db, share: int) -> int:
    """Delete the scores of about 1 in ``share`` texts, as an interrupted import leaves them;
    returns how many distinct texts then have no score (counted from the texts themselves)."""
    con = duckdb.connect(str(db))
    try:
        con.execute("DELETE FROM text_scores WHERE text_hash % ? = 0", [share])
        return con.execute("""SELECT count(DISTINCT f.text_hash) FROM feedback f
                              WHERE f.text IS NOT NULL
                                AND f.text_hash NOT IN (SELECT text_hash FROM text_scores)""").fetchone()[0]
    finally:
        con.close()


def test_unscored_texts_counts_what_the_texts_say(store):
    con = duckdb.connect(str(store), read_only=True)
    distinct = con.execute("SELECT count(DISTINCT text) FROM feedback WHERE text IS NOT NULL").fetchone()[0]
    assert queries.unscored_texts(con) == {"distinct": distinct, "unscored": 0}
    con.close()
    missing = _drop_scores(store, 7)
    assert missing > 0
    with duckdb.connect(str(store), read_only=True) as con:
        assert queries.unscored_texts(con) == {"distinct": distinct, "unscored": missing}


def test_unscored_texts_are_flagged_everywhere_and_scored_from_the_data_page(store):
    at = open_page()
    assert not at.warning  # a fully scored store: no notice
    missing = _drop_scores(store, 5)
    at = open_page()
    notice = [w.value for w in at.warning]
    assert notice and f"{missing:,} of" in notice[0] and "not scored yet" in notice[0]
    at.switch_page("pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    said = [w.value for w in at.warning]
    assert len(said) == 1 and f"{missing:,} of" in said[0] and "no score yet" in said[0]  # once, not twice
    at.button(key="score_unscored").click().run()  # runs `rescore --new-only` on this store
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"scored {missing:,} distinct texts" in s.value for s in at.success), [s.value for s in at.success]
    assert any("distinct texts are scored" in c.value for c in at.caption)
    assert not at.warning
    with duckdb.connect(str(store), read_only=True) as con:
        assert queries.unscored_texts(con)["unscored"] == 0


def test_an_import_whose_scoring_fails_says_its_rows_are_in(store, monkeypatch):
    import vocsrc.ui.jobs

    def busy(args, progress):
        raise VocError("the store stayed locked for 15 s")

    monkeypatch.setattr(vocsrc.ui.jobs, "run_cli", busy)
    at = open_page("pages/data.py")
    content = (ROOT / "data" / "sample_reviews.csv").read_bytes()
    at.file_uploader[0].set_value(("sample_reviews.csv", content, "text/csv")).run()
    at.button(key="do_import").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error  # it did not say "Nothing was imported"
    said = " ".join(w.value for w in at.warning)
    assert "sample_reviews.csv" in said and "rows added" in said and "the store stayed locked" in said
    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM imports WHERE file_name = 'sample_reviews.csv'").fetchone()[0] == 1
        assert queries.unscored_texts(con)["unscored"] > 0
    at.run()  # the Data page says it in its Scoring section, every other page in a notice
    assert any("no score yet" in w.value for w in at.warning)
    at.switch_page("pages/overview.py").run()
    assert any("not scored yet" in w.value for w in at.warning)
