"""Complaint figures per group (the CLI's JSON and the page's table) and taxonomy health.

Shares are fractions 0-1 and None where the data cannot tell: no customer ids
means no repeat share; no classified drivers means no failure-demand share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from vocsrc.complaints.config import load_config
from vocsrc.complaints.queries import summary_counts, taxonomy_counts
from vocsrc.complaints.signals import TEST_NAME, rising_drivers
from vocsrc.config import MIN_N_SHARE
from vocsrc.filters import Filters
from vocsrc.stats import wilson

BY_CHOICES = ("function", "driver", "channel")


def _share(k: int, n: int) -> float | None:
    return round(k / n, 6) if n else None


def group_summaries(con: duckdb.DuckDBPyConnection, filters: Filters, by: str | None = None,
                    driver: str = "category") -> list[dict]:
    """One dict per group: volume, the four shares, and the drivers flagged as rising in it."""
    if by is not None and by not in BY_CHOICES:
        raise ValueError(f"--by must be one of {', '.join(BY_CHOICES)}")
    counts = summary_counts(con, filters, by)
    if by == "driver":
        flagged_all = {s.driver: s for s in rising_drivers(con, filters, driver) if s.flagged}
        flags = {g: [g] if g in flagged_all else [] for g in counts["group"]}
    else:
        flags = {}
        for s in rising_drivers(con, filters, driver, by=by):
            if s.flagged:
                flags.setdefault(s.group, []).append(s.driver)
    out = []
    for r in counts.itertuples():
        out.append({
            "group": r.group,
            "volume": int(r.volume),
            "failure_demand_share": _share(int(r.failure), int(r.failure + r.value)),
            "closed_in_time_share": _share(int(r.in_time), int(r.in_time_known)),
            "repeat_share": _share(int(r.repeats), int(r.repeat_known)),
            "flagged": sorted(flags.get(r.group, [])),
            "classified_drivers": int(r.failure + r.value),
            "closed_in_time_known": int(r.in_time_known),
            "with_customer_id": int(r.repeat_known),
            "timely_share": _share(int(r.timely), int(r.timely_known)),
            "disputed_share": _share(int(r.disputed), int(r.disputed_known)),
            "disputed_known": int(r.disputed_known),
            "first": r.first.date().isoformat() if pd.notna(r.first) else None,
            "last": r.last.date().isoformat() if pd.notna(r.last) else None,
        })
    return out


def method_note(by: str | None = None) -> dict:
    cfg = load_config()
    return {
        "failure_demand_share": "complaints whose sub-issue, category or theme is classed failure demand, "
                                f"of those classed at all (map: {cfg.source_file})",
        "closed_in_time_share": "closed within the source's deadline (default "
                                f"{cfg.default_deadline_days} days; "
                                + ", ".join(f"{k}: {v} days" for k, v in cfg.deadline_by_source.items())
                                + "), else the source's own timely flag, else open past the deadline = late",
        "repeat_share": f"complaints from a customer who complained within {cfg.repeat_window_days} days before",
        "flagged": f"{TEST_NAME} at q = {cfg.q}",
    }


@dataclass(frozen=True)
class TaxonomyHealth:
    level: str
    total: int
    uncategorised: int  # blank or an 'other'-like name
    uncategorised_share: float | None
    in_use: int  # categories holding at least in_use_share of complaints
    categories: int
    top_name: str | None
    top_share: float | None
    first_name: str | None  # alphabetically first: the top of most pick-lists
    first_share: float | None
    median_share: float | None
    warnings: tuple[str, ...]


def taxonomy_health(con: duckdb.DuckDBPyConnection, filters: Filters, level: str = "category") -> TaxonomyHealth:
    """Is the category list one people can use? Uncategorised share, first-option bias, too few/many."""
    cfg = load_config()
    frame = taxonomy_counts(con, filters, level)
    total = int(frame["count"].sum()) if not frame.empty else 0
    if not total:
        return TaxonomyHealth(level, 0, 0, None, 0, 0, None, None, None, None, None, ())
    names = frame["name"].fillna("")
    # 'Other', 'Other features, terms, or problems', 'Unknown': a bucket, not a category.
    # A name that merely contains the word ('... or other personal reports') is a real category.
    other = names.str.lower().str.strip().map(
        lambda n: not n or any(n == w or re.match(re.escape(w) + r"\b", n) for w in cfg.other_words))
    uncategorised = int(frame.loc[other, "count"].sum())
    named = frame.loc[~other].copy()
    shares = named["count"] / total
    in_use = int((shares >= cfg.in_use_share).sum())
    top = named.iloc[0] if len(named) else None
    first = named.sort_values("name").iloc[0] if len(named) else None
    median = float(shares.median()) if len(shares) else None
    warnings: list[str] = []
    if uncategorised / total > 0.1:
        warnings.append(f"{uncategorised / total:.0%} uncategorised or 'other': the list misses what people complain about")
    if top is not None and top["count"] / total > cfg.dominant_share:
        warnings.append(f"'{top['name']}' holds {top['count'] / total:.0%}: a default pick, or a category worth splitting")
    if first is not None and median and len(named) >= 3 and first["count"] / total > 3 * median \
            and first["name"] != (top["name"] if top is not None else None):
        warnings.append(f"the alphabetically first category '{first['name']}' holds {first['count'] / total:.0%}, "
                        f"over 3x the median category: possible first-option bias")
    if in_use < cfg.min_categories:
        warnings.append(f"only {in_use} categories in use (at least {cfg.in_use_share:.0%} each): too coarse to steer by")
    if in_use > cfg.max_categories:
        warnings.append(f"{in_use} categories in use: too many to pick consistently")
    return TaxonomyHealth(
        level=level, total=total, uncategorised=uncategorised, uncategorised_share=uncategorised / total,
        in_use=in_use, categories=len(named),
        top_name=None if top is None else str(top["name"]),
        top_share=None if top is None else float(top["count"] / total),
        first_name=None if first is None else str(first["name"]),
        first_share=None if first is None else float(first["count"] / total),
        median_share=median, warnings=tuple(warnings))


MEASURES = {
    "failure_demand": ("failure", "classified", "Failure demand"),
    "closed_in_time": ("in_time", "in_time_known", "Closed in time"),
    "repeat": ("repeats", "repeat_known", "Repeat complainants"),
}


def shares_by(con: duckdb.DuckDBPyConnection, filters: Filters, by: str, measure: str,
              min_n: int = MIN_N_SHARE, top: int = 15) -> pd.DataFrame:
    """group, share, low, high, n, solid for one measure, the ``top`` groups by volume.
    Wilson 95% intervals; solid when n >= min_n (below it the page greys the bar)."""
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    k_col, n_col, _ = MEASURES[measure]
    counts = summary_counts(con, filters, by).head(top)
    counts["classified"] = counts["failure"] + counts["value"]
    rows = []
    for r in counts.itertuples():
        k, n = int(getattr(r, k_col)), int(getattr(r, n_col))
        if not n:
            continue
        p, lo, hi = wilson(k, n)
        rows.append({"group": r.group, "share": p, "low": lo, "high": hi, "n": n, "solid": n >= min_n})
    return pd.DataFrame(rows, columns=["group", "share", "low", "high", "n", "solid"])


def headline(con: duckdb.DuckDBPyConnection, filters: Filters, min_n: int = MIN_N_SHARE) -> dict:
    """The page's top row: each share with its n, None where the data cannot tell or n < min_n."""
    from vocsrc.complaints.promises import broken_promise_counts

    rows = group_summaries(con, filters, None)
    if not rows:
        return {"volume": 0}
    r = rows[0]
    bp = broken_promise_counts(con, filters)
    with_text = int(bp["with_text"].sum()) if not bp.empty else 0
    flagged = int(bp["flagged"].sum()) if not bp.empty else 0
    scored = int(bp["scored"].sum()) if not bp.empty else 0

    def solid(share: float | None, n: int) -> float | None:
        return share if share is not None and n >= min_n else None

    return {
        "volume": r["volume"], "first": r["first"], "last": r["last"],
        "failure_demand_share": solid(r["failure_demand_share"], r["classified_drivers"]),
        "failure_demand_n": r["classified_drivers"],
        "closed_in_time_share": solid(r["closed_in_time_share"], r["closed_in_time_known"]),
        "closed_in_time_n": r["closed_in_time_known"],
        "repeat_share": solid(r["repeat_share"], r["with_customer_id"]), "repeat_n": r["with_customer_id"],
        "broken_promise_share": solid(_share(flagged, with_text), with_text), "broken_promise_n": with_text,
        "broken_promise_scored": scored,
        "disputed_share": solid(r["disputed_share"], r["disputed_known"]), "disputed_n": r["disputed_known"],
    }
