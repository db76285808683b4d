"""Raw FastVader scores on several cores (``score_texts``, what bench/sentiment.py times as
FastVader with two processes), and the counter scheme ``document.map_chunks`` falls back to.

Work is handed out in chunks (one message per chunk, never per text).  With the "fork" start
method the texts are not sent at all: the children inherit them and send back only the score
tuples.  ``score_texts`` forks with forkmap.fork_map (plain os.fork, chunk numbers through a
pipe, this process scoring too); for more chunks than fit in a pipe, workers take chunk numbers
from a shared counter (``_score_forked``; so a worker on a busier core simply takes fewer
chunks).  A process pool is avoided there because its three helper threads cost the parent
~1 ms of CPU per chunk, a sizeable share for short texts.

Forking a process that runs other threads (Streamlit does) can deadlock a child
on a lock some thread held at fork time, so "fork" is only used when the caller
is single-threaded; otherwise a forkserver (POSIX) or spawn process pool is used.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import wait
from typing import Any

from .fastvader import Scores, get_engine
from .workers import worker_pool

# Small enough that a worker on a busy core leaves work to the other (250 short
# texts are ~2 ms, 250 narratives ~12 ms), large enough that messaging per chunk
# stays a few percent of that.
DEFAULT_CHUNK_SIZE = 250


def _init_worker() -> None:
    get_engine()  # load the lexicon once per worker, not inside the first task


def _score_chunk(chunk: list[str]) -> list[Scores]:
    return list(map(get_engine().scores_tuple, chunk))


def _score_chunk_reported(chunk: list[str]) -> list[Scores]:
    # the same error whichever process (this one too, under forkmap) meets the bad text
    try:
        return _score_chunk(chunk)
    except Exception as exc:
        raise RuntimeError(f"a scoring worker failed: {exc!r}") from exc


def _fork_worker(conn: Any, counter: Any, texts: list[str], bounds: list[tuple[int, int]],
                 chunk_fn: Callable[[list[str]], list[Any]] | None = None) -> None:
    try:
        if chunk_fn is None:
            score = get_engine().scores_tuple  # inherited from the parent, already built

            def chunk_fn(chunk: list[str]) -> list[Any]:
                return list(map(score, chunk))

        while True:
            with counter.get_lock():
                k = counter.value
                counter.value = k + 1
            if k >= len(bounds):
                break
            start, end = bounds[k]
            conn.send((k, chunk_fn(texts[start:end])))
        conn.send(None)
    except BaseException:  # report, don't let the parent wait forever
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def _start_method(requested: str | None) -> str:
    if requested:
        return requested
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def score_texts(
    texts: Sequence[str],
    processes: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
    *,
    start_method: str | None = None,
) -> list[Scores]:
    """(neg, neu, pos, compound) per text, in input order, identical to vaderSentiment.

    ``processes=None`` uses every core (os.cpu_count()); ``processes=1`` scores
    in this process (as does a daemonic process, which may not start children).
    A text that makes scoring raise raises RuntimeError (with the worker's
    traceback) when processes > 1.  ``progress(done, total)`` is called in this process after
    each chunk.  ``start_method`` overrides the multiprocessing start method.
    """
    texts = texts if isinstance(texts, list) else list(texts)
    total = len(texts)
    chunk_size = max(1, int(chunk_size))
    bounds = [(s, min(s + chunk_size, total)) for s in range(0, total, chunk_size)]
    if processes is None:
        processes = os.cpu_count() or 1
    processes = max(1, min(int(processes), len(bounds)))
    if mp.current_process().daemon:
        processes = 1  # a daemonic process (e.g. a Pool worker) may not have children

    results: list[Scores] = []
    if processes == 1:
        score = get_engine().scores_tuple
        for start, end in bounds:
            results.extend(map(score, texts[start:end]))
            if progress is not None:
                progress(end, total)
        return results

    method = _start_method(start_method)
    ctx = mp.get_context(method)
    if method == "fork":
        get_engine()  # built once here, inherited by the children
        # os.fork and pipes, this process scoring too (forkmap.py): ~12% faster than the
        # counter scheme below, which stays for more chunks than fit in a pipe
        from .forkmap import fork_map

        parts = fork_map(texts, bounds, _score_chunk_reported, processes, progress)
        if parts is not None:
            return [s for part in parts for s in part]
        return _score_forked(ctx, texts, bounds, processes, progress)

    # ProcessPoolExecutor rather than Pool: if a worker dies (or cannot even
    # import its main module) it raises BrokenProcessPool instead of hanging.
    with worker_pool(ctx, processes, _init_worker) as pool:
        parts = pool.map(_score_chunk, (texts[s:e] for s, e in bounds))
        try:
            for (_, end), part in zip(bounds, parts):
                results.extend(part)
                if progress is not None:
                    progress(end, total)
        except Exception as exc:
            raise RuntimeError(f"a scoring worker failed: {exc!r}") from exc
    return results


def _score_forked(
    ctx: Any,
    texts: list[str],
    bounds: list[tuple[int, int]],
    processes: int,
    progress: Callable[[int, int], None] | None,
    chunk_fn: Callable[[list[str]], list[Any]] | None = None,
) -> list[Any]:
    """Forked workers take chunk numbers from a shared counter and send back
    ``chunk_fn(chunk)``; the list of those, in input order (without ``chunk_fn``: FastVader
    score tuples, one list). ``chunk_fn`` is inherited, not pickled, so it may be any callable."""
    get_engine()  # build before forking so every child inherits it
    # objects alive now are left out of the children's garbage collections: walking them
    # would write to (and so copy) every inherited page holding one
    gc.freeze()
    counter = ctx.Value("l", 0)
    conns, workers = [], []
    finished = False
    try:
        for _ in range(processes):
            reader, writer = ctx.Pipe(duplex=False)
            # Process args are not pickled under fork: the child inherits `texts`.
            proc = ctx.Process(target=_fork_worker, args=(writer, counter, texts, bounds, chunk_fn), daemon=True)
            proc.start()
            writer.close()
            conns.append(reader)
            workers.append(proc)

        parts: list[list[Any] | None] = [None] * len(bounds)
        total, done = len(texts), 0
        pending = set(conns)
        while pending:
            for conn in wait(list(pending)):
                try:
                    msg = conn.recv()
                except EOFError:
                    raise RuntimeError("a scoring worker exited unexpectedly") from None
                if msg is None:
                    pending.discard(conn)
                elif msg[0] == "error":
                    raise RuntimeError(f"a scoring worker failed:\n{msg[1]}")
                else:
                    k, part = msg
                    parts[k] = part
                    done += bounds[k][1] - bounds[k][0]
                    if progress is not None:
                        progress(done, total)
        finished = True
        if chunk_fn is not None:
            return parts  # one result per chunk, as chunk_fn gave it
        results: list[Any] = []
        for part in parts:
            assert part is not None
            results.extend(part)
        return results
    finally:
        gc.unfreeze()
        for proc in workers:
            if finished:
                proc.join(timeout=5)  # each has said goodbye; let it exit cleanly
            if proc.is_alive():
                proc.terminate()  # failure or interrupt: stop the rest now
            proc.join()
        for conn in conns:
            conn.close()
