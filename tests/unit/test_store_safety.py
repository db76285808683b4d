"""A killed import leaves the store as it was; a locked store gets a plain answer, not corruption."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import duckdb

from tests.conftest import ROOT
from vocsrc.ingest.mapping import Mapping
from vocsrc.ingest.pipeline import import_file

MAPPING = Mapping(name="t", kind="survey", source="S",
                  columns={"source_id": "id", "received_at": "date", "nps": "nps", "text": "comment"})


def _csv(path, start, n):
    lines = ["id,date,nps,comment"] + [f"{i},2026-01-{1 + i % 28:02d},{i % 11},comment number {i}"
                                      for i in range(start, start + n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _state(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""SELECT (SELECT count(*) FROM feedback), (SELECT count(*) FROM rejected),
                                     (SELECT count(*) FROM imports)""").fetchone()
    finally:
        con.close()


def _env(**extra):
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def test_process_killed_inside_the_write_transaction_changes_nothing(tmp_path):
    db = tmp_path / "k.duckdb"
    import_file(_csv(tmp_path / "first.csv", 0, 100), db=db, mapping=MAPPING)
    before = _state(db)
    big = _csv(tmp_path / "second.csv", 1000, 50_000)
    # The child wraps the connection so it dies (SIGKILL) right after the feedback rows
    # and rejected rows are inserted, before COMMIT: the worst moment.
    script = textwrap.dedent(f"""
        import os, signal
        from vocsrc.ingest import pipeline
        from tests.unit.test_store_safety import MAPPING
        real = pipeline._write
        class Dying:
            def __init__(self, con): self.con = con
            def execute(self, sql, *a):
                out = self.con.execute(sql, *a)
                if "INSERT INTO store.rejected" in sql:
                    print("inserted, dying", flush=True)
                    os.kill(os.getpid(), signal.SIGKILL)
                return out
            def __getattr__(self, name): return getattr(self.con, name)
        pipeline._write = lambda mem, *a: real(Dying(mem), *a)
        pipeline.import_file({str(big)!r}, db={str(db)!r}, mapping=MAPPING)
    """)
    child = subprocess.run([sys.executable, "-c", script], env=_env(), capture_output=True, text=True,
                           timeout=120, cwd=ROOT)
    assert child.returncode == -9, child.stderr
    assert "inserted, dying" in child.stdout
    assert _state(db) == before
    # The store still works, and the import then succeeds in full.
    r = import_file(big, db=db, mapping=MAPPING)
    assert r.accepted == 50_000 and _state(db)[0] == before[0] + 50_000


def test_cli_import_waits_for_a_reader_then_succeeds(tmp_path):
    db = tmp_path / "c.duckdb"
    import_file(_csv(tmp_path / "a.csv", 0, 10), db=db, mapping=MAPPING)
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}, read_only=True); "
                               "print('open', flush=True); time.sleep(2)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    f = _csv(tmp_path / "b.csv", 100, 10)
    (tmp_path / "m.toml").write_text('name="m"\nkind="survey"\nsource="S"\n[columns]\nsource_id="id"\n'
                                     'received_at="date"\nnps="nps"\ntext="comment"\n')
    out = subprocess.run([sys.executable, "-m", "vocsrc", "--db", str(db), "import", str(f), "--mapping",
                          str(tmp_path / "m.toml"), "--json"], env=_env(VOC_LOCK_WAIT="20"),
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    holder.wait()
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert (result["accepted"], result["rejected"], result["duplicate"]) == (10, 0, 0)


def test_cli_import_against_a_held_lock_says_what_to_do(tmp_path):
    db = tmp_path / "h.duckdb"
    import_file(_csv(tmp_path / "a.csv", 0, 10), db=db, mapping=MAPPING)
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); "
                               "print('open', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        started = time.monotonic()
        out = subprocess.run([sys.executable, "-m", "vocsrc", "--db", str(db), "import",
                              str(_csv(tmp_path / "b.csv", 100, 10)), "--kind", "survey"],
                             env=_env(VOC_LOCK_WAIT="1"), capture_output=True, text=True, timeout=60, cwd=ROOT)
    finally:
        holder.kill()
        holder.wait()
    assert out.returncode == 2
    assert "in use by another program" in out.stderr and "run the command again" in out.stderr
    assert time.monotonic() - started < 30
    assert _state(db) == (10, 0, 1)
