"""The demo customer file: who the customers are, what they are worth, who left.

Leaving follows experience: each customer's chance of leaving after their
last piece of feedback depends on the band of their most recent score
(NPS, else CSAT, else stars), at the yearly rates in ``STORIES["churn"]``,
so passives leave more often than promoters and detractors more still.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from vocsrc.demo.generate import build
from vocsrc.demo.stories import DEFAULT_TODAY, describe_stories

# Spend over a year by segment: median and spread of a lognormal.
REVENUE = {"Consumer": (320.0, 0.8), "Small business": (2400.0, 0.7), "Premium": (5200.0, 0.5)}
PRODUCTS_EXTRA = {"Consumer": 0.8, "Small business": 1.5, "Premium": 2.5}


def _latest_band(feedback: pd.DataFrame) -> pd.Series:
    """Each customer's band from their most recent scored response."""
    scored = feedback.loc[feedback[["nps", "csat", "stars"]].notna().any(axis=1),
                          ["customer_id", "received_at", "nps", "csat", "stars"]]
    last = scored.sort_values("received_at").groupby("customer_id").tail(1)
    nps = last["nps"].to_numpy(dtype=float, na_value=np.nan)
    five = last["csat"].fillna(last["stars"]).to_numpy(dtype=float, na_value=np.nan)
    band = np.where(~np.isnan(nps),
                    np.where(nps >= 9, "promoter", np.where(nps >= 7, "passive", "detractor")),
                    np.where(five >= 4, "promoter", np.where(five == 3, "passive", "detractor")))
    return pd.Series(band, index=last["customer_id"].to_numpy())


def generate_customers(seed: int = 7, scale: float = 1.0,
                       today: dt.date = DEFAULT_TODAY) -> pd.DataFrame:
    """One row per customer in the pool the demo feedback draws on.

    Columns: customer_id, joined_at, left_at (NaT while still a customer),
    status ('Active' or 'Left'), segment ('Consumer', 'Small business',
    'Premium'), revenue_12m (pounds over the last 12 months), products_held,
    region.
    """
    feedback, pool = build(seed, scale, today)
    rng = np.random.default_rng([seed, 1])
    now = pd.Timestamp(today)
    n = len(pool)
    ids = pool["customer_id"].to_numpy()
    seen = feedback.groupby("customer_id")["received_at"].agg(["min", "max"])
    first = seen["min"].reindex(ids).dt.normalize()
    last = seen["max"].reindex(ids).dt.normalize()

    # Nobody gives feedback before they join.
    joined = pool["joined_at"].dt.normalize()
    early = first.notna().to_numpy() & (joined.to_numpy() > first.to_numpy())
    joined = joined.to_numpy().copy()
    joined[early] = (first.to_numpy()[early]
                     - pd.to_timedelta(rng.integers(7, 366, early.sum()), unit="D").to_numpy())

    rates = describe_stories(today)["churn"]["annual_leave_rate"]
    band = _latest_band(feedback).reindex(ids).fillna("no feedback").to_numpy()
    rate = np.array([rates[b] for b in band])
    # Customers without feedback may leave at any point in the data's span.
    start = feedback["received_at"].min().normalize()
    from_when = np.where(last.notna().to_numpy(), last.to_numpy(),
                         np.maximum(joined, start.to_datetime64()))
    wait_days = rng.exponential(365.25 / rate)
    left = pd.to_datetime(from_when) + pd.to_timedelta(np.ceil(wait_days), unit="D")
    has_left = (left <= now)
    left_at = pd.Series(left).where(has_left)

    segment = pool["segment"].to_numpy()
    median = np.array([REVENUE[s][0] for s in segment])
    spread = np.array([REVENUE[s][1] for s in segment])
    revenue = median * np.exp(rng.normal(0, 1, n) * spread)
    # Spend counts only the part of the last 12 months they were still a customer.
    year_ago = now - pd.Timedelta(days=365)
    active_days = (left_at.fillna(now) - pd.Series(joined).clip(lower=year_ago)).dt.days
    revenue *= np.clip(active_days.to_numpy() / 365, 0, 1)
    extra = np.array([PRODUCTS_EXTRA[s] for s in segment])
    products = np.minimum(1 + rng.poisson(extra), 8)

    return pd.DataFrame({
        "customer_id": pd.array(ids, dtype="string"),
        "joined_at": pd.to_datetime(joined).astype("datetime64[us]"),
        "left_at": left_at.astype("datetime64[us]").to_numpy(),
        "status": pd.array(np.where(has_left, "Left", "Active"), dtype="string"),
        "segment": pd.array(segment, dtype="string"),
        "revenue_12m": np.round(revenue, 2),
        "products_held": pd.array(products, dtype="Int64"),
        "region": pd.array(pool["region"].to_numpy(), dtype="string"),
    })
