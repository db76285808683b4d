"""Pack periods: 'YYYY-MM' or 'YYYY-Qn', and the period just before it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from vocsrc.errors import VocError

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Period:
    label: str
    grain: str  # "month" | "quarter" (the names vocsrc.middle.in_period knows)
    start: dt.date
    end: dt.date  # inclusive

    @property
    def range_text(self) -> str:
        return f"{self.start:%Y-%m-%d} to {self.end:%Y-%m-%d}"


def _month_end(y: int, m: int) -> dt.date:
    return dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)


def parse_period(text: str) -> Period:
    """'2026-07' or '2026-Q3' -> Period; anything else is refused with the accepted forms."""
    text = (text or "").strip()
    if m := _MONTH.match(text):
        y, mo = int(m.group(1)), int(m.group(2))
        return Period(f"{y}-{mo:02d}", "month", dt.date(y, mo, 1), _month_end(y, mo))
    if m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        return Period(f"{y}-Q{q}", "quarter", dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    raise VocError(f"period {text!r} is not a month like 2026-07 or a quarter like 2026-Q3")


def previous_period(p: Period) -> Period:
    if p.grain == "month":
        y, m = p.start.year, p.start.month
        return parse_period(f"{y - (m == 1)}-{(m - 2) % 12 + 1:02d}")
    y, q = p.start.year, (p.start.month - 1) // 3 + 1
    return parse_period(f"{y - (q == 1)}-Q{(q - 2) % 4 + 1}")


def recent_periods(latest: dt.date, grain: str = "quarter", count: int = 8) -> list[str]:
    """Labels of the ``count`` periods up to the one holding ``latest``, newest first (for pickers)."""
    label = f"{latest:%Y-%m}" if grain == "month" else f"{latest.year}-Q{(latest.month - 1) // 3 + 1}"
    p = parse_period(label)
    out = []
    for _ in range(count):
        out.append(p.label)
        p = previous_period(p)
    return out


def partial_periods(labels: Iterable[str], first: dt.date | None, last: dt.date | None) -> list[str]:
    """The month, quarter or year labels among ``labels`` that the data covers only in part: the
    period starts before ``first`` or ends after ``last`` (the first and last day of data in
    the selection). A chart that puts such a period beside full ones shows it lower for
    lack of days, so it says so. Other labels (functions, sources) are never partial."""
    out = []
    for label in map(str, labels):
        if _YEAR.match(label):
            start, end = dt.date(int(label), 1, 1), dt.date(int(label), 12, 31)
        else:
            try:
                p = parse_period(label)
            except VocError:
                continue
            label, start, end = p.label, p.start, p.end
        if (first is not None and start < first) or (last is not None and end > last):
            out.append(label)
    return sorted(out)


def partial_note(partial: list[str], first: dt.date | None, last: dt.date | None) -> str:
    """The caption's sentence on ``partial_periods``: '' when there are none."""
    if not partial:
        return ""
    verb = "is" if len(partial) == 1 else "are"
    return f"{' and '.join(partial)} {verb} partial: the data runs {first} to {last}"
