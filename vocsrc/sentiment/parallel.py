"""Score many texts with FastVader on several cores.

Used by the import pipeline and by rescoring.  Work goes out in chunks (one task
per chunk, not per text) so inter-process traffic stays small; with the "fork"
start method the texts are not sent at all: workers inherit them and receive
only index ranges, and only the score tuples travel back.

Forking a process that runs other threads (Streamlit does) can deadlock a child
on a lock some thread held at fork time, so "fork" is only used when the caller
is single-threaded; otherwise a forkserver (POSIX) or spawn is used.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .fastvader import Scores, get_engine

DEFAULT_CHUNK_SIZE = 500

# Texts visible to forked workers; set only while a fork-mode pool is alive.
_shared_texts: Sequence[str] | None = None
_fork_lock = threading.Lock()


def _init_worker() -> None:
    get_engine()  # load the lexicon once per worker, not inside the first task


def _score_range(bounds: tuple[int, int]) -> list[Scores]:
    start, end = bounds
    assert _shared_texts is not None
    return list(map(get_engine().scores_tuple, _shared_texts[start:end]))


def _score_chunk(chunk: list[str]) -> list[Scores]:
    return list(map(get_engine().scores_tuple, chunk))


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
    in this process.  ``progress(done, total)`` is called in this process after
    each chunk.  ``start_method`` overrides the multiprocessing start method.
    """
    texts = texts if isinstance(texts, list) else list(texts)
    total = len(texts)
    chunk_size = max(1, int(chunk_size))
    bounds = [(s, min(s + chunk_size, total)) for s in range(0, total, chunk_size)]
    if processes is None:
        processes = os.cpu_count() or 1
    processes = max(1, min(int(processes), len(bounds)))

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
        global _shared_texts
        with _fork_lock:
            get_engine()  # build before forking so every child inherits it
            _shared_texts = texts
            try:
                with ctx.Pool(processes) as pool:
                    _collect(pool.imap(_score_range, bounds), bounds, results, total, progress)
            finally:
                _shared_texts = None
        return results

    with ctx.Pool(processes, initializer=_init_worker) as pool:
        chunks = (texts[s:e] for s, e in bounds)
        _collect(pool.imap(_score_chunk, chunks), bounds, results, total, progress)
    return results


def _collect(
    parts: Any,
    bounds: list[tuple[int, int]],
    results: list[Scores],
    total: int,
    progress: Callable[[int, int], None] | None,
) -> None:
    for (_, end), part in zip(bounds, parts):
        results.extend(part)
        if progress is not None:
            progress(end, total)
