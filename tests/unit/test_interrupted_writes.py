"""Interrupted writes. A rescore marks the dashboard's rollups stale until they are rebuilt, and Ctrl-C anywhere in
a command (DuckDB reports one during a query as its own RuntimeError) ends it with 130.

A rescore replaces scores without changing any count ``rollup.current`` compares, so a
rollup refresh interrupted after it used to leave rollups that looked current and held the
old scores: the next rescore found nothing to do and never rebuilt them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import duckdb
import pytest

from tests.conftest import ROOT
from vocsrc import cli, cli_more, rollup, scoring


def _top_box(con) -> tuple[int, int]:
    """Rows whose CX score is 0.5 or more, by the cube and by the stored scores themselves."""
    cube = con.execute("SELECT sum(rows) FILTER (cx_top) FROM cube").fetchone()[0]
    raw = con.execute("SELECT count(*) FILTER (cx_compound >= 0.5) FROM feedback_scored").fetchone()[0]
    return cube, raw


def _rescore(db, monkeypatch, version: str) -> int:
    monkeypatch.setattr(scoring, "scorer_version", lambda: version)
    return scoring.score_new_texts(db, rescore=True, processes=1).scored


def test_rescore_marks_rollups_stale_until_rebuilt(demo_store, tmp_path, monkeypatch):
    db = tmp_path / "voc.duckdb"
    shutil.copy(demo_store(0.05), db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert rollup.current(con)
    # a rescore that changes every score: the CX score doubled, as a new lexicon might
    real = scoring._score_and_tag

    def doubled(texts):
        batch = real(texts)
        i = batch.schema.get_field_index("cx_compound")
        import pyarrow.compute as pc

        return batch.set_column(i, "cx_compound", pc.multiply(batch.column(i), 2.0))

    monkeypatch.setattr(scoring, "_score_and_tag", doubled)
    assert _rescore(db, monkeypatch, "test-doubled") > 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert not rollup.current(con)  # the cube still holds the old scores
        cube, raw = _top_box(con)
        assert cube < raw
    # a refresh that fails half way (as Ctrl-C during a query does) rolls back and leaves them stale
    monkeypatch.setattr(rollup, "_THEMES", "SELECT no_such_column FROM cube")
    with pytest.raises(duckdb.Error), duckdb.connect(str(db)) as con:
        rollup.refresh(con)
    with duckdb.connect(str(db), read_only=True) as con:
        assert not rollup.current(con)
    monkeypatch.undo()
    # the next writer (here: a rescore with nothing left to do) rebuilds them
    cli._refresh_rollups(str(db), force=False, quiet=True)
    with duckdb.connect(str(db), read_only=True) as con:
        assert rollup.current(con)
        cube, raw = _top_box(con)
        assert cube == raw


SIGINT_DURING_QUERY = """
import os, signal, sys, threading
import duckdb
from vocsrc import cli

def status(args):
    con = duckdb.connect()
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()  # Ctrl-C, 0.3 s in
    # a query DuckDB stops within a second when told to (some check only between tasks)
    con.execute("SELECT count(*) FROM range(10000000000) a").fetchone()
    print("the query was not interrupted", file=sys.stderr)

cli.COMMANDS["status"] = status
sys.exit(cli.main(["status"]))
"""


def test_ctrl_c_during_a_query_ends_a_command_with_130():
    got = subprocess.run([sys.executable, "-c", SIGINT_DURING_QUERY], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert got.returncode == 130, got.stderr
    assert got.stderr.strip() == "interrupted; the store keeps what was committed"


def test_duckdb_interrupt_ends_a_command_with_130(monkeypatch, capsys):
    def interrupted(args):
        con = duckdb.connect()
        threading.Timer(0.3, con.interrupt).start()  # the query would take seconds
        return con.execute("SELECT sum(hash(a.range * b.range)) FROM range(50000000) a, range(20) b").fetchone()

    monkeypatch.setitem(cli.COMMANDS, "status", interrupted)
    assert cli.main(["status"]) == 130
    assert "interrupted; the store keeps what was committed" in capsys.readouterr().err

    def failed(args):
        raise RuntimeError("something else")

    monkeypatch.setitem(cli.COMMANDS, "status", failed)
    with pytest.raises(RuntimeError, match="something else"):
        cli.main(["status"])


@pytest.mark.parametrize("argv, hint", [
    (["import", "survey.csv"], "rescore --new-only"),  # its rows are committed before they are scored
    (["rescore"], "rescore` again to finish"),
    (["score", "-"], None),  # holds no store
])
def test_ctrl_c_says_what_was_kept_and_how_to_finish(monkeypatch, capsys, argv, hint):
    def interrupted(args):
        raise KeyboardInterrupt

    interrupted.__name__ = f"cmd_{argv[0]}"
    monkeypatch.setitem(cli.COMMANDS, argv[0], interrupted)
    monkeypatch.setattr(cli_more, "cmd_score", interrupted)  # registered again as the parser is built
    assert cli.main(argv) == 130
    err = capsys.readouterr().err.strip()
    if hint is None:
        assert err == "interrupted"
    else:
        assert err.startswith("interrupted; the store keeps what was committed") and hint in err


def test_customer_base_summary_follows_a_rescore(demo_store, tmp_path, monkeypatch):
    """The summary counts a customer with a CX-negative comment as a bad experience, so scores
    that change which texts are negative must give a new summary (it used to be keyed on row
    counts only); scores that change none keep it."""
    import pandas as pd
    import pyarrow as pa

    from vocsrc.customer_base import lists
    from vocsrc.customer_base.lists import contact_list
    from vocsrc.customer_base.summary import fingerprint
    from vocsrc.filters import Filters

    db = tmp_path / "voc.duckdb"
    shutil.copy(demo_store(0.05), db)
    with duckdb.connect(str(db)) as con:
        before, contacts = fingerprint(con), len(contact_list(con, Filters()))
    real = scoring._score_and_tag

    def all_negative(texts):  # as a lexicon that reads every comment as negative would
        batch = real(texts)
        i = batch.schema.get_field_index("cx_label")
        return batch.set_column(i, "cx_label", pa.array(["negative"] * batch.num_rows))

    _rescore(db, monkeypatch, "test-same-labels")  # new scorer, same labels: the summary stands
    with duckdb.connect(str(db)) as con:
        assert fingerprint(con) == before
    monkeypatch.setattr(scoring, "_score_and_tag", all_negative)
    _rescore(db, monkeypatch, "test-all-negative")
    with duckdb.connect(str(db)) as con:
        assert fingerprint(con) != before
        fast = contact_list(con, Filters())
        monkeypatch.setattr(lists, "_remarks_cover", lambda *args: False)  # straight from the store
        pd.testing.assert_frame_equal(fast, contact_list(con, Filters()))
        assert len(fast) > contacts
