"""Constants and vectorised helpers shared by the demo generators."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from vocsrc.demo.texts import PRODUCT_ITEMS
from vocsrc.store.schema import FEEDBACK_FIELDS

FUNCTIONS = ("Billing", "Deliveries", "Customer service", "Online & app", "Stores", "Claims")
CHANNELS = ("Phone", "Web", "App", "Store")
REGIONS = ("North", "Central", "South")
PRODUCTS = tuple(PRODUCT_ITEMS)
SEGMENTS = ("Consumer", "Small business", "Premium")
COLUMNS = ("feedback_id", "kind", "source", *FEEDBACK_FIELDS)

# Volumes at scale 1.0.
N_CUSTOMERS = 30_000
N_RELATIONSHIP = 22_000
N_TRANSACTIONAL = 38_000
N_APP_REVIEWS = 7_000
N_TRUSTPILOT = 13_000
N_COMPLAINTS = 7_800  # before the callback spike's extra rows

_F = {name: i for i, name in enumerate(FUNCTIONS)}
DELIVERIES, ONLINE, SERVICE = _F["Deliveries"], _F["Online & app"], _F["Customer service"]

CHANNEL_MIX = np.array([
    [0.45, 0.35, 0.15, 0.05],  # Billing
    [0.35, 0.35, 0.25, 0.05],  # Deliveries
    [0.60, 0.20, 0.10, 0.10],  # Customer service
    [0.04, 0.46, 0.50, 0.00],  # Online & app
    [0.05, 0.05, 0.05, 0.85],  # Stores
    [0.60, 0.30, 0.10, 0.00],  # Claims
])
# Columns follow PRODUCTS: TV, laptops, kitchen, laundry, phones, care plan.
PRODUCT_MIX = np.array([
    [0.15, 0.15, 0.20, 0.15, 0.20, 0.15],
    [0.25, 0.05, 0.35, 0.30, 0.05, 0.00],
    [0.18, 0.15, 0.20, 0.17, 0.15, 0.15],
    [0.20, 0.25, 0.15, 0.10, 0.30, 0.00],
    [0.25, 0.25, 0.10, 0.05, 0.35, 0.00],
    [0.05, 0.05, 0.15, 0.15, 0.00, 0.60],
])
SURVEY_FUNCTION_MIX = np.array([0.18, 0.22, 0.22, 0.18, 0.12, 0.08])
TRUSTPILOT_FUNCTION_MIX = np.array([0.10, 0.25, 0.20, 0.15, 0.15, 0.15])
APP_REVIEW_FUNCTION_MIX = np.array([0.10, 0.10, 0.05, 0.75, 0.00, 0.00])
COMPLAINT_FUNCTION_MIX = np.array([0.22, 0.22, 0.20, 0.12, 0.08, 0.16])

# NPS bands per function before any story: 0-4, 5-6, 7-8, 9-10.
NPS_BANDS = np.array([
    [0.14, 0.16, 0.34, 0.36],
    [0.10, 0.15, 0.35, 0.40],
    [0.13, 0.15, 0.33, 0.39],
    [0.12, 0.18, 0.40, 0.30],
    [0.07, 0.11, 0.32, 0.50],
    [0.18, 0.17, 0.32, 0.33],
])
ONLINE_AFTER_FIX = np.array([0.11, 0.17, 0.28, 0.44])
# How each band spreads over its scores (0-4, 5-6, 7-8, 9-10).
NPS_WITHIN = (np.array([0.30, 0.08, 0.12, 0.20, 0.30]), np.array([0.45, 0.55]),
              np.array([0.45, 0.55]), np.array([0.45, 0.55]))
CSAT = np.array([0.07, 0.08, 0.15, 0.35, 0.35])
CES = np.array([0.05, 0.06, 0.09, 0.12, 0.20, 0.25, 0.23])
STARS = np.array([0.21, 0.07, 0.08, 0.14, 0.50])
APP_STARS_BEFORE = np.array([0.30, 0.10, 0.10, 0.15, 0.35])
APP_STARS_AFTER = np.array([0.17, 0.07, 0.09, 0.18, 0.49])
# Per-function tilt of CSAT/CES/stars towards the top (+) or bottom (-).
FUNCTION_TILT = np.array([-0.04, 0.0, -0.02, -0.03, 0.06, -0.06])

# Tone of the comment by score band: pos, neg, mixed, mixed_up, neutral.
TONE_BY_BAND = {
    "top": [0.86, 0.01, 0.02, 0.06, 0.05],
    "middle": [0.20, 0.12, 0.45, 0.08, 0.15],
    "low_middle": [0.03, 0.62, 0.25, 0.03, 0.07],  # NPS 5-6
    "bottom": [0.015, 0.82, 0.10, 0.015, 0.05],
}


def customer_pool(rng: np.random.Generator, n: int, today: dt.date) -> pd.DataFrame:
    ids = rng.choice(900_000, size=n, replace=False) + 100_000
    segment = rng.choice(3, size=n, p=[0.75, 0.15, 0.10])
    tenure_days = np.minimum(rng.exponential(5 * 365, size=n), 20 * 365).astype(int)
    # Heavy-tailed activity: most customers write once or twice, a few often.
    weight = np.minimum(rng.lognormal(0.0, 0.8, size=n), 6.0) * np.where(segment == 2, 1.5, 1.0)
    return pd.DataFrame({
        "customer_id": np.char.add("C", ids.astype(str)),
        "segment": np.array(SEGMENTS)[segment],
        "region": np.array(REGIONS)[rng.choice(3, size=n, p=[0.35, 0.38, 0.27])],
        "joined_at": pd.Timestamp(today) - pd.to_timedelta(tenure_days, unit="D"),
        "weight": weight / weight.sum(),
    })


# --- shared pieces ----------------------------------------------------------

def pick_rows(rng: np.random.Generator, probs: np.ndarray, index: np.ndarray) -> np.ndarray:
    """One category per row, each row drawing from its own row of ``probs``."""
    cdf = np.cumsum(probs[index], axis=1)
    u = rng.random(len(index))[:, None] * cdf[:, -1:]
    return (u > cdf).sum(axis=1)


def random_times(rng: np.random.Generator, days: pd.DatetimeIndex, n: int,
                 weekend: float = 0.7) -> pd.DatetimeIndex:
    # Volume grows a little over the period and dips at weekends.
    w = np.linspace(1.0, 1.15, len(days)) * np.where(days.day_of_week >= 5, weekend, 1.0)
    day = days[rng.choice(len(days), size=n, p=w / w.sum())]
    secs = np.clip(rng.normal(13.5 * 3600, 3.5 * 3600, size=n), 7 * 3600, 23 * 3600 - 1)
    return pd.DatetimeIndex(day + pd.to_timedelta(secs.astype(int), unit="s"))


def months_back(when: pd.DatetimeIndex, today: dt.date) -> np.ndarray:
    now = pd.Timestamp(today)
    return (now.year - when.year) * 12 + (now.month - when.month)


def stratified_u(rng: np.random.Generator, cell: np.ndarray) -> np.ndarray:
    """Uniforms spread evenly within each cell (one per rank slot, shuffled)."""
    n = len(cell)
    order = np.lexsort((rng.random(n), cell))
    sorted_cell = cell[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_cell)) + 1]
    sizes = np.diff(np.r_[starts, n])
    first = np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    u = np.empty(n)
    u[order] = (np.arange(n) - first + rng.random(n)) / size
    return u


def from_cdf(u: np.ndarray, probs: np.ndarray, low: int) -> np.ndarray:
    cdf = np.cumsum(probs, axis=1)
    cdf /= cdf[:, -1:]
    return low + (u[:, None] > cdf[:, :-1]).sum(axis=1)


def tilted(base: np.ndarray, tilt: np.ndarray) -> np.ndarray:
    """Shift mass between the top and bottom categories by ``tilt`` per row."""
    p = np.tile(base, (len(tilt), 1))
    p[:, -1] += tilt
    p[:, 0] -= tilt
    return np.clip(p, 0.005, None)


def nps_scores(bands: np.ndarray, moved: np.ndarray, u: np.ndarray) -> np.ndarray:
    """NPS 0-10 from band shares; ``moved`` of passives go half to 9-10, half to 5-6."""
    b = bands.copy()
    shift = b[:, 2] * moved
    b[:, 2] -= shift
    b[:, 3] += shift / 2
    b[:, 1] += shift / 2
    # The moved mass lands on 9 and 5 more than 10 and 6: the edges of the middle.
    scores = np.concatenate([
        b[:, [0]] * NPS_WITHIN[0],
        b[:, [1]] * NPS_WITHIN[1] + (shift / 2)[:, None] * np.array([0.15, -0.15]),
        b[:, [2]] * NPS_WITHIN[2],
        b[:, [3]] * NPS_WITHIN[3] + (shift / 2)[:, None] * np.array([0.15, -0.15]),
    ], axis=1)
    return from_cdf(u, np.clip(scores, 0, None), 0)


def tones(rng: np.random.Generator, band: np.ndarray) -> np.ndarray:
    names = np.array(["pos", "neg", "mixed", "mixed_up", "neutral"])
    out = np.empty(len(band), dtype=object)
    for key, probs in TONE_BY_BAND.items():
        rows = band == key
        out[rows] = names[rng.choice(5, size=rows.sum(), p=probs)]
    return out


def random_codes(rng: np.random.Generator, n: int, length: int, alphabet: str) -> np.ndarray:
    chars = np.frombuffer(alphabet.encode(), dtype="S1")
    codes = chars[rng.integers(0, len(chars), size=(n, length))]
    return codes.view(f"S{length}").ravel().astype(str)


def common_columns(rng: np.random.Generator, pool: pd.DataFrame, days: pd.DatetimeIndex,
                   n: int, function_mix: np.ndarray, weekend: float = 0.7) -> pd.DataFrame:
    when = random_times(rng, days, n, weekend).sort_values()
    function = rng.choice(len(FUNCTIONS), size=n, p=function_mix)
    return pd.DataFrame({
        "received_at": when,
        "_f": function,
        "_cust": rng.choice(len(pool), size=n, p=pool["weight"].to_numpy()),
        "function": np.array(FUNCTIONS)[function],
        "channel": np.array(CHANNELS)[pick_rows(rng, CHANNEL_MIX, function)],
        "product": np.array(PRODUCTS)[pick_rows(rng, PRODUCT_MIX, function)],
    })


ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
