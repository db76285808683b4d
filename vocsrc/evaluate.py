"""Validation of sentiment scoring and theme tagging on real external data.

Splits (fixed, so figures are reproducible):
  tuning   - CFPB narratives 2015-16 (cfpb_narratives_2015) and a seeded half
             of the airline tweets (by tweet_id, so duplicate tweets share a half).
             CX rules, NEG_WEIGHT and the airline theme bank were developed here.
  held-out - the other airline half; Amazon Alexa, TripAdvisor and clothing
             reviews; the CFPB complaints sample (minus any narrative also in the
             tuning set); the UCI labelled sentences; the four VADER ground-truth
             sets (never used for tuning: they are the "do no harm" check).

Run: ``python -m vocsrc evaluate`` (or ``python -m vocsrc.evaluate``).
"""

from __future__ import annotations

import argparse
import csv
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vocsrc.config import DATA_DIR
from vocsrc.evaluate_report import write_report
from vocsrc.sentiment.cx import default_lexicon
from vocsrc.sentiment.document import (
    NEG_WEIGHT, Analysis, SentenceScore, analyse, combine, document_compound, label,
    split_sentences,
)
from vocsrc.sentiment.engine import engine_name, raw_analyzer

DEFAULT_OUT = DATA_DIR / "evaluation"
SEED = 20150224
GT_SETS = {"tweets": "tweets", "amazon": "amazonReviewSnippets", "movie": "movieReviewSnippets",
           "nyt": "nytEditorialSnippets"}
PAPER_R = {"tweets": 0.881, "amazon": 0.565, "movie": 0.451, "nyt": 0.492}
CLASSES = ("negative", "neutral", "positive")


# ---------------------------------------------------------------- loaders


def load_ground_truth(external: Path, key: str, limit: int | None = None) -> pd.DataFrame:
    path = external / "vader_icwsm2014" / f"{GT_SETS[key]}_GroundTruth.txt"
    df = pd.read_csv(path, sep="\t", header=None, names=["id", "mean", "text"], quoting=csv.QUOTE_NONE,
                     encoding="utf-8", dtype={"id": str})
    return df.head(limit) if limit else df


