"""Small sample export files for trying the import page, written from demo data.

The rows come from a different seed than the demo store (``SAMPLE_SEED``), so
importing a sample next to the demo data adds new responses rather than
near-copies. Run ``python -m vocsrc.demo.samples [dir]`` to rewrite them.

- ``sample_qualtrics_survey.csv``: the layout of a Qualtrics CSV export with
  numeric values: three header rows (column ids, question texts, ImportId
  JSON), Status 0 for a normal response, Finished 1/0, Q1_NPS_GROUP coded
  1 detractor, 2 passive, 3 promoter; embedded data customer_id, function,
  channel. Two responses are survey previews (Status 1), which the qualtrics
  preset rejects with that reason, and a few are unfinished, as in real exports.
- ``sample_reviews.csv``: a generic reviews export, with two rows the import
  should reject (a rating of 6, a date that is not a date).
- ``sample_complaints.csv``: a complaints-log export with UK-style ids.
"""

from __future__ import annotations

import csv
import json
import random
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from vocsrc.demo import compose
from vocsrc.demo.generate import build

SAMPLE_SEED = 2026
SAMPLE_SCALE = 0.5
FILES = ("sample_qualtrics_survey.csv", "sample_reviews.csv", "sample_complaints.csv")

_QUALTRICS_META = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/London"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/London"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
    ("Q1", "How likely are you to recommend Harbourline to a friend or colleague?",
     {"ImportId": "QID1"}),
    ("Q1_NPS_GROUP", "How likely are you to recommend Harbourline to a friend or colleague? - Group",
     {"ImportId": "QID1_NPS_GROUP"}),
    ("Q2", "What is the main reason for your score?", {"ImportId": "QID2_TEXT"}),
    ("Q3", "Overall, how satisfied were you with your recent experience with Harbourline?",
     {"ImportId": "QID3"}),
    ("customer_id", "customer_id", {"ImportId": "customer_id"}),
    ("function", "function", {"ImportId": "function"}),
    ("channel", "channel", {"ImportId": "channel"}),
]
# Rough centres of the three regions, for the approximate location Qualtrics records.
_REGION_LATLON = {"North": (54.6, -2.2), "Central": (52.6, -1.6), "South": (51.1, -1.0)}


def _fmt(ts: pd.Timestamp) -> str:
    return ts.strftime("%Y-%m-%d %H:%M:%S")


def _qualtrics(feedback: pd.DataFrame, rng: np.random.Generator) -> list[list[str]]:
    pool = feedback[(feedback["source"] == "Transactional survey") & feedback["nps"].notna()
                    & (feedback["received_at"] >= "2026-09-01")
                    & (feedback["received_at"] < "2026-10-01")]
    rows = pool.iloc[np.sort(rng.choice(len(pool), size=min(300, len(pool)), replace=False))]
    out = [[m[0] for m in _QUALTRICS_META], [m[1] for m in _QUALTRICS_META],
           [json.dumps(m[2], separators=(",", ":")) for m in _QUALTRICS_META]]
    n = len(rows)
    duration = np.round(rng.lognormal(np.log(95), 0.6, n)).astype(int) + 15
    previews = set(rng.choice(n, size=2, replace=False).tolist())
    unfinished = set(rng.choice(n, size=6, replace=False).tolist()) - previews
    for i, r in enumerate(rows.itertuples(index=False)):
        start = r.received_at - pd.Timedelta(seconds=int(duration[i]))
        by_email = rng.random() < 0.7
        lat, lon = _REGION_LATLON[r.region]
        nps = int(r.nps)
        done = i not in unfinished
        group = 3 if nps >= 9 else 2 if nps >= 7 else 1
        out.append([
            _fmt(start), _fmt(r.received_at), "1" if i in previews else "0",
            "" if i in previews else f"203.0.113.{int(rng.integers(1, 255))}",
            "100" if done else str(int(rng.integers(20, 70))), str(int(duration[i])),
            "1" if done else "0", _fmt(r.received_at + pd.Timedelta(seconds=1)),
            r.source_id, "", "",
            f"{r.customer_id.lower()}@example.com" if by_email else "",
            r.customer_id if by_email else "",
            f"{lat + rng.normal(0, 0.4):.4f}", f"{lon + rng.normal(0, 0.4):.4f}",
            "email" if by_email else "anonymous", "EN-GB",
            str(nps), str(group), r.text if done and pd.notna(r.text) else "",
            str(int(r.csat)) if done else "",
            r.customer_id, r.function, r.channel,
        ])
    return out


def _reviews(feedback: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pool = feedback[(feedback["source"] == "Trustpilot reviews") & feedback["text"].notna()
                    & (feedback["received_at"] >= "2026-06-01")]
    rows = pool.iloc[np.sort(rng.choice(len(pool), size=200, replace=False))]
    r = random.Random(SAMPLE_SEED)
    stars = rows["stars"].astype(int).to_numpy()
    titles = [compose.review_title(r, "pos" if s >= 4 else "neg" if s <= 2 else "mixed")
              for s in stars]
    out = pd.DataFrame({
        "review_id": [f"rv-{i:05d}" for i in range(10_001, 10_001 + len(rows))],
        "date": rows["received_at"].dt.strftime("%Y-%m-%d").to_numpy(),
        "rating": stars.astype(str),
        "title": titles,
        "review text": rows["text"].to_numpy(),
        "product": rows["product"].to_numpy(),
    })
    # Rows the import should reject, so the page has something to show.
    out.loc[57, "rating"] = "6"
    out.loc[131, "date"] = "last Tuesday"
    return out


def _complaints(feedback: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    pool = feedback[(feedback["kind"] == "complaint") & feedback["text"].notna()
                    & (feedback["received_at"] >= "2026-06-01")]
    rows = pool.iloc[np.sort(rng.choice(len(pool), size=150, replace=False))]

    def day(col: str) -> list[str]:
        return [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in rows[col]]

    return pd.DataFrame({
        "complaint id": rows["source_id"].to_numpy(),
        "date received": day("opened_at"),
        "category": rows["category"].to_numpy(),
        "sub-issue": rows["sub_issue"].to_numpy(),
        "channel": rows["channel"].to_numpy(),
        "status": rows["status"].to_numpy(),
        "date closed": day("closed_at"),
        "promised date": day("due_at"),
        "outcome": rows["outcome"].fillna("").to_numpy(),
        "narrative": rows["text"].to_numpy(),
        "customer id": rows["customer_id"].to_numpy(),
    })


def write_samples(directory: str | Path) -> list[Path]:
    """Write the three sample exports into ``directory``; return their paths."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    feedback, _ = build(SAMPLE_SEED, SAMPLE_SCALE)
    rng = np.random.default_rng(SAMPLE_SEED)
    paths = [directory / name for name in FILES]
    # Qualtrics writes UTF-8 with a byte-order mark; keep it so imports meet one.
    with paths[0].open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerows(_qualtrics(feedback, rng))
    _reviews(feedback, rng).to_csv(paths[1], index=False, encoding="utf-8")
    _complaints(feedback, rng).to_csv(paths[2], index=False, encoding="utf-8")
    return paths


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "data"
    for path in write_samples(target):
        print(path, path.stat().st_size, "bytes")
