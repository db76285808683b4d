"""Score and theme-tag the store's texts: new ones after an import, or all on rescore.

Scores are keyed by text hash, so each distinct text is scored once however
often it occurs. Work is committed chunk by chunk: an interrupted run keeps
what it finished, and the next run picks up the texts still missing or scored
by an older ``scorer`` version.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import pyarrow as pa

from vocsrc import config
from vocsrc.store import open_store

CHUNK = 50_000


@dataclass(frozen=True)
class ScoringResult:
    scored: int
    seconds: float
    scorer: str

    @property
    def rate(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


@lru_cache(maxsize=1)
def scorer_version() -> str:
    """Engine plus a digest of every lexicon, rule and theme file that shapes a score."""
    import os

    from vocsrc.sentiment import cx
    from vocsrc.sentiment.engine import engine_name
    from vocsrc.themes import bank

    digest = hashlib.sha256()
    files = [cx.DEFAULT_LEXICON, os.environ.get(cx.ENV_VAR), bank.DEFAULT_BANK, os.environ.get(bank.ENV_VAR)]
    for path in filter(None, files):
        digest.update(Path(path).read_bytes())
    return f"{engine_name()}+cx:{digest.hexdigest()[:12]}"


def _pending(con: duckdb.DuckDBPyConnection, rescore: bool, version: str) -> int:
    stale = "s.text_hash IS NULL OR s.scorer <> ?" if rescore else "s.text_hash IS NULL"
    return con.execute(
        f"""SELECT count(DISTINCT f.text_hash) FROM feedback f LEFT JOIN text_scores s USING (text_hash)
            WHERE f.text IS NOT NULL AND ({stale})""", [version] if rescore else []).fetchone()[0]


def score_new_texts(db: str | Path | None = None, *, progress: Callable[[float, str], None] | None = None,
                    rescore: bool = False, processes: int | None = None,
                    con: duckdb.DuckDBPyConnection | None = None) -> ScoringResult:
    """Score texts without a current score; with ``rescore`` also those by an older scorer."""
    if con is None:
        with open_store(config.db_path(db)) as own:
            return score_new_texts(progress=progress, rescore=rescore, processes=processes, con=own)
    from vocsrc.sentiment.document import score_many
    from vocsrc.themes.bank import default_bank
    from vocsrc.themes.tagging import tag_many

    started = time.monotonic()
    version = scorer_version()
    total = _pending(con, rescore, version)
    bank = default_bank()
    done = 0
    stale = "s.text_hash IS NULL OR s.scorer <> $v" if rescore else "s.text_hash IS NULL"
    while done < total:
        rows = con.execute(
            f"""SELECT f.text_hash, any_value(f.text) FROM feedback f LEFT JOIN text_scores s USING (text_hash)
                WHERE f.text IS NOT NULL AND ({stale}) GROUP BY f.text_hash LIMIT $n""",
            {"n": CHUNK, **({"v": version} if rescore else {})}).fetchall()
        if not rows:
            break
        hashes = [r[0] for r in rows]
        texts = [r[1] for r in rows]

        def chunk_progress(d: int, t: int, base: int = done) -> None:
            if progress:
                progress(min((base + d) / max(total, 1), 1.0), f"{base + d:,} of {total:,} texts")

        scores = score_many(texts, processes=processes, progress=chunk_progress)
        themes = tag_many(texts, bank)
        _write_chunk(con, hashes, scores, themes, version, "default")
        done += len(rows)
        if progress:
            progress(min(done / max(total, 1), 1.0), f"{done:,} of {total:,} texts")
    return ScoringResult(scored=done, seconds=round(time.monotonic() - started, 3), scorer=version)


def _write_chunk(con: duckdb.DuckDBPyConnection, hashes: list[int], scores: list, themes: list[list[str]],
                 version: str, bank_name: str) -> None:
    """Replace one chunk's scores and themes in a single transaction."""
    table = pa.table({
        "text_hash": pa.array(hashes, pa.uint64()),
        "vader_compound": [s.vader_compound for s in scores],
        "vader_pos": [s.vader_pos for s in scores],
        "vader_neu": [s.vader_neu for s in scores],
        "vader_neg": [s.vader_neg for s in scores],
        "cx_compound": [s.cx_compound for s in scores],
        "label": [s.label for s in scores],
        "cx_label": [s.cx_label for s in scores],
        "n_sentences": pa.array([s.n_sentences for s in scores], pa.int32()),
        "neg_sentence": pa.array([s.neg_sentence for s in scores], pa.string()),
        "pos_sentence": pa.array([s.pos_sentence for s in scores], pa.string()),
    })
    pairs = [(h, t) for h, ts in zip(hashes, themes) for t in ts]
    tagged = pa.table({"text_hash": pa.array([p[0] for p in pairs], pa.uint64()),
                       "theme": pa.array([p[1] for p in pairs], pa.string())})
    con.register("chunk_scores", table)
    con.register("chunk_themes", tagged)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM text_scores WHERE text_hash IN (SELECT text_hash FROM chunk_scores)")
        con.execute("DELETE FROM text_themes WHERE text_hash IN (SELECT text_hash FROM chunk_scores)")
        con.execute("INSERT INTO text_scores SELECT *, ? FROM chunk_scores", [version])
        con.execute("INSERT INTO text_themes SELECT text_hash, theme, ? FROM chunk_themes", [bank_name])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("chunk_scores")
        con.unregister("chunk_themes")
