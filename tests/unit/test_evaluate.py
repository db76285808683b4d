"""Evaluation: raw VADER reproduces the published correlations, CX does no harm, report renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vocsrc import evaluate
from vocsrc.evaluate import airline_theme_report, precision_recall, run_evaluation, three_class


@pytest.fixture(scope="module")
def ground_truth(external: Path) -> dict:
    return run_evaluation(external, None, sections=("ground_truth",))["ground_truth"]


def test_raw_vader_reproduces_published_r_and_cx_does_no_harm(ground_truth: dict) -> None:
    expected = {"tweets": 0.87, "amazon": 0.59, "movie": 0.43, "nyt": 0.50}
    for key, r in expected.items():
        assert ground_truth[key]["raw_r"] == pytest.approx(r, abs=0.02), key
        assert ground_truth[key]["cx_r"] >= ground_truth[key]["raw_r"] - 0.01, key


def test_small_slice_runs_and_writes_reports(external: Path, tmp_path: Path) -> None:
    report = run_evaluation(external, tmp_path / "evaluation", gt_limit=500, sections=("ground_truth", "uci"))
    saved = json.loads((tmp_path / "evaluation" / "report.json").read_text())
    assert saved["ground_truth"]["tweets"]["n"] == 500
    tweets = report["ground_truth"]["tweets"]
    assert tweets["raw_r"] == pytest.approx(0.87, abs=0.02)
    assert abs(tweets["delta"]) <= 0.01
    md = (tmp_path / "evaluation" / "report.md").read_text()
    assert "VADER ground truth" in md and "held-out" in md.lower()
    assert 0.5 < report["uci"]["raw_whole"] < 1 and report["uci"]["cx"] >= report["uci"]["raw_whole"] - 0.01


def test_airline_reason_precision_recall(external: Path) -> None:
    t = airline_theme_report(external, limit=3000)
    assert set(t["holdout"]) == set(evaluate.AIRLINE_REASONS)
    for split in ("tuning", "holdout"):
        for reason, v in t[split].items():
            assert v["n"] > 0 or reason == "Damaged Luggage"
            for k in ("precision", "recall"):
                assert v[k] is None or 0.0 <= v[k] <= 1.0
    assert t["holdout"]["Lost Luggage"]["recall"] > 0.5


def test_airline_split_is_seeded_and_keeps_duplicates_together(external: Path) -> None:
    a, b = evaluate.load_airline(external), evaluate.load_airline(external)
    assert (a["split"] == b["split"]).all()
    assert a.groupby("tweet_id")["split"].nunique().max() == 1
    assert 0.45 < (a["split"] == "tuning").mean() < 0.55


def test_metric_helpers() -> None:
    m = three_class(["positive", "negative", "neutral", "negative"], ["positive", "negative", "negative", "negative"])
    assert m["accuracy"] == 0.75
    assert m["macro_f1"] == pytest.approx((1 + 0.8 + 0) / 3, abs=1e-4)
    pr = precision_recall([{"a"}, {"a", "b"}, set(), {"b"}], ["A", "B", "A", "B"], {"A": "a", "B": "b"})
    assert pr["A"] == {"theme": "a", "n": 2, "tagged": 2, "precision": 0.5, "recall": 0.5}
    assert pr["B"]["precision"] == 1.0 and pr["B"]["recall"] == 1.0
    assert evaluate.pearson([1, 2, 3], [2, 4, 6]) == 1.0
    assert evaluate.spearman([1, 2, 3], [1, 10, 100]) == 1.0
