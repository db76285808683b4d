"""The CLI's JSON contracts, run as a user would (a real process on a real store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import ROOT


def _cli(*args: str, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vocsrc", "--db", str(db), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "voc.duckdb"
    out = _cli("demo", "--scale", "0.05", db=db)
    assert out.returncode == 0, out.stderr
    return db


def test_import_and_status_json(store, external, tmp_path):
    db = tmp_path / "copy.duckdb"
    db.write_bytes(store.read_bytes())
    cfpb = external / "cfpb_complaints_sample" / "complaints_sample.csv"
    out = _cli("import", str(cfpb), "--mapping", "cfpb", "--json", db=db)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["accepted"], result["rejected"], result["duplicate"]) == (6623, 0, 0)
    status = json.loads(_cli("status", "--json", db=db).stdout)
    con = duckdb.connect(str(db), read_only=True)
    kinds = dict(con.execute("SELECT kind, count(*) FROM feedback GROUP BY 1").fetchall())
    con.close()
    assert status["rows"] == {k: kinds.get(k, 0) for k in ("survey", "review", "complaint")}
    assert status["rejected"] == 0 and status["last_imports"][0]["file_name"] == "complaints_sample.csv"
    again = json.loads(_cli("import", str(cfpb), "--mapping", "cfpb", "--json", db=db).stdout)
    assert (again["accepted"], again["duplicate"]) == (0, 6623)


def test_unimportable_file_exits_nonzero_and_names_it(store, tmp_path):
    bad = tmp_path / "empty_export.csv"
    bad.write_text("")
    out = _cli("import", str(bad), "--kind", "survey", db=store)
    assert out.returncode == 2 and "empty_export.csv" in out.stderr and "empty" in out.stderr


@pytest.mark.parametrize("metric", ["nps", "csat", "ces", "stars", "sentiment"])
def test_metrics_json_by_function(store, metric):
    out = _cli("metrics", "--metric", metric, "--by", "function", "--json", db=store)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 6
    for row in rows:
        assert {"group", "n", "headline", "low", "high", "bands", "really_happy"} <= set(row)
        assert row["low"] <= row["headline"] <= row["high"]
        assert abs(sum(row["bands"].values()) - 1) < 1e-9
        if metric == "nps":
            assert -100 <= row["low"] and row["high"] <= 100
        assert 0 <= row["really_happy"] <= 1


def test_metrics_nps_matches_a_direct_count(store):
    rows = json.loads(_cli("metrics", "--metric", "nps", "--from", "2026-01-01", "--to", "2026-06-30",
                           "--json", db=store).stdout)
    con = duckdb.connect(str(store), read_only=True)
    p, d, n = con.execute("""SELECT count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps)
                             FROM feedback WHERE received_at >= '2026-01-01' AND received_at < '2026-07-01'""").fetchone()
    con.close()
    assert rows[0]["n"] == n
    assert rows[0]["headline"] == pytest.approx(100 * (p - d) / n)
    assert rows[0]["bands"]["promoter"] == pytest.approx(p / n)
