"""Ctrl-C during a rescore on two cores: the command stops promptly and quietly, the store
stays consistent, and running it again finishes the job.

A terminal's Ctrl-C signals the whole process group. Pool workers used to get it too: each
printed a KeyboardInterrupt traceback, and one interrupted while sending its result left
the pool's result thread waiting for the rest of the message, so the command hung on exit.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from tests.conftest import ROOT

# threads=1 starts a Python thread first, as a progress bar's monitor or the app would, so
# scoring takes its forkserver path; threads=0 takes the fork path
SCRIPT = textwrap.dedent("""
    import multiprocessing, sys, threading, time
    from vocsrc import scoring
    scoring.scorer_version = lambda: "test-ctrl-c"   # as if the lexicon had changed
    scoring.BATCH = 4000
    if sys.argv[2] == "1":
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
    def progress(fraction, message):
        if fraction > 0 and not getattr(progress, "looked", False):
            progress.looked = True
            for worker in multiprocessing.active_children():
                with open(f"/proc/{worker.pid}/status") as fh:
                    ignored = int(next(l for l in fh if l.startswith("SigIgn:")).split()[1], 16)
                print("WORKER ignores SIGINT:", bool(ignored & 1 << 1), flush=True)
        print("PROGRESS", fraction, flush=True)
    try:
        r = scoring.score_new_texts(sys.argv[1], rescore=True, processes=2, progress=progress)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
    print("scored", r.scored, flush=True)
""")


def _counts(db) -> tuple[int, int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("""
            SELECT (SELECT count(DISTINCT text_hash) FROM feedback WHERE text IS NOT NULL),
                   (SELECT count(*) FROM text_scores), (SELECT count(DISTINCT text_hash) FROM text_scores),
                   (SELECT count(*) FROM text_scores WHERE scorer = 'test-ctrl-c')""").fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("threads", ["0", "1"], ids=["fork", "forkserver"])
def test_ctrl_c_stops_rescore_quietly(demo_store, tmp_path, threads):
    db = tmp_path / "voc.duckdb"
    shutil.copy(demo_store(0.5), db)
    texts = _counts(db)[0]
    assert texts > 8000  # batches of 4,000: the interrupt comes with work still to do
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(db), threads], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    workers = []
    try:
        for line in proc.stdout:  # wait until a quarter is done: the workers are busy
            if line.startswith("WORKER"):
                workers.append(line.split()[-1])
            if line.startswith("PROGRESS") and float(line.split()[1]) >= 0.25:
                break
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        started = time.monotonic()
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # whether a worker would print its traceback (or die mid-message) is a race with the
    # parent stopping it; that it never gets the signal is what makes both impossible
    assert workers == ["True", "True"]
    assert proc.returncode == 130, (out, err)
    assert "interrupted" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert took < 30, f"took {took:.1f} s to stop"
    distinct, rows, scored, current = _counts(db)
    assert rows == scored == distinct and current % 4000 == 0 and current < texts  # whole batches only
    again = subprocess.run([sys.executable, "-c", SCRIPT, str(db), threads], cwd=ROOT, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0 and f"scored {texts - current}" in again.stdout, again.stderr
    assert _counts(db) == (texts, texts, texts, texts)
