"""The stories planted in the demo data, so tests and pages can find them.

Counts are at scale 1.0 and scale with ``scale``. Periods are relative to
``today`` (the last day of the data); with the default
``today = 2026-10-31`` the data runs from 2024-11-01 and the stories are:

a) ``middle_slips`` - Deliveries, surveys, NPS. Over the last 6 months
   (2026-05..2026-10) a growing share of passives (20% of them in May, 40% by
   October, 30% on average) become half promoters (mostly 9) and half 5-6
   detractors (mostly 5), so passives fall from ~35% to ~25% while NPS stays flat
   (within ~1 point) against the 6 months before (2025-11..2026-04). The mean
   barely moves; the spread widens.
b) ``app_fix`` - Online & app, surveys, NPS. A fix to the app ships in
   2026-03: from that month on passives fall from ~40% to ~28% and promoters
   rise from ~30% to ~44%; comments mention "the new app" / "since the
   update"; App store review stars rise from the same month.
c) ``broken_callbacks`` - Customer service complaints, 2026-07 and 2026-08:
   about 120 extra complaints a month with category "Callback not made" (the
   baseline is ~7 a month), narratives about callbacks promised and never
   made, their due dates (the promised callback date) missed: timely False.
d) ``text_disagrees`` - reviews: 300 4-5 star reviews given clearly negative
   text (at risk), 200 3-star reviews negative text (hidden detractors), 200
   3-star reviews positive text (easy to lift), spread over the whole period,
   on top of the natural few percent of mixed comments that a lexicon scorer
   reads against the stars.
e) ``premium_middle`` - the Premium customer segment's survey responses in
   functions other than Deliveries: over the last 6 months 30% of would-be
   passives become half promoters, half 5-6 detractors. Leaving out Online &
   app too (its fix lifts NPS), Premium passives fall ~32% -> ~22% with NPS
   flat; other segments' passives barely move. Join on customer_id to
   ``generate_customers`` for the segment.
f) ``long_standing_bad`` - 15% of the last 90 days' detractor or CSAT 1-2
   survey responses and single complaints from non-Premium customers are
   moved to customers with 8+ years' tenure (Consumer and Small business),
   so about 30% of recent bad experiences (against ~20% of customers) come
   from long-standing customers; tenure is in ``generate_customers``.
g) ``churn`` - in ``generate_customers`` leaving follows the customer's most
   recent score band: the yearly rates below run from their last feedback,
   so by ``today`` about 2.5% of promoters, 5.5% of passives and 11% of
   detractors have left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

DEFAULT_TODAY = dt.date(2026, 10, 31)
MONTHS_OF_DATA = 24


def _month(today: dt.date, back: int) -> str:
    """The month ``back`` months before today's month, as 'YYYY-MM'."""
    return str(pd.Period(today, "M") - back)


def describe_stories(today: dt.date = DEFAULT_TODAY) -> dict[str, dict[str, Any]]:
    """The planted stories with their exact months for data ending at ``today``."""
    return {
        "middle_slips": {
            "kind": "survey",
            "function": "Deliveries",
            "metric": "nps",
            "before": (_month(today, 11), _month(today, 6)),
            "after": (_month(today, 5), _month(today, 0)),
            "share_of_passives_moved": (0.2, 0.4),
            "expect": "passives ~35% -> ~25%; promoters and 5-6 detractors each +~5 points; "
                      "NPS change < 3 points",
        },
        "app_fix": {
            "kind": "survey",
            "function": "Online & app",
            "metric": "nps",
            "fix_month": _month(today, 7),
            "before": (_month(today, 13), _month(today, 8)),
            "after": (_month(today, 7), _month(today, 2)),
            "also": "App store reviews' stars rise from the fix month; comments mention "
                    "'new app' / 'since the update'",
            "expect": "passives ~40% -> ~28%, promoters ~30% -> ~44%",
        },
        "broken_callbacks": {
            "kind": "complaint",
            "function": "Customer service",
            "category": "Callback not made",
            "months": (_month(today, 3), _month(today, 2)),
            "extra_per_month": 120,
            "expect": "~7 a month before, ~125 a month in the two months; timely False",
        },
        "text_disagrees": {
            "kind": "review",
            "at_risk": 300,
            "hidden_detractors": 200,
            "passive_positive": 200,
            "expect": "4-5 stars with negative text; 3 stars with negative or positive text",
        },
        "premium_middle": {
            "kind": "survey",
            "segment": "Premium",
            "metric": "nps",
            "excluding_function": "Deliveries",
            "before": (_month(today, 11), _month(today, 6)),
            "after": (_month(today, 5), _month(today, 0)),
            "share_of_passives_moved": 0.3,
            "expect": "Premium passives fall ~10 points, NPS flat (compare without "
                      "Online & app, whose fix lifts NPS)",
        },
        "long_standing_bad": {
            "segments": ("Consumer", "Small business"),
            "min_tenure_years": 8,
            "window_days": 90,
            "share_of_recent_detractors": 0.15,
        },
        "churn": {
            "annual_leave_rate": {"promoter": 0.05, "passive": 0.10, "detractor": 0.22,
                                  "no feedback": 0.08},
        },
    }


STORIES: dict[str, dict[str, Any]] = describe_stories()
