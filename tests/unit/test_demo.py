"""The demo generator: shape, determinism, volumes, and the planted stories.

Each story is checked with the plain pandas a page would use, so a change
that hides a story from honest statistics fails here first.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from vocsrc.demo import STORIES, describe_stories, generate_customers, generate_feedback
from vocsrc.demo.generate import build
from vocsrc.demo.samples import FILES, write_samples
from vocsrc.store.schema import FEEDBACK_FIELDS, KINDS, METRIC_SCALES

COLUMNS = ["feedback_id", "kind", "source", *FEEDBACK_FIELDS]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chunks() -> list[pd.DataFrame]:
    return list(generate_feedback())


@pytest.fixture(scope="module")
def feedback(chunks) -> pd.DataFrame:
    df = pd.concat(chunks, ignore_index=True)
    df["month"] = df["received_at"].dt.to_period("M").astype(str)
    return df


@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    return generate_customers()


def bands(nps: pd.Series) -> dict[str, float]:
    x = nps.dropna().astype(int)
    promoters, passives, detractors = (x >= 9).mean(), x.between(7, 8).mean(), (x <= 6).mean()
    return {"n": len(x), "promoters": 100 * promoters, "passives": 100 * passives,
            "d56": 100 * x.between(5, 6).mean(), "nps": 100 * (promoters - detractors)}


def between(df: pd.DataFrame, months: tuple[str, str]) -> pd.DataFrame:
    return df[df["month"].between(*months)]


def before_after(df: pd.DataFrame, story: dict) -> tuple[dict[str, float], dict[str, float]]:
    return bands(between(df, story["before"])["nps"]), bands(between(df, story["after"])["nps"])


# --- shape ------------------------------------------------------------------

def test_columns_are_exactly_the_store_fields(chunks):
    for chunk in chunks:
        assert list(chunk.columns) == COLUMNS
        assert 0 < len(chunk) <= 10_000


def test_dtypes_are_nullable(feedback):
    for col in ("nps", "csat", "ces", "stars"):
        assert feedback[col].dtype == "Int64"
    for col in ("timely", "disputed"):
        assert feedback[col].dtype == "boolean"
    for col in ("received_at", "opened_at", "closed_at", "due_at"):
        assert pd.api.types.is_datetime64_any_dtype(feedback[col])
    assert set(feedback["kind"]) == set(KINDS)


def test_ids_are_unique_and_stable_in_form(feedback):
    assert feedback["feedback_id"].is_unique
    assert feedback["feedback_id"].str.fullmatch(r"demo-[src]-\d{7}").all()
    assert feedback["feedback_id"].iloc[0] == "demo-s-0000001"
    assert feedback["source_id"].notna().all()


def test_same_seed_same_data_other_seed_other_data():
    raw = build.__wrapped__  # past the cache, so the data is really built twice
    a, _ = raw(11, 0.05, dt.date(2026, 10, 31))
    b, _ = raw(11, 0.05, dt.date(2026, 10, 31))
    c, _ = raw(12, 0.05, dt.date(2026, 10, 31))
    pd.testing.assert_frame_equal(a, b)
    assert not a["text"].equals(c["text"])
    assert generate_customers(11, 0.05).equals(generate_customers(11, 0.05))


def test_whole_generation_is_fast():
    start = time.perf_counter()
    build.__wrapped__(5, 1.0, dt.date(2026, 10, 31))
    assert time.perf_counter() - start < 20  # about 2-3 s on a laptop; slack for CI


# --- volumes and values -------------------------------------------------------

def test_volumes_at_scale_one(feedback, customers):
    counts = feedback["kind"].value_counts()
    assert 55_000 <= counts["survey"] <= 65_000
    assert 18_000 <= counts["review"] <= 22_000
    assert 7_000 <= counts["complaint"] <= 9_000
    assert feedback["received_at"].min() >= pd.Timestamp("2024-11-01")
    assert feedback["received_at"].max() < pd.Timestamp("2026-11-01")
    assert feedback["month"].nunique() == 24
    assert len(customers) == 30_000
    assert set(feedback["function"]) == {"Billing", "Deliveries", "Customer service",
                                         "Online & app", "Stores", "Claims"}
    assert set(feedback["region"]) == {"North", "Central", "South"}
    assert feedback["channel"].nunique() == 4


def test_scores_within_their_scales(feedback):
    for metric, (low, high) in METRIC_SCALES.items():
        values = feedback[metric].dropna()
        assert values.between(low, high).all(), metric
    surveys = feedback[feedback["kind"] == "survey"]
    assert surveys[["nps", "csat"]].notna().any(axis=1).all()
    relationship = surveys[surveys["source"] == "Relationship survey"]
    assert relationship["nps"].notna().all() and relationship["csat"].isna().all()
    transactional = surveys[surveys["source"] == "Transactional survey"]
    assert transactional[["csat", "ces"]].notna().all().all()
    assert 0.3 < transactional["nps"].notna().mean() < 0.5
    reviews = feedback[feedback["kind"] == "review"]
    assert reviews["stars"].notna().all() and reviews["nps"].isna().all()
    complaints = feedback[feedback["kind"] == "complaint"]
    assert complaints[["nps", "csat", "ces", "stars"]].isna().all().all()


def test_customers_are_shared_and_some_answer_repeatedly(feedback, customers):
    assert feedback["customer_id"].isin(customers["customer_id"]).all()
    by_kind = feedback.groupby("kind")["customer_id"].apply(set)
    assert len(by_kind["survey"] & by_kind["complaint"]) > 1_000
    nps_answers = feedback.dropna(subset=["nps"]).groupby("customer_id").size()
    assert (nps_answers >= 2).sum() > 3_000


def test_comments_vary_and_some_are_blank(feedback):
    surveys = feedback[feedback["kind"] == "survey"]
    assert 0.3 < surveys["text"].isna().mean() < 0.5
    short = feedback.loc[feedback["kind"] != "complaint", "text"].dropna().str.len()
    assert short.max() <= 400 and short.median() > 40 and short.nunique() > 200
    assert feedback["text"].dropna().nunique() > 20_000
    narratives = feedback.loc[feedback["kind"] == "complaint", "text"].dropna().str.len()
    assert narratives.between(300, 1500).all()
    assert feedback["text"].str.contains("XXXX", regex=False).sum() > 1_000


def test_complaint_handling_is_consistent(feedback):
    c = feedback[feedback["kind"] == "complaint"]
    assert set(c["status"]) == {"Open", "In progress", "Closed"}
    closed = c["status"] == "Closed"
    assert (c["closed_at"].notna() == closed).all()
    assert (c["outcome"].notna() == closed).all()
    assert (c.loc[closed, "closed_at"] >= c.loc[closed, "opened_at"]).all()
    assert (c["opened_at"] == c["received_at"].dt.normalize()).all()
    assert c["due_at"].notna().all()
    on_time = c.loc[closed, "closed_at"] <= c.loc[closed, "due_at"]
    assert (c.loc[closed, "timely"] == on_time).all()
    days = (c.loc[closed, "closed_at"] - c.loc[closed, "opened_at"]).dt.days
    assert days.between(2, 30).mean() > 0.6 and (days > 56).mean() > 0.03
    assert 0.03 < c["disputed"].mean() < 0.15
    gaps = c.sort_values("received_at").groupby("customer_id")["received_at"].diff().dt.days
    assert 0.08 < (gaps <= 30).sum() / len(c) < 0.25


# --- planted stories -----------------------------------------------------------

def test_stories_are_described_for_the_default_day():
    assert STORIES == describe_stories(dt.date(2026, 10, 31))
    assert STORIES["app_fix"]["fix_month"] == "2026-03"
    assert STORIES["broken_callbacks"]["months"] == ("2026-07", "2026-08")
    assert STORIES["middle_slips"]["after"] == ("2026-05", "2026-10")


def test_a_deliveries_middle_slips_while_nps_holds(feedback):
    story = STORIES["middle_slips"]
    d = feedback[(feedback["kind"] == "survey") & (feedback["function"] == story["function"])]
    before, after = before_after(d, story)
    assert before["n"] > 1_000 and after["n"] > 1_000
    assert before["passives"] - after["passives"] >= 7
    assert abs(after["nps"] - before["nps"]) < 3
    assert after["promoters"] > before["promoters"] + 3 and after["d56"] > before["d56"] + 3
    spread = [between(d, p)["nps"].astype(float).std() for p in (story["before"], story["after"])]
    assert spread[1] > spread[0]


def test_b_app_fix_lifts_passives_to_promoters(feedback):
    story = STORIES["app_fix"]
    o = feedback[(feedback["kind"] == "survey") & (feedback["function"] == story["function"])]
    before, after = before_after(o, story)
    assert before["passives"] - after["passives"] >= 7
    assert after["promoters"] - before["promoters"] >= 7
    monthly = o.groupby("month")["nps"].apply(lambda s: bands(s)["passives"])
    fix = story["fix_month"]
    previous = str(pd.Period(fix, "M") - 1)
    assert monthly[previous] - monthly[fix] >= 5
    fix_words = r"new app|since the update|app update|updated app|new version"
    mentions = o["text"].str.contains(fix_words, case=False, regex=True)
    after_fix = o["month"] >= fix
    assert mentions[after_fix].mean() > 0.2 and mentions[~after_fix].mean() < 0.01
    app = feedback["source"] == "App store reviews"
    stars = feedback[app & (feedback["function"] == story["function"])]
    assert (stars.loc[stars["month"] >= fix, "stars"].mean()
            > stars.loc[stars["month"] < fix, "stars"].mean() + 0.3)


def test_c_broken_callbacks_spike(feedback):
    story = STORIES["broken_callbacks"]
    c = feedback[(feedback["kind"] == "complaint") & (feedback["function"] == story["function"])]
    callbacks = c[c["category"] == story["category"]]
    months = sorted(feedback["month"].unique())
    per_month = callbacks.groupby("month").size().reindex(months, fill_value=0)
    spike = per_month[list(story["months"])]
    others = per_month.drop(list(story["months"]))
    assert spike.min() > 5 * others.median() and spike.min() > others.max() + 50
    in_spike = callbacks[callbacks["month"].isin(story["months"])]
    assert (in_spike["timely"] == False).mean() > 0.9  # noqa: E712 - nullable boolean
    said = in_spike["text"].str.contains(r"call ?back|ring me back|never called", case=False)
    assert said.mean() > 0.95


def test_d_review_text_disagrees_with_stars(feedback):
    reviews = feedback[(feedback["kind"] == "review")].dropna(subset=["text"])
    vader = SentimentIntensityAnalyzer()
    compound = reviews["text"].map(lambda t: vader.polarity_scores(t)["compound"])
    high = reviews["stars"] >= 4
    middle = reviews["stars"] == 3
    assert ((compound <= -0.05) & high).sum() >= 100  # at risk
    assert ((compound <= -0.05) & middle).sum() >= 100  # hidden detractors
    assert ((compound >= 0.05) & middle).sum() >= 100  # passives easy to lift
    # Most of the time text and stars agree.
    assert (compound[high] >= 0.05).mean() > 0.75
    assert (compound[reviews["stars"] <= 2] <= -0.05).mean() > 0.7


def test_e_premium_middle_slips(feedback, customers):
    story = STORIES["premium_middle"]
    segment = customers.set_index("customer_id")["segment"]
    surveys = feedback[feedback["kind"] == "survey"]
    s = surveys[surveys["function"] != story["excluding_function"]]
    premium = s[s["customer_id"].map(segment) == story["segment"]]
    before, after = before_after(premium, story)
    assert before["passives"] - after["passives"] >= 7
    assert abs(after["nps"] - before["nps"]) < 5
    others = s[s["customer_id"].map(segment) != story["segment"]]
    drop = (bands(between(others, story["before"])["nps"])["passives"]
            - bands(between(others, story["after"])["nps"])["passives"])
    assert drop < 4


def test_f_long_standing_customers_with_recent_bad_experiences(feedback, customers):
    story = STORIES["long_standing_bad"]
    today = pd.Timestamp("2026-10-31")
    tenure = (today - customers.set_index("customer_id")["joined_at"]).dt.days / 365.25
    recent = feedback[feedback["received_at"] >= today - pd.Timedelta(days=story["window_days"])]
    bad = recent[(recent["kind"] == "complaint") | (recent["nps"] <= 6).fillna(False)
                 | (recent["csat"] <= 2).fillna(False)]
    veterans = bad["customer_id"].map(tenure) >= story["min_tenure_years"]
    assert bad.loc[veterans, "customer_id"].nunique() >= 300
    assert veterans.mean() > (tenure >= story["min_tenure_years"]).mean() + 0.05


def test_g_leaving_follows_experience(feedback, customers):
    scored = feedback.dropna(subset=["nps"]).sort_values("received_at")
    last = scored.groupby("customer_id")["nps"].last()
    band = pd.cut(last.astype(int), [-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
    left = customers.set_index("customer_id")["status"].eq("Left")
    rate = left.reindex(band.index).groupby(band, observed=True).mean()
    assert rate["promoter"] < rate["passive"] < rate["detractor"]
    gone = customers[customers["status"] == "Left"]
    assert gone["left_at"].notna().all() and (gone["left_at"] >= gone["joined_at"]).all()
    assert customers.loc[customers["status"] == "Active", "left_at"].isna().all()
    assert set(customers.columns) == {"customer_id", "joined_at", "left_at", "status", "segment",
                                      "revenue_12m", "products_held", "region"}
    medians = customers.groupby("segment")["revenue_12m"].median()
    assert medians["Premium"] > medians["Small business"] > medians["Consumer"]


# --- sample exports ------------------------------------------------------------

def test_sample_files_are_small_and_shaped_for_import(tmp_path):
    paths = write_samples(tmp_path)
    assert [p.name for p in paths] == list(FILES)
    for path in paths:
        assert path.stat().st_size < 200_000
        committed = ROOT / "data" / path.name
        assert committed.read_bytes() == path.read_bytes(), f"regenerate {committed.name}"

    qualtrics = pd.read_csv(paths[0], header=None, dtype=str, keep_default_na=False,
                            encoding="utf-8-sig")
    assert list(qualtrics.iloc[0, :9]) == ["StartDate", "EndDate", "Status", "IPAddress",
                                           "Progress", "Duration (in seconds)", "Finished",
                                           "RecordedDate", "ResponseId"]
    assert qualtrics.iloc[2, 17] == '{"ImportId":"QID1"}'
    body = qualtrics.iloc[3:]
    assert 250 <= len(body) <= 300
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", body.iloc[0, 0])
    assert body[17].astype(int).between(0, 10).all()

    reviews = pd.read_csv(paths[1], dtype=str)
    assert list(reviews.columns) == ["review_id", "date", "rating", "title", "review text",
                                     "product"]
    assert len(reviews) == 200 and (reviews["rating"] == "6").sum() == 1
    assert pd.to_datetime(reviews["date"], errors="coerce", format="%Y-%m-%d").isna().sum() == 1

    complaints = pd.read_csv(paths[2], dtype=str)
    assert len(complaints) == 150
    assert list(complaints.columns) == ["complaint id", "date received", "category", "sub-issue",
                                        "channel", "status", "date closed", "promised date",
                                        "outcome", "narrative", "customer id"]
    assert np.all(complaints["narrative"].str.len() >= 300)
