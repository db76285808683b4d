"""``chunk_fn`` over chunks of texts on several cores with plain ``os.fork`` and pipes.

For document.map_chunks when the caller is single-threaded and fork exists. Same idea as
parallel._score_forked (children inherit the texts and the loaded lexicons, take chunk
numbers as they free up, send back only results) without multiprocessing, whose imports
(multiprocessing, concurrent.futures, ctypes for the shared counter) took ~30 ms of a
``score -`` run, about as long as scoring 2,000 comments:

* chunk numbers ("tickets") are written to a pipe before forking; each process reads one
  4-byte ticket at a time (a pipe read is atomic, so each ticket goes to exactly one process)
  and stops at end of file. A shared counter without ctypes or locks.
* the parent takes tickets too (``parent_works``), between chunks draining the children's
  result pipes (enlarged to 1 MiB where Linux allows, so a child seldom waits on it).
* children leave with ``os._exit``: no interpreter teardown, no flushing of inherited
  stdio buffers.

``fork_map`` returns None when the tickets do not fit in a pipe (the caller then uses its
multiprocessing path, as for a multi-million-text import).
"""

from __future__ import annotations

import gc
import os
import select
import struct
import sys
from collections.abc import Callable
from typing import Any

_TICKET = struct.Struct("<I")
_HEAD = struct.Struct("<IIB")  # chunk number, payload length, kind
_END = 0xFFFFFFFF  # chunk number of a child's last message (payload: its error, if any)
_STR, _PICKLE, _BYTES = 0, 1, 2
_PIPE_SIZE = 1 << 20


def _grow(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_SIZE)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass  # not Linux, or above the system's limit: the default size works, a little slower


def _tickets(n: int) -> int | None:
    """A pipe's read end holding the tickets 0..n-1 (write end closed), or None if they do not fit."""
    r, w = os.pipe()
    _grow(w)
    data = b"".join(_TICKET.pack(k) for k in range(n))
    try:
        os.set_blocking(w, False)
        written = os.write(w, data) if data else 0
    except BlockingIOError:
        written = -1
    finally:
        os.close(w)
    if written != len(data):
        os.close(r)
        return None
    return r


def _take(fd: int) -> int | None:
    got = os.read(fd, _TICKET.size)
    if not got:
        return None
    if len(got) != _TICKET.size:  # cannot happen: whole tickets, read under the pipe's lock
        raise RuntimeError("a torn ticket")
    return _TICKET.unpack(got)[0]


def _encode(k: int, result: Any) -> bytes:
    if type(result) is bytes:
        payload, kind = result, _BYTES
    elif type(result) is str:
        payload, kind = result.encode("utf-8", "surrogatepass"), _STR
    else:
        import pickle

        payload, kind = pickle.dumps(result, pickle.HIGHEST_PROTOCOL), _PICKLE
    return _HEAD.pack(k, len(payload), kind) + payload


def _decode(kind: int, payload: bytes) -> Any:
    if kind == _BYTES:
        return payload
    if kind == _STR:
        return payload.decode("utf-8", "surrogatepass")
    import pickle

    return pickle.loads(payload)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _child(tickets: int, out: int, items: list[str], bounds: list[tuple[int, int]],
           chunk_fn: Callable[[list[str]], Any]) -> None:
    error = b""
    try:
        while (k := _take(tickets)) is not None:
            a, b = bounds[k]
            _write_all(out, _encode(k, chunk_fn(items[a:b])))
    except BaseException:  # report it: the parent raises it rather than waiting forever
        import traceback

        error = traceback.format_exc().encode("utf-8", "replace")
    _write_all(out, _HEAD.pack(_END, len(error), _STR) + error)


class _Reader:
    """One child's result pipe: bytes in, whole messages out."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.buf = bytearray()
        self.ended = False
        self.error: str | None = None

    def pump(self, parts: list[Any], on_part: Callable[[int], None]) -> bool:
        """Read what is there; store whole results in ``parts``. False at end of file."""
        data = os.read(self.fd, _PIPE_SIZE)
        if not data:
            return False
        buf = self.buf
        buf += data
        pos = 0
        while len(buf) - pos >= _HEAD.size:
            k, size, kind = _HEAD.unpack_from(buf, pos)
            end = pos + _HEAD.size + size
            if len(buf) < end:
                break
            payload = bytes(buf[pos + _HEAD.size:end])
            pos = end
            if k == _END:
                self.ended = True
                if payload:
                    self.error = payload.decode("utf-8", "replace")
            else:
                parts[k] = _decode(kind, payload)
                on_part(k)
        del buf[:pos]
        return True


def fork_map(items: list[str], bounds: list[tuple[int, int]], chunk_fn: Callable[[list[str]], Any],
             processes: int, progress: Callable[[int, int], None] | None = None,
             parent_works: bool = True) -> list[Any] | None:
    """``[chunk_fn(items[a:b]) for a, b in bounds]`` on ``processes`` processes (this one among
    them when ``parent_works``), or None when the chunk numbers do not fit in a pipe.
    ``progress(done, total)`` counts texts, called in this process. A chunk that raises, in a
    child, raises RuntimeError here with the child's traceback; a child that dies, too."""
    tickets = _tickets(len(bounds))
    if tickets is None:
        return None
    total = len(items)
    parts: list[Any] = [None] * len(bounds)
    done = 0

    def on_part(k: int) -> None:
        nonlocal done
        done += bounds[k][1] - bounds[k][0]
        if progress is not None:
            progress(done, total)

    readers: list[_Reader] = []
    sys.stdout.flush()  # (children never flush: they leave by os._exit)
    sys.stderr.flush()
    # objects alive now are left out of the children's garbage collections: walking them
    # would write to (and so copy) every inherited page holding one
    gc.freeze()
    finished = False
    try:
        for _ in range(processes - 1 if parent_works else processes):
            r, w = os.pipe()
            _grow(w)
            pid = os.fork()
            if pid == 0:  # the child: never returns
                code = 0
                try:
                    os.close(r)
                    for other in readers:
                        os.close(other.fd)
                    _child(tickets, w, items, bounds, chunk_fn)
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            os.close(w)
            readers.append(_Reader(pid, r))
        open_ = {rd.fd: rd for rd in readers}

        def drain(timeout: float | None) -> None:
            ready, _, _ = select.select(list(open_), [], [], timeout)
            for fd in ready:
                rd = open_[fd]
                if not rd.pump(parts, on_part):
                    del open_[fd]
                    if rd.error is not None:
                        raise RuntimeError(f"a scoring worker failed:\n{rd.error}")
                    if not rd.ended:
                        raise RuntimeError("a scoring worker exited unexpectedly")

        if parent_works:
            while (k := _take(tickets)) is not None:
                a, b = bounds[k]
                parts[k] = chunk_fn(items[a:b])
                on_part(k)
                if open_:
                    drain(0)
        while open_:
            drain(None)
        finished = True
        return parts
    finally:
        gc.unfreeze()
        os.close(tickets)
        for rd in readers:
            if not finished:
                try:
                    os.kill(rd.pid, 15)  # failure or interrupt: stop the rest now
                except OSError:
                    pass
            try:
                os.waitpid(rd.pid, 0)
            except ChildProcessError:
                pass
            try:
                os.close(rd.fd)
            except OSError:
                pass
