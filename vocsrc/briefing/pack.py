"""The briefing pack: one business function (or any segment value), one period against the one
before, as plain frozen values. Built once by ``build.build_pack``, rendered by one module per
format, so the screen, HTML, PDF, PowerPoint and Markdown never disagree on a number.

Every figure is a ``Figure``: value and interval with n, period, method and data freshness, so a
renderer can always print the footnote next to it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vocsrc.stats.sentences import fmt_pct, fmt_points

if TYPE_CHECKING:
    from vocsrc.customer_base import CustomerSection


@dataclass(frozen=True)
class Figure:
    """A number a reader sees. ``unit``: "share" (0..1), "points" (NPS), "stars" (mean), "count"."""

    label: str
    value: float
    low: float | None
    high: float | None
    n: int
    period: str
    method: str
    freshness: str
    solid: bool
    unit: str = "share"

    def fmt(self, x: float | None = None) -> str:
        x = self.value if x is None else x
        if x is None or (isinstance(x, float) and math.isnan(x)):
            return "n/a"
        if self.unit == "share":
            return fmt_pct(x)
        if self.unit == "stars":
            return f"{x:.2f}"
        if self.unit == "count":
            return f"{int(x):,}"
        return fmt_points(x)

    @property
    def text(self) -> str:
        """ "62% (95% interval 58% to 66%)" or just the value when there is no interval."""
        if self.low is None or self.high is None:
            return self.fmt()
        return f"{self.fmt()} (interval {self.fmt(self.low)} to {self.fmt(self.high)})"

    @property
    def footnote(self) -> str:
        from vocsrc.stats import footnote

        note = footnote(self.n, self.period, self.method, self.freshness)
        return note if self.solid else f"{note} · too few responses to rely on"


@dataclass(frozen=True)
class Headline:
    """One plain sentence with the figures behind it (current, and the previous period's)."""

    metric: str
    sentence: str
    current: Figure
    previous: Figure | None
    significant: bool | None  # None: too few responses to test
    extra: tuple[str, ...] = ()  # the second headline (stars' % 4-5), really happy, ...


@dataclass(frozen=True)
class ChartSpec:
    """A chart by name, built by ``vocsrc.charts`` once: every renderer draws this same definition.
    Compared by name only: Altair charts do not compare or hash."""

    name: str
    title: str
    chart: Any = field(compare=False, hash=False)  # alt.TopLevelMixin
    footnote: str = ""
    alt_text: str = ""


@dataclass(frozen=True)
class ThemeImpact:
    theme: str
    impact: Figure  # points (NPS with the theme minus without), interval from the change test
    mentions: int
    significant: bool  # after Benjamini-Hochberg across the themes scanned


@dataclass(frozen=True)
class MiddleTheme:
    """A theme the middle band mentions more than the top band: what holds passives back."""

    theme: str
    middle_share: Figure
    top_share: Figure
    beyond_noise: bool


@dataclass(frozen=True)
class DriverChange:
    driver: str
    previous: int
    current: int
    p_value: float
    rising: bool  # beyond noise after Benjamini-Hochberg across drivers
    timely_share: float | None


@dataclass(frozen=True)
class ComplaintsSection:
    volume: Figure
    previous_volume: int
    drivers: tuple[DriverChange, ...]
    shares: tuple[Figure, ...]  # failure demand, closed in time, repeats, timely ... where known
    sentences: tuple[str, ...]
    source: str  # which functions made it: 'vocsrc.complaints' or the fallback


@dataclass(frozen=True)
class Verbatim:
    feedback_id: str
    tone: str  # "bad" | "middle" | "good"
    band: str  # e.g. "Detractor (0-6)", "3 stars", "Complaint"
    source: str
    before: str  # redacted, trimmed; the evidence sentence sits between before and after
    evidence: str
    after: str
    meta: str

    @property
    def text(self) -> str:
        return f"{self.before}{self.evidence}{self.after}"


@dataclass(frozen=True)
class Question:
    text: str
    because: str  # the figure or finding that raised it


@dataclass(frozen=True)
class Action:
    """One line of the 'you said, we did' log, kept in DuckDB and edited in the app."""

    action_id: int
    function: str
    period: str
    you_said: str
    we_did: str
    owner: str
    status: str  # "planned" | "in progress" | "done"
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class Pack:
    function: str
    dimension: str  # "function" unless another segment column was chosen
    period: str
    previous_period: str
    period_range: str  # "2026-07-01 to 2026-09-30"
    freshness: str
    generated_for: dt.date  # 'today' as passed in; packs never read the clock
    seed: int
    include_text: bool
    metric: str  # the metric the distribution, middle and theme sections use
    headlines: tuple[Headline, ...]
    distribution: tuple[Figure, ...]  # band shares, current period
    middle_sentences: tuple[str, ...]  # how the middle moved (band changes, step scan)
    changes: tuple[str, ...]  # significant changes only
    themes_negative: tuple[ThemeImpact, ...]
    themes_positive: tuple[ThemeImpact, ...]
    middle_themes: tuple[MiddleTheme, ...]
    complaints: ComplaintsSection | None
    verbatims: tuple[Verbatim, ...]
    questions: tuple[Question, ...]
    actions: tuple[Action, ...]
    charts: tuple[ChartSpec, ...]
    notes: tuple[str, ...] = ()  # method notes printed at the end of every format
    # 'Our customers' (vocsrc.customer_base.briefing_section): None in packs built without it;
    # ``available`` is False when the store has no customer file.
    customers: CustomerSection | None = None

    @property
    def title(self) -> str:
        return f"{self.function}: customer briefing, {self.period}"

    @property
    def subtitle(self) -> str:
        return f"{self.period} ({self.period_range}) against {self.previous_period} · data to {self.freshness}"

    def chart(self, name: str) -> ChartSpec | None:
        return next((c for c in self.charts if c.name == name), None)
