"""The global filters every page and the CLI share, turned into SQL + parameters.

Like Datasette's filters module: one small value in, a WHERE clause with bound
parameters out. Column names come only from ``DIMENSIONS``; values never touch
the SQL text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

# Filterable columns of ``feedback`` (the allow-list for identifiers).
DIMENSIONS: dict[str, str] = {
    "kind": "Kind",
    "source": "Source",
    "function": "Business function",
    "channel": "Channel",
    "product": "Product",
    "region": "Region",
}


@dataclass(frozen=True)
class Filters:
    """What the user is looking at. Empty tuples mean 'all'."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    kind: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    function: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    product: tuple[str, ...] = ()
    region: tuple[str, ...] = ()

    def where(self, alias: str = "", date_column: str = "received_at") -> tuple[str, list]:
        """SQL condition (never empty: 'true' when nothing is chosen) and its parameters."""
        prefix = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list = []
        if self.date_from:
            parts.append(f"{prefix}{date_column} >= ?")
            params.append(dt.datetime.combine(self.date_from, dt.time()))
        if self.date_to:
            parts.append(f"{prefix}{date_column} < ?")
            params.append(dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time()))
        for dim in DIMENSIONS:
            chosen = getattr(self, dim)
            if chosen:
                parts.append(f"{prefix}{dim} IN ({', '.join('?' for _ in chosen)})")
                params.extend(chosen)
        return (" AND ".join(parts) or "true"), params

    def window(self, lo: dt.date | None, hi: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
        """The first and last day with data this selection can hold: its dates, within the
        data's own ``lo``..``hi`` (a window reaching past the data holds no more of it)."""
        first = max(self.date_from, lo) if self.date_from and lo else self.date_from or lo
        last = min(self.date_to, hi) if self.date_to and hi else self.date_to or hi
        return first, last

    def with_(self, **changes: object) -> "Filters":
        return replace(self, **{k: tuple(v) if isinstance(v, (list, set)) else v for k, v in changes.items()})

    def describe(self) -> str:
        """Plain words for captions: which slice of the data a figure covers."""
        bits = []
        if self.date_from or self.date_to:
            bits.append(f"{self.date_from or 'start'} to {self.date_to or 'latest'}")
        for dim, label in DIMENSIONS.items():
            chosen = getattr(self, dim)
            if chosen:
                bits.append(f"{label.lower()}: {', '.join(chosen)}")
        return "; ".join(bits) or "all data"
