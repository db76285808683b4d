"""Derived data kept between runs in the user's cache directory ($XDG_CACHE_HOME/vocsrc,
else ~/.cache/vocsrc): worth it for what costs tens of milliseconds or more to build at
every process start (the compiled rule scan, the validated CX lexicon).

Entries are named by a digest of everything they were built from, so a stale one is never
read; a missing, unreadable or unwritable directory only means building again.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    # hashlib's BLAKE2 itself, without hashlib loading OpenSSL (~3 ms of every `score` start)
    from _blake2 import blake2b as _hash
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b as _hash


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "vocsrc"


def digest(*parts: bytes | str) -> str:
    """A short name for these inputs (a NUL between parts, so ("ab", "c") != ("a", "bc"))."""
    h = _hash(digest_size=12)
    for part in parts:
        h.update(part.encode() if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


# entries kept per kind (the name up to its last "-"): every edit of a lexicon or bank makes a
# new one, so the least recently used beyond this many are deleted when one is written
KEEP = 16


def load(name: str) -> bytes | None:
    path = cache_dir() / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        os.utime(path)  # used now: the last to be pruned
    except OSError:
        pass
    return data


def save(name: str, data: bytes) -> None:
    """Write atomically (a reader never sees half a file) and prune the kind's oldest entries;
    give up quietly on a read-only home."""
    path = cache_dir() / name
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        kind = name.rsplit("-", 1)[0]
        entries = sorted(path.parent.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def load_value(name: str) -> object | None:
    """A value ``save_value`` wrote, or None when the entry is missing, damaged (its checksum
    fails) or unreadable. An entry is its payload's digest (24 bytes), then the payload (marshal)."""
    data = load(name)
    if data is None or data[:24] != digest(data[24:]).encode():
        return None
    import marshal

    try:
        return marshal.loads(data[24:])
    except (EOFError, ValueError, TypeError):
        return None


def save_value(name: str, value: object) -> None:
    """Keep ``value`` (what marshal can write: dicts, lists, tuples, numbers, strings) under
    ``name``, checksummed; a value marshal cannot write is not kept."""
    import marshal

    try:
        payload = marshal.dumps(value)
    except ValueError:
        return
    save(name, digest(payload).encode() + payload)
