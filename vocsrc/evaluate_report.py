"""The validation report as JSON and Markdown (shown on the Method page)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vocsrc.sentiment.document import SHORT_WORDS



def _f(v: Any) -> str:
    return "–" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def render_markdown(r: dict[str, Any]) -> str:
    """The report as Markdown for the Method page."""
    out = ["# Sentiment and theme validation", "",
           f"Engine: {r['engine']}; CX lexicon: {r['lexicon_rules']} rules; document score: sentences pooled "
           f"as X/sqrt(X²+15k) with negative sentences ×{r['neg_weight']}, texts of ≤{SHORT_WORDS} words scored "
           "whole. Figures marked *tuning* were used to develop rules or choose settings; all others are held out.", ""]
    if "ground_truth" in r:
        out += ["## VADER ground truth (Hutto & Gilbert 2014): Pearson r with the human mean", "",
                "Held out: never used for tuning. The CX layer must lose no more than 0.01 r here.", "",
                "| set | n | paper (2014 code) | raw VADER | CX-aware | change |", "|---|---|---|---|---|---|"]
        out += [f"| {k} | {v['n']} | {v['paper_r']} | {_f(v['raw_r'])} | {_f(v['cx_r'])} | {v['delta']:+.4f} |"
                for k, v in r["ground_truth"].items()] + [""]
    if "airline" in r:
        out += ["## Airline tweets: 3-class agreement with human labels", "",
                "| split | n | raw accuracy | CX accuracy | raw macro-F1 | CX macro-F1 |", "|---|---|---|---|---|---|"]
        for split, v in r["airline"].items():
            tag = "tuning" if split == "tuning" else "held-out"
            out.append(f"| {tag} | {v['n']} | {_f(v['raw']['accuracy'])} | {_f(v['cx']['accuracy'])} | "
                       f"{_f(v['raw']['macro_f1'])} | {_f(v['cx']['macro_f1'])} |")
        out.append("")
    if "reviews" in r:
        out += ["## Reviews: correlation with star rating (Pearson / Spearman)", "",
                "Each review set is split into seeded halves: the tuning half chose the document combination, "
                "the held-out half is reported. `raw_whole` is raw VADER on the whole text (the stored raw score); "
                "`cx` is the stored CX-aware document score; the other rows are the alternatives we compared.", ""]
        names = list(r["reviews"])
        out += ["| score | " + " | ".join(f"{n} (held-out, n={r['reviews'][n]['holdout']['n']})" for n in names) + " |",
                "|---|" + "---|" * len(names)]
        variants = [k for k in r["reviews"][names[0]]["holdout"] if k != "n"] if names else []
        for v in variants:
            out.append(f"| {v} | " + " | ".join(f"{_f(r['reviews'][n]['holdout'][v]['pearson'])} / "
                                               f"{_f(r['reviews'][n]['holdout'][v]['spearman'])}" for n in names) + " |")
        out += ["", "Tuning halves, Pearson (raw_whole → cx): " + "; ".join(
            f"{n} {_f(r['reviews'][n]['tuning']['raw_whole']['pearson'])} → {_f(r['reviews'][n]['tuning']['cx']['pearson'])}"
            for n in names), ""]
    if "complaints" in r:
        out += ["## CFPB complaint narratives: share read as negative", "",
                "Every narrative is a complaint, so a higher negative share (and lower positive share) is better.", "",
                "| set | n | raw whole: neg / pos | CX: neg / pos | mean raw → CX |", "|---|---|---|---|---|"]
        for k, v in r["complaints"].items():
            tag = "CFPB 2015-16 (tuning)" if k == "cfpb_2015" else "CFPB sample (held-out)"
            out.append(f"| {tag} | {v['n']} | {_f(v['raw_whole']['share_negative'])} / {_f(v['raw_whole']['share_positive'])}"
                       f" | {_f(v['cx']['share_negative'])} / {_f(v['cx']['share_positive'])} | "
                       f"{_f(v['raw_whole']['mean'])} → {_f(v['cx']['mean'])} |")
        out.append("")
    if "uci" in r:
        out += ["## UCI labelled sentences (Amazon, IMDb, Yelp; held-out): sign accuracy", "",
                f"n = {r['uci']['n']}: raw {_f(r['uci']['raw_whole'])}, CX {_f(r['uci']['cx'])} "
                "(neutral counts as wrong).", ""]
    if "themes" in r:
        t = r["themes"]
        out += ["## Theme tagging: airline bank against human `negativereason`", "",
                f"Negative tweets with a reason other than \"Can't Tell\". {t['note']}. "
                "The bank was written on the tuning half.", "",
                "| reason | theme | n (held-out) | precision | recall | tuning P / R |", "|---|---|---|---|---|---|"]
        for reason, v in t["holdout"].items():
            tv = t["tuning"][reason]
            out.append(f"| {reason} | {v['theme']} | {v['n']} | {_f(v['precision'])} | {_f(v['recall'])} | "
                       f"{_f(tv['precision'])} / {_f(tv['recall'])} |")
        out += ["", f"Held-out tweets with no theme: {t['holdout_untagged_share']:.1%}.", ""]
    if "discovery" in r:
        out += ["## Theme discovery example", "", "Phrases most distinctive of negative versus positive airline "
                "tweets (tuning half; log-odds with an informative Dirichlet prior, Monroe et al. 2008): "
                + ", ".join(f"{d['phrase']} (z {d['z']:.1f}, {d['neg']}/{d['pos']})" for d in r["discovery"]) + ".", ""]
    if "timing" in r:
        tm = r["timing"]
        out += ["## Cost per text (ms)", "", "| text | raw (engine) | raw (vaderSentiment) | CX rules | full document |",
                "|---|---|---|---|---|"]
        for name in ("complaint", "tweet"):
            out.append(f"| {name} | {tm[f'{name}_raw_ms']} | {tm[f'{name}_reference_raw_ms']} | "
                       f"{tm[f'{name}_cx_overhead_ms']} | {tm[f'{name}_document_ms']} |")
        out.append("")
    out += ["## Splits", ""] + [f"- {k}: {v}" for k, v in r["splits"].items()] + [
        "", "Note: the review sets were first scored whole with an a-priori combination (length-weighted mean, "
        "negatives ×2), which did not beat whole-text scoring; the seeded tuning/held-out halves were introduced "
        "after that run, so the held-out halves had been seen once before the final combination was chosen. "
        "While building the CX rules we also listed which rules fired on the VADER tweets set and narrowed two "
        "that fired on non-CX text (counts such as '11,000 emails'); that listing showed the human ratings, "
        "so the tweets set is not perfectly untouched.",
        "", f"Computed in {r['seconds']} s."]
    return "\n".join(out) + "\n"


def write_report(report: dict[str, Any], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=float), encoding="utf-8")
    (out_dir / "report.md").write_text(render_markdown(report), encoding="utf-8")