def load_airline(external: Path) -> pd.DataFrame:
    df = pd.read_csv(external / "twitter_us_airline_sentiment" / "Tweets.csv", dtype={"tweet_id": str})
    ids = np.array(sorted(df["tweet_id"].unique()))
    rng = np.random.default_rng(SEED)
    tuning_ids = set(rng.permutation(ids)[: len(ids) // 2])
    df["split"] = np.where(df["tweet_id"].isin(tuning_ids), "tuning", "holdout")
    return df


def load_reviews(external: Path) -> dict[str, pd.DataFrame]:
    alexa = pd.read_csv(external / "amazon_alexa_reviews" / "amazon_alexa.tsv", sep="\t", encoding="utf-8-sig")
    alexa = alexa.rename(columns={"verified_reviews": "text", "rating": "stars"})
    trip = pd.read_csv(external / "tripadvisor_hotel_reviews_sample" / "tripadvisor_hotel_reviews.csv")
    trip = trip.rename(columns={"Review": "text", "Rating": "stars"})
    cloth = pd.read_csv(external / "womens_clothing_reviews_sample" / "Womens Clothing E-Commerce Reviews.csv")
    cloth = cloth.rename(columns={"Review Text": "text", "Rating": "stars"})
    out = {}
    for name, df in (("alexa", alexa), ("tripadvisor", trip), ("clothing", cloth)):
        df = df[df["text"].notna() & (df["text"].astype(str).str.strip() != "")]
        out[name] = df[["text", "stars"]].reset_index(drop=True)
    return out


def review_tuning_mask(n: int) -> np.ndarray:
    """Seeded half of a review set used to choose the document combination; the rest is held out."""
    return np.random.default_rng(SEED).permutation(n) < n // 2


def load_complaints(external: Path) -> tuple[list[str], list[str]]:
    """(tuning narratives 2015-16, held-out narratives from the other CFPB sample)."""
    tune = pd.read_csv(external / "cfpb_narratives_2015" / "Consumer_Complaints.csv")
    tune_texts = tune["Consumer complaint narrative"].dropna().astype(str).tolist()
    sample = pd.read_csv(external / "cfpb_complaints_sample" / "complaints_sample.csv", low_memory=False)
    seen = set(tune_texts)
    held = [t for t in sample["Consumer complaint narrative"].dropna().astype(str) if t not in seen]
    return tune_texts, held


def load_uci(external: Path) -> pd.DataFrame:
    frames = []
    for name in ("amazon_cells", "imdb", "yelp"):
        df = pd.read_csv(external / "uci_sentiment_labelled_sentences" / f"{name}_labelled.txt", sep="\t",
                         header=None, names=["text", "y"], quoting=csv.QUOTE_NONE, encoding="utf-8")
        frames.append(df.assign(source=name))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------- scoring with details


def _details(texts: Sequence[str]) -> list[Analysis]:
    """The same analysis score_document does, kept so combinations compare on identical scores."""
    lex = default_lexicon()
    return [analyse(t, lex) for t in texts]


def _mean(s: Sequence[SentenceScore], key: str) -> float:
    return float(np.mean([getattr(x, key) for x in s])) if s else 0.0


def _extremes(s: Sequence[SentenceScore], key: str) -> float:
    vals = [getattr(x, key) for x in s] or [0.0]
    return (min(vals) + max(vals)) / 2


def _length_weighted(s: Sequence[SentenceScore], neg_weight: float = 2.0) -> float:
    # the a-priori choice we started from: mean of compounds weighted by words, negatives x2
    num = sum(x.words * x.cx * (neg_weight if x.cx < 0 else 1.0) for x in s)
    den = sum(x.words * (neg_weight if x.cx < 0 else 1.0) for x in s)
    return num / den if den else 0.0


def _raw_as_cx(s: Sequence[SentenceScore]) -> list[SentenceScore]:
    return [SentenceScore(x.text, x.raw, x.raw, x.words) for x in s]


# each variant maps one text's analysis to a score; "cx" is what score_document stores
VARIANTS: dict[str, Callable[[Analysis], float]] = {
    "raw_whole": lambda a: a.whole["compound"],
    "raw_sentence_mean": lambda a: _mean(a.sentences, "raw"),
    "raw_combined": lambda a: combine(_raw_as_cx(a.sentences)),
    "cx_whole": lambda a: a.cx_whole,
    "cx_sentence_mean": lambda a: _mean(a.sentences, "cx"),
    "cx_lw_mean_neg2": lambda a: _length_weighted(a.sentences),
    "cx_pooled_unweighted": lambda a: combine(a.sentences, neg_weight=1.0),
    "cx_extremes": lambda a: _extremes(a.sentences, "cx"),
    "cx_combined": lambda a: combine(a.sentences),
    "cx": document_compound,
}


def _scores(details: list, names: Sequence[str]) -> dict[str, np.ndarray]:
    return {n: np.array([VARIANTS[n](d) for d in details]) for n in names}


# ---------------------------------------------------------------- metrics


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    return round(float(np.corrcoef(np.asarray(x, float), np.asarray(y, float))[0, 1]), 4)


def spearman(x: Sequence[float], y: Sequence[float]) -> float:
    return pearson(pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy())


def three_class(pred: Sequence[str], gold: Sequence[str]) -> dict[str, float]:
    pred, gold = np.asarray(pred), np.asarray(gold)
    f1s = []
    for c in CLASSES:
        tp = np.sum((pred == c) & (gold == c))
        p = tp / max(1, np.sum(pred == c))
        r = tp / max(1, np.sum(gold == c))
        f1s.append(0.0 if p + r == 0 else 2 * p * r / (p + r))
    return {"accuracy": round(float(np.mean(pred == gold)), 4), "macro_f1": round(float(np.mean(f1s)), 4)}


def precision_recall(tagged: Sequence[set[str]], gold: Sequence[str], mapping: dict[str, str]) -> dict[str, dict]:
    """Per gold reason: precision and recall of the theme mapped to it."""
    out = {}
    for reason, theme in mapping.items():
        hit = np.array([theme in t for t in tagged])
        is_reason = np.array([g == reason for g in gold])
        tp = int(np.sum(hit & is_reason))
        out[reason] = {"theme": theme, "n": int(is_reason.sum()), "tagged": int(hit.sum()),
                       "precision": round(float(tp / hit.sum()), 3) if hit.sum() else None,
                       "recall": round(float(tp / is_reason.sum()), 3) if is_reason.sum() else None}
    return out


# ---------------------------------------------------------------- the evaluation


def run_evaluation(external_dir: Path, out_path: Path | None = None, *, gt_limit: int | None = None,
                   sections: Sequence[str] = ("ground_truth", "airline", "reviews", "complaints", "uci", "themes", "timing"),
                   ) -> dict[str, Any]:
    """Compute every figure, write ``report.json`` and ``report.md`` under ``out_path``; return the report."""
    started = time.time()
    external_dir = Path(external_dir)
    report: dict[str, Any] = {"engine": engine_name(), "neg_weight": NEG_WEIGHT,
                              "lexicon_rules": len(default_lexicon().rules), "splits": {}}  # fmt: skip

    if "ground_truth" in sections:
        gt = {}
        for key in GT_SETS:
            df = load_ground_truth(external_dir, key, gt_limit)
            s = _scores(_details(df["text"].tolist()), ["raw_whole", "cx"])
            gt[key] = {"n": len(df), "paper_r": PAPER_R[key], "raw_r": pearson(s["raw_whole"], df["mean"]),
                       "cx_r": pearson(s["cx"], df["mean"])}
            gt[key]["delta"] = round(gt[key]["cx_r"] - gt[key]["raw_r"], 4)
            report["splits"][f"vader_{key}"] = "held-out (guard: never tuned on)"
        report["ground_truth"] = gt

    if "airline" in sections:
        air = load_airline(external_dir)
        s = _scores(_details(air["text"].tolist()), ["raw_whole", "cx"])
        res = {}
        for split in ("tuning", "holdout"):
            m = (air["split"] == split).to_numpy()
            gold = air.loc[m, "airline_sentiment"].tolist()
            res[split] = {"n": int(m.sum()),
                          "raw": three_class([label(v) for v in s["raw_whole"][m]], gold),
                          "cx": three_class([label(v) for v in s["cx"][m]], gold)}
        report["airline"] = res
        report["splits"]["airline"] = "seeded half tuning, other half held-out"

    if "reviews" in sections:
        revs = {}
        for name, df in load_reviews(external_dir).items():
            d = _details(df["text"].tolist())
            s = _scores(d, list(VARIANTS))
            stars = df["stars"].to_numpy()
            tuning = review_tuning_mask(len(df))
            revs[name] = {"mean_sentences": round(float(np.mean([len(a.sentences) for a in d])), 2)}
            for split, m in (("tuning", tuning), ("holdout", ~tuning)):
                revs[name][split] = {"n": int(m.sum()), **{v: {"pearson": pearson(s[v][m], stars[m]),
                                                              "spearman": spearman(s[v][m], stars[m])}
                                                          for v in VARIANTS}}
            report["splits"][name] = "seeded half tuning (document combination only), other half held-out"
        report["reviews"] = revs

    if "complaints" in sections:
        tune, held = load_complaints(external_dir)
        comp = {}
        for name, texts in (("cfpb_2015", tune), ("cfpb_sample", held)):
            s = _scores(_details(texts), list(VARIANTS))
            # every text is a complaint: the share read as negative is the figure of merit
            comp[name] = {"n": len(texts), **{v: {"share_negative": round(float(np.mean(s[v] <= -0.05)), 4),
                                                  "share_positive": round(float(np.mean(s[v] >= 0.05)), 4),
                                                  "mean": round(float(np.mean(s[v])), 4)} for v in VARIANTS}}
        report["complaints"] = comp
        report["splits"]["cfpb_2015"] = "tuning"
        report["splits"]["cfpb_sample"] = "held-out"

    if "uci" in sections:
        uci = load_uci(external_dir)
        s = _scores(_details(uci["text"].tolist()), ["raw_whole", "cx"])
        y = uci["y"].to_numpy()
        # binary labels: accuracy of the sign, neutral counted wrong (as Kotzias et al. have no neutral)
        report["uci"] = {v: round(float(np.mean(np.where(y == 1, s[v] >= 0.05, s[v] <= -0.05))), 4)
                         for v in ("raw_whole", "cx")} | {"n": len(uci)}
        report["splits"]["uci"] = "held-out"

    if "themes" in sections:
        report["themes"] = airline_theme_report(external_dir)
        report["splits"]["airline_themes"] = "airline bank written on the tuning half; figures for both halves"

    if "themes" in sections:
        from vocsrc.themes.discovery import distinctive_phrases  # noqa: PLC0415

        air = load_airline(external_dir)
        tune = air[air["split"] == "tuning"]
        found = distinctive_phrases(tune.loc[tune["airline_sentiment"] == "negative", "text"].tolist(),
                                    tune.loc[tune["airline_sentiment"] == "positive", "text"].tolist(), n=15)
        report["discovery"] = [{"phrase": c.phrase, "z": c.z, "neg": c.neg_count, "pos": c.pos_count} for c in found]

    if "timing" in sections:
        report["timing"] = timing(external_dir)

    report["seconds"] = round(time.time() - started, 1)
    if out_path is not None:
        write_report(report, Path(out_path))
    return report


AIRLINE_REASONS = {
    "Customer Service Issue": "customer_service", "Late Flight": "late_flight",
    "Cancelled Flight": "cancelled_flight", "Lost Luggage": "lost_luggage", "Damaged Luggage": "damaged_luggage",
    "Bad Flight": "bad_flight", "Flight Booking Problems": "booking_problems",
    "Flight Attendant Complaints": "flight_attendants", "longlines": "long_lines",
}


def airline_theme_report(external_dir: Path, limit: int | None = None) -> dict[str, Any]:
    """Precision/recall of the airline bank per human negativereason, on negative tweets with a reason."""
    from vocsrc.themes.bank import airline_bank  # noqa: PLC0415 - themes are optional for sentiment-only runs
    from vocsrc.themes.tagging import tag_many  # noqa: PLC0415

    air = load_airline(external_dir)
    air = air[(air["airline_sentiment"] == "negative") & air["negativereason"].isin(AIRLINE_REASONS)]
    if limit:
        air = air.head(limit)
    tags = [set(t) for t in tag_many(air["text"].tolist(), airline_bank())]
    out: dict[str, Any] = {"note": "One human reason per tweet, so a correct second theme counts against precision"}
    for split in ("tuning", "holdout"):
        m = (air["split"] == split).to_numpy()
        out[split] = precision_recall([t for t, k in zip(tags, m) if k], air.loc[m, "negativereason"].tolist(),
                                      AIRLINE_REASONS)
        out[split + "_untagged_share"] = round(float(np.mean([not t for t, k in zip(tags, m) if k])), 3)
    return out


def timing(external_dir: Path, n: int = 300) -> dict[str, float]:
    """Milliseconds per text on CFPB narratives and tweets.

    raw: engine in use on the whole text; reference_raw: vaderSentiment itself;
    cx_overhead: the CX pre-check and rules on every sentence (what the CX layer
    adds); document: everything score_document does (whole text, sentences, CX).
    """
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # noqa: PLC0415

    from vocsrc.sentiment.document import score_document  # noqa: PLC0415

    lex, analyzer, reference = default_lexicon(), raw_analyzer(), SentimentIntensityAnalyzer()
    tune, _ = load_complaints(external_dir)
    tweets = load_ground_truth(external_dir, "tweets")["text"].tolist()
    out = {}
    for name, texts in (("complaint", tune[:n]), ("tweet", tweets[:n])):
        sentences = [s for t in texts for s in split_sentences(t)]
        for t in texts:  # warm the engine's token cache so every pass is measured alike
            analyzer.polarity_scores(t)
        clock = [time.perf_counter()]
        for t in texts:
            analyzer.polarity_scores(t)
        clock.append(time.perf_counter())
        for t in texts:
            reference.polarity_scores(t)
        clock.append(time.perf_counter())
        for s in sentences:
            lex.shift(s)
        clock.append(time.perf_counter())
        for t in texts:
            score_document(t)
        clock.append(time.perf_counter())
        for key, (a, b) in zip(("raw", "reference_raw", "cx_overhead", "document"), zip(clock, clock[1:])):
            out[f"{name}_{key}_ms"] = round((b - a) / len(texts) * 1000, 4)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m vocsrc.evaluate [--external DIR] [--out DIR]``; the CLI's ``evaluate`` can call this."""
    from vocsrc.config import PROJECT_DIR  # noqa: PLC0415

    ap = argparse.ArgumentParser(prog="vocsrc evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--external", type=Path, default=PROJECT_DIR.parent / "shared" / "data" / "external")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    report = run_evaluation(args.external, args.out)
    print(f"wrote {args.out / 'report.md'} and report.json in {report['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
