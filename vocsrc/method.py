"""What the Method page shows: the method in words (with today's settings filled in),
the theme bank and CX rules, the engines behind the stored scores, the evaluation report."""

from __future__ import annotations

from pathlib import Path
from string import Template

import duckdb
import pandas as pd

from vocsrc import config

METHOD_MD = Path(__file__).resolve().parent / "docs" / "method.md"
EVALUATION_DIR = config.DATA_DIR / "evaluation"
# where `python -m vocsrc evaluate` looks for the human-rated data sets by default
EXTERNAL_DIR = config.PROJECT_DIR.parent / "shared" / "data" / "external"


def method_text() -> str:
    """The Method page's prose with the settings in force substituted, so the words cannot drift."""
    from vocsrc.metrics import METHOD_NOTE
    from vocsrc.sentiment import document
    from vocsrc.sentiment.cx import default_lexicon
    from vocsrc.stats import SENTIMENT_TOP_BOX_AT

    values = {
        "cx_rules": len(default_lexicon().rules), "cx_note": METHOD_NOTE["cx"],
        "short_words": document.SHORT_WORDS, "neg_weight": f"{document.NEG_WEIGHT:g}",
        "pos": f"{document.POS_THRESHOLD:+g}", "neg": f"{document.NEG_THRESHOLD:+g}",
        "top_box": f"{SENTIMENT_TOP_BOX_AT:+g}", "min_n_share": config.MIN_N_SHARE,
        "min_n_compare": config.MIN_N_COMPARE, "rule_screen": rule_screen(),
    }
    return Template(METHOD_MD.read_text(encoding="utf-8")).substitute(values)


def rule_screen() -> str:
    """Which first pass picks the comments the CX rules run on, in words."""
    from vocsrc.sentiment.cx import default_lexicon
    from vocsrc.sentiment.rulescan import rule_scan

    if rule_scan(default_lexicon()) is not None:
        import hyperscan

        return f"Hyperscan {hyperscan.__version__} matches every rule in one compiled pass over each comment"
    return ("an index of each rule's words (Hyperscan is not installed, is switched off by VOC_RULESCAN=off, "
            "or cannot read one of your rules), slower on long comments")


def bank_table(bank) -> pd.DataFrame:
    """One row per theme of a ThemeBank: key, description, parent, phrases, patterns, file(s)."""
    return pd.DataFrame([{"theme": t.key, "description": t.description, "parent": t.parent or "",
                          "phrases": ", ".join(t.phrases), "patterns": len(t.patterns),
                          "defined in": ", ".join(Path(s).name for s in t.source.split(" + "))}
                         for t in bank.themes])


def cx_rules_table() -> pd.DataFrame:
    """The CX layer's rules: name, what each is for, and the valence it adds."""
    from vocsrc.sentiment.cx import default_lexicon

    return pd.DataFrame([{"rule": r.key, "description": r.description, "valence": r.valence,
                          "examples": ", ".join(r.phrases[:4])} for r in default_lexicon().rules])


def scorer_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Which engine and lexicon version produced the stored scores: scorer, texts, share."""
    frame = con.execute("""SELECT scorer, count(*) AS texts FROM text_scores
                           GROUP BY 1 ORDER BY 2 DESC, 1""").df()
    total = frame["texts"].sum()
    frame["share"] = frame["texts"] / total if total else 0.0
    return frame


def theme_bank_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Tagged comments per stored bank name (the tags the pages read)."""
    return con.execute("""SELECT bank, count(DISTINCT text_hash) AS texts, count(*) AS tags
                          FROM text_themes GROUP BY 1 ORDER BY 1""").df()


def current_scorer() -> str:
    """The scorer version a rescore would write now (engine + digest of lexicon and bank files)."""
    from vocsrc.scoring import scorer_version

    return scorer_version()


def evaluation_report(directory: Path | None = None) -> str | None:
    """The last evaluation report (Markdown), or None when none has been written."""
    path = Path(directory or EVALUATION_DIR) / "report.md"
    return path.read_text(encoding="utf-8") if path.is_file() else None


def external_data_present(directory: Path | None = None) -> bool:
    """Whether the human-rated data sets the evaluation reads are on this machine."""
    folder = Path(directory or EXTERNAL_DIR)
    return folder.is_dir() and any(folder.iterdir())
