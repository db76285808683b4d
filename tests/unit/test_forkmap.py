"""forkmap.fork_map: chunks on forked processes over plain pipes (document.map_chunks' fork path)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from vocsrc.sentiment import document, forkmap

ITEMS = [f"text {i} {'é' * (i % 3)}" for i in range(1000)]
BOUNDS = [(a, min(a + 37, len(ITEMS))) for a in range(0, len(ITEMS), 37)]


def _joined(chunk: list[str]) -> str:
    return "|".join(chunk) + f"@{len(chunk)}\n"


def _counted(chunk: list[str]) -> list[tuple[str, int]]:
    return [(t, len(t)) for t in chunk]


def _encoded(chunk: list[str]) -> bytes:
    return _joined(chunk).encode("utf-8")


def _serial(fn):
    return [fn(ITEMS[a:b]) for a, b in BOUNDS]


@pytest.mark.parametrize("processes", [2, 3])
@pytest.mark.parametrize("parent_works", [True, False])
@pytest.mark.parametrize("fn", [_joined, _counted, _encoded])  # str, bytes as they are, others pickled
def test_results_in_order_as_serial(processes, parent_works, fn):
    seen = []
    got = forkmap.fork_map(ITEMS, BOUNDS, fn, processes, lambda d, n: seen.append((d, n)),
                           parent_works=parent_works)
    assert got == _serial(fn)
    assert [n for _, n in seen] == [len(ITEMS)] * len(BOUNDS)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1][0] == len(ITEMS)


def _big(chunk: list[str]) -> str:
    # far more than a pipe holds, from every process at once: nobody may wait on anybody
    return chunk[0] * 200_000 + "\udcff\n"  # a lone surrogate (stdin's surrogateescape) survives


def test_results_larger_than_a_pipe():
    got = forkmap.fork_map(ITEMS, BOUNDS[:12], _big, 2)
    assert got == [_big(ITEMS[a:b]) for a, b in BOUNDS[:12]]


def _fails_in_a_child(parent: int):
    def fn(chunk: list[str]) -> str:
        if os.getpid() != parent:
            raise ValueError(f"bad chunk {chunk[0]!r}")
        time.sleep(0.05)  # leave the child chunks to take
        return "ok"
    return fn


def test_a_child_error_raises_with_its_traceback():
    with pytest.raises(RuntimeError, match=r"(?s)a scoring worker failed.*ValueError: bad chunk"):
        forkmap.fork_map(ITEMS, BOUNDS, _fails_in_a_child(os.getpid()), 2)


def test_a_child_that_dies_is_reported():
    parent = os.getpid()

    def fn(chunk: list[str]) -> str:
        if os.getpid() != parent:
            os._exit(3)
        return "ok"

    with pytest.raises(RuntimeError, match="exited unexpectedly"):
        forkmap.fork_map(ITEMS, BOUNDS, fn, 2, parent_works=False)


def test_an_error_in_the_parent_propagates_and_stops_the_children():
    parent = os.getpid()
    pids = []

    def fn(chunk: list[str]) -> str:
        if os.getpid() == parent:
            raise KeyError("parent")
        time.sleep(0.05)  # leave the parent chunks to take
        return "ok"

    real_fork = os.fork

    def spy_fork():
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "fork", spy_fork)
        with pytest.raises(KeyError):
            forkmap.fork_map(ITEMS, BOUNDS, fn, 3)
    assert len(pids) == 2
    for pid in pids:  # reaped: no zombies left behind
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_too_many_chunks_for_the_pipe_gives_none(monkeypatch):
    # the tickets must all fit in the pipe before forking; otherwise the caller's other path
    bounds = [(0, 1)] * (forkmap._PIPE_SIZE // forkmap._TICKET.size + 1)
    assert forkmap.fork_map(ITEMS, bounds, _joined, 2) is None


def test_map_chunks_uses_fork_map_and_falls_back(monkeypatch):
    texts = ["I love it.", "Still waiting for my refund.", "", "Broke after a week. Shame.", "ok"] * 500
    want = [document.score_document(t) for t in texts]
    calls = []
    real = forkmap.fork_map

    def spy(*args, **kwargs):
        calls.append(len(args[1]))
        return real(*args, **kwargs)

    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)  # as in a single-threaded CLI
    monkeypatch.setattr(forkmap, "fork_map", spy)
    assert document.score_many(texts, processes=2) == want
    assert calls == [len(texts) // document._CHUNK]
    monkeypatch.setattr(forkmap, "fork_map", lambda *a, **k: None)  # chunks do not fit: multiprocessing
    assert document.score_many(texts, processes=2) == want


def test_score_stdin_on_two_processes_matches_one_at_a_time(tmp_path):
    # enough lines for the parallel path; each line as `score TEXT --json` would print it alone
    lines = ["Great service, thanks!", "They never called back.", "meh 😐", "  spaced  out  ",
             "Refund still pending after 3 weeks", ""] * 500
    out = subprocess.run([sys.executable, "-m", "vocsrc", "score", "-", "--json"], cwd=ROOT,
                         input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    rows = out.stdout.splitlines()
    assert len(rows) == len(lines)
    from vocsrc.cli_more import _json_chunk

    assert rows == _json_chunk(lines).splitlines()
    assert [json.loads(r)["text"] for r in rows] == lines


def test_score_exits_without_the_final_collections():
    # `python -m vocsrc score` freezes what is alive before exiting (the interpreter's last
    # collections would only walk it), and still prints everything; other commands do not
    code = ("import atexit, gc, runpy, sys; atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0)); "
            "sys.argv = ['vocsrc'] + sys.argv[1:]; runpy.run_module('vocsrc', run_name='__main__')")
    out = subprocess.run([sys.executable, "-c", code, "score", "-", "--json"], cwd=ROOT, input="fine\nbad\n",
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert [json.loads(r)["text"] for r in out.stdout.splitlines()[:2]] == ["fine", "bad"]
    assert out.stdout.splitlines()[2:] == ["frozen True"]
    other = subprocess.run([sys.executable, "-c", code, "--db", "/nonexistent/x.duckdb", "rejected"], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert other.stdout.splitlines()[-1:] == ["frozen False"], other.stdout + other.stderr


@pytest.mark.parametrize("json_flag", [["--json"], []])
def test_score_stdin_bytes_in_parallel_as_one_line_alone(json_flag):
    # the workers encode lines as sys.stdout would: undecodable input bytes (read with
    # surrogateescape) come back out as they were, exactly as when a line is scored alone
    lines = [b"caf\xe9 bad", "na\u00efve but great \U0001F600".encode(), b"ok"]

    def run(data: bytes) -> bytes:
        out = subprocess.run([sys.executable, "-m", "vocsrc", "score", "-", *json_flag], cwd=ROOT, input=data,
                             capture_output=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout

    alone = [run(line + b"\n") for line in lines]
    assert b"caf\xe9" in alone[0]
    assert run(b"\n".join(lines * 800) + b"\n") == b"".join(alone) * 800


def test_score_on_two_processes_imports_none_of_the_heavy_modules():
    # each cost `score -` milliseconds at start-up: multiprocessing and concurrent.futures (~25 ms,
    # forkmap replaces them), ctypes (its shared counter), pickle (str and bytes results travel
    # as they are), OpenSSL via hashlib (diskcache uses _blake2), tomllib (the checked lexicon
    # comes from the cache directory), traceback (only a failed chunk is reported)
    heavy = ("multiprocessing", "concurrent.futures", "ctypes", "pickle", "hashlib", "_hashlib", "tomllib",
             "traceback")
    code = ("import sys; from vocsrc.cli import main; out = sys.stdout; sys.stdout = open(__import__('os').devnull, 'w'); "
            "main(['score', '-', '--json']); sys.stdout = out; "
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    lines = "Great service but the refund never came\n" * (document._PARALLEL_MIN + 500)
    for _ in range(2):  # the first run may fill the cache directory (and parse TOML)
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, input=lines, capture_output=True, text=True,
                             timeout=120)
        assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "[]"
