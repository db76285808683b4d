"""A rescore killed half way leaves the store consistent, and running it again finishes the job."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import duckdb

from tests.conftest import ROOT

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    from vocsrc import scoring
    scoring.scorer_version = lambda: "test-v2"   # as if the lexicon had changed
    scoring.BATCH = 300
    kill_after = int(sys.argv[2])
    real = scoring._write_batch
    calls = []
    def write(*a, **k):
        real(*a, **k)
        calls.append(1)
        if len(calls) == kill_after:
            print("killed after", len(calls), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    scoring._write_batch = write
    r = scoring.score_new_texts(sys.argv[1], rescore=True, processes=1)
    print("scored", r.scored, flush=True)
""")


def _state(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT (SELECT count(DISTINCT text_hash) FROM feedback WHERE text IS NOT NULL),
                   (SELECT count(*) FROM text_scores), (SELECT count(DISTINCT text_hash) FROM text_scores),
                   (SELECT count(*) FROM text_scores WHERE scorer = 'test-v2'),
                   (SELECT count(*) FROM (SELECT text_hash, theme FROM text_themes GROUP BY ALL HAVING count(*) > 1))
        """).fetchone()
    finally:
        con.close()


def test_killed_rescore_resumes_and_finishes(demo_store, tmp_path):
    db = tmp_path / "voc.duckdb"
    shutil.copy(demo_store(0.05), db)
    texts = _state(db)[0]
    assert texts > 900  # enough for several batches of 300
    first = subprocess.run([sys.executable, "-c", SCRIPT, str(db), "2"], cwd=ROOT, capture_output=True, text=True,
                           timeout=300)
    assert first.returncode == -9 and "killed after 2" in first.stdout, first.stderr
    distinct, rows, scored, current, dup_themes = _state(db)
    assert rows == scored == distinct and dup_themes == 0  # nothing lost, nothing doubled
    assert current == 600  # the two committed batches carry the new scorer
    second = subprocess.run([sys.executable, "-c", SCRIPT, str(db), "0"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert second.returncode == 0, second.stderr
    assert f"scored {texts - 600}" in second.stdout  # only what the first run had not done
    distinct, rows, scored, current, dup_themes = _state(db)
    assert rows == scored == distinct == current == texts and dup_themes == 0
