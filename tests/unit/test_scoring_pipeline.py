"""vocsrc.scoring: workers that score and tag give what one process gives, batch by batch;
the user's theme bank is found and changes the scorer version."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from vocsrc import config, scoring
from vocsrc.themes.discovery import adopt
from vocsrc.themes.user_bank import user_bank_path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    from vocsrc.demo_store import build_demo_store

    path = tmp_path_factory.mktemp("scoring") / "voc.duckdb"
    build_demo_store(path, scale=0.03)
    return path


def _stored(db) -> tuple[list, list]:
    with duckdb.connect(str(db), read_only=True) as con:
        scores = con.execute("SELECT * EXCLUDE (scorer) FROM text_scores ORDER BY text_hash").fetchall()
        themes = con.execute("SELECT text_hash, theme FROM text_themes ORDER BY ALL").fetchall()
    return scores, themes


def test_parallel_batches_match_one_process(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_THEME_BANK", str(tmp_path / "none.toml"))
    want_scores, want_themes = _stored(demo_db)  # the demo build scored them in one go
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM text_scores")
        con.execute("DELETE FROM text_themes")
    # small batches and no minimum, so several batches overlap with the workers
    monkeypatch.setattr(scoring, "BATCH", 300)
    monkeypatch.setattr(scoring, "CHUNK", 50)
    monkeypatch.setattr(scoring, "_PARALLEL_MIN", 1)
    seen = []
    result = scoring.score_new_texts(db, processes=2, progress=lambda f, m: seen.append(f))
    assert result.scored == len(want_scores) > 900
    assert _stored(db) == (want_scores, want_themes)
    assert seen == sorted(seen) and seen[-1] == 1.0
    again = scoring.score_new_texts(db, processes=2)
    assert again.scored == 0  # nothing new


def test_user_bank_default_path_and_version(tmp_path, monkeypatch):
    monkeypatch.delenv("VOC_THEME_BANK", raising=False)
    assert user_bank_path() == config.PROJECT_DIR / "themes_user.toml"
    bank = tmp_path / "bank.toml"
    monkeypatch.setenv("VOC_THEME_BANK", str(bank))
    assert user_bank_path() == bank
    before = scoring.scorer_version()
    adopt("fobbed off", "promises_followup", bank)
    after = scoring.scorer_version()
    assert after != before and after.split("+cx:")[0] == before.split("+cx:")[0]
    adopt("runaround", "promises_followup", bank)
    assert scoring.scorer_version() not in (before, after)


def test_rescore_applies_an_adopted_phrase(demo_db, tmp_path, monkeypatch):
    bank = tmp_path / "bank.toml"
    monkeypatch.setenv("VOC_THEME_BANK", str(bank))
    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    adopt("the", "everything", bank, description="Every comment with 'the' in it.")
    result = scoring.score_new_texts(db, rescore=True, processes=1)
    assert result.scored > 900 and result.scorer == scoring.scorer_version()
    with duckdb.connect(str(db), read_only=True) as con:
        tagged = con.execute("SELECT count(*) FROM text_themes WHERE theme = 'everything'").fetchall()[0][0]
        texts = con.execute("""SELECT count(DISTINCT text_hash) FROM feedback
                               WHERE regexp_matches(text, '(?i)(^|[^\\w''])the([^\\w'']|$)')""").fetchall()[0][0]
        versions = con.execute("SELECT DISTINCT scorer FROM text_scores").fetchall()
    assert tagged == texts > 500
    assert versions == [(result.scorer,)]


def test_stored_scores_and_themes_are_each_texts_own(demo_db, monkeypatch):
    """Every stored column is the text's TextScore field of that name, and its themes are tag()'s."""
    from vocsrc.sentiment.document import score_document
    from vocsrc.themes.tagging import tag
    from vocsrc.themes.user_bank import bank_in_effect

    with duckdb.connect(str(demo_db), read_only=True) as con:
        rows = con.execute(f"""SELECT f.text, {', '.join('s.' + c for c in scoring._SCORE_COLUMNS)},
                                      list(t.theme ORDER BY t.theme) FILTER (WHERE t.theme IS NOT NULL)
                               FROM (SELECT text_hash, any_value(text) AS text FROM feedback
                                     WHERE text IS NOT NULL GROUP BY 1) f
                               JOIN text_scores s USING (text_hash)
                               LEFT JOIN text_themes t USING (text_hash)
                               GROUP BY ALL ORDER BY f.text LIMIT 400""").fetchall()
    bank = bank_in_effect()
    assert len(rows) == 400
    for text, *stored, themes in rows:
        assert tuple(stored) == tuple(score_document(text)), text
        assert sorted(themes or []) == sorted(tag(text, bank)), text
