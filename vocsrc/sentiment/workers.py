"""A process pool whose workers leave Ctrl-C to their parent.

A terminal's Ctrl-C signals the whole process group. Workers of a ``multiprocessing.Pool``
got it too: each printed its own KeyboardInterrupt traceback, and one interrupted while
sending a result (or terminated there by the pool) left the pool's result thread waiting
for the rest of the message, so the command hung on exit. Here workers ignore SIGINT; the
interrupted parent cancels the chunks not yet started and waits for the running ones (tens
of milliseconds each), so every message arrives whole and the pool shuts down cleanly.
``concurrent.futures`` also raises BrokenProcessPool, rather than hanging, if a worker dies.

forkmap.py and parallel._score_forked need none of this: each child has its own pipe, which
the interrupted parent simply stops reading before it stops the child.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any


def ignore_interrupt() -> None:
    """Leave SIGINT (Ctrl-C) to the parent process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    ignore_interrupt()
    if initializer is not None:
        initializer(*initargs)


@contextmanager
def worker_pool(ctx: Any, processes: int, initializer: Callable[..., Any] | None = None,
                initargs: tuple = ()) -> Iterator[ProcessPoolExecutor]:
    """A ProcessPoolExecutor on ``ctx`` (a multiprocessing context) whose workers ignore
    SIGINT; leaving the block by an exception (KeyboardInterrupt too) cancels the work
    not yet started. ``initializer`` must be a module-level function under forkserver or
    spawn, which pickle it."""
    pool = ProcessPoolExecutor(processes, mp_context=ctx, initializer=_start, initargs=(initializer, initargs))
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
