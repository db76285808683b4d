"""Score and theme-tag the store's texts: new ones after an import, or all on rescore.

Scores are keyed by text hash, so each distinct text is scored once however
often it occurs. Work is committed batch by batch: an interrupted run keeps
what it finished, and the next run picks up the texts still missing or scored
by an older ``scorer`` version.

Speed: the texts to do are copied once into a temporary table (re-running the
anti-join per batch re-reads the whole store each time); worker processes score
*and* tag each chunk, so tagging runs on every core instead of after scoring in
the parent; workers return Arrow record batches, and each batch is written with one
Arrow insert while the workers already score the next batch.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from vocsrc import config, rollup
from vocsrc.sentiment.textscore import TextScore
from vocsrc.sentiment.workers import worker_pool
from vocsrc.store import open_store

BATCH = 100_000  # texts per write (one transaction)
CHUNK = 500  # texts per worker task: big enough that messages cost little, small enough to balance
_PARALLEL_MIN = 2000  # below this, starting worker processes costs more than it saves
_SCORE_COLUMNS = ("vader_compound", "vader_pos", "vader_neu", "vader_neg", "cx_compound", "label", "cx_label",
                  "n_sentences", "neg_sentence", "pos_sentence")
assert _SCORE_COLUMNS == TextScore._fields  # _score_and_tag transposes TextScores into these columns


@dataclass(frozen=True)
class ScoringResult:
    scored: int
    seconds: float
    scorer: str

    @property
    def rate(self) -> float:
        return self.scored / self.seconds if self.seconds else 0.0


def _shaping_files() -> list[Path]:
    from vocsrc.sentiment import cx
    from vocsrc.themes import bank
    from vocsrc.themes.user_bank import user_bank_path

    user_bank = user_bank_path()
    files = [cx.DEFAULT_LEXICON, os.environ.get(cx.ENV_VAR), bank.DEFAULT_BANK, user_bank if user_bank.exists() else None]
    return [Path(f) for f in files if f]


_VERSIONS: dict[tuple, str] = {}


def scorer_version() -> str:
    """Engine plus a digest of every lexicon, rule and theme file that shapes a score, plus
    the document-score definitions' version.

    Cached per file state, not per process: adopting a phrase into the user bank
    must change the version a long-lived process (the app, a test) computes.
    """
    from vocsrc.sentiment.document import DOCUMENT_VERSION
    from vocsrc.sentiment.engine import engine_name

    files = _shaping_files()
    key = tuple((str(p), *((st.st_mtime_ns, st.st_size) if (st := _stat(p)) else ())) for p in files)
    if key not in _VERSIONS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.read_bytes())
        # +doc: the document-score definitions (evidence sentences...) of sentiment/document.py
        _VERSIONS[key] = f"{engine_name()}+cx:{digest.hexdigest()[:12]}+doc{DOCUMENT_VERSION}"
    return _VERSIONS[key]


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:
        return None


# ---------------------------------------------------------------- worker side

_BANK = None  # the bank in effect, set in the parent before forking or by _init_worker


def _init_worker(bank_path: str | None) -> None:
    global _BANK
    from vocsrc.sentiment.engine import raw_analyzer
    from vocsrc.themes.bank import load_bank

    raw_analyzer()  # load the lexicon once per worker, not inside the first task
    _BANK = load_bank(bank_path, use_env=False)


def _preload() -> None:
    """What forked workers inherit: the scoring side's (document.preload) and the bank's scan."""
    from vocsrc.sentiment.document import preload
    from vocsrc.themes.tagging import tag_batch

    preload()
    tag_batch(["a text to build the bank's scan"], _BANK)


def _score_and_tag(texts: list[str]) -> pa.RecordBatch:
    """Scores and each text's theme keys, as one Arrow record batch: built here, on a worker's
    core, it crosses to the parent as a few buffers (unpickling ~11 Python objects per text
    there cost more than the parent's insert) and goes into DuckDB as it is."""
    from vocsrc.sentiment.document import score_batch
    from vocsrc.themes.tagging import tag_batch

    scores = score_batch(texts)
    # a TextScore is a tuple of these columns in this order: transposed in C, not field by field
    cols = tuple(map(list, zip(*scores))) if scores else tuple([] for _ in _SCORE_COLUMNS)
    arrays = [pa.array(col, _TYPES.get(name, pa.float64())) for name, col in zip(_SCORE_COLUMNS, cols)]
    arrays.append(pa.array(tag_batch(texts, _BANK), pa.list_(pa.string())))
    return pa.RecordBatch.from_arrays(arrays, schema=_SCHEMA)


_TYPES = {"n_sentences": pa.int32(), "neg_sentence": pa.string(), "pos_sentence": pa.string(),
          "label": pa.string(), "cx_label": pa.string()}
_SCHEMA = pa.schema([(name, _TYPES.get(name, pa.float64())) for name in _SCORE_COLUMNS]
                    + [("themes", pa.list_(pa.string()))])


# ---------------------------------------------------------------- parent side


def _pending_table(con: duckdb.DuckDBPyConnection, rescore: bool, version: str) -> int:
    stale = "s.text_hash IS NULL OR s.scorer <> ?" if rescore else "s.text_hash IS NULL"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE scoring_pending AS
            SELECT row_number() OVER () AS rn, text_hash, text FROM (
                SELECT f.text_hash, any_value(f.text) AS text FROM feedback f LEFT JOIN text_scores s USING (text_hash)
                WHERE f.text IS NOT NULL AND ({stale}) GROUP BY f.text_hash)""", [version] if rescore else [])
    return con.execute("SELECT count(*) FROM scoring_pending").fetchall()[0][0]


def _batches(con: duckdb.DuckDBPyConnection, total: int) -> Iterator[tuple[pa.Array, list[str]]]:
    for start in range(0, total, BATCH):
        tbl = con.sql("SELECT text_hash, text FROM scoring_pending WHERE rn > $lo AND rn <= $hi ORDER BY rn",
                      params={"lo": start, "hi": start + BATCH}).to_arrow_table()
        yield tbl.column("text_hash").combine_chunks(), tbl.column("text").to_pylist()


def _start_method() -> str:
    # fork is cheapest (workers inherit the loaded lexicon and bank) but can deadlock a
    # child when the parent runs other threads (Streamlit does): fork only when single-threaded
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def score_new_texts(db: str | Path | None = None, *, progress: Callable[[float, str], None] | None = None,
                    rescore: bool = False, processes: int | None = None,
                    con: duckdb.DuckDBPyConnection | None = None) -> ScoringResult:
    """Score texts without a current score; with ``rescore`` also those by an older scorer."""
    if con is None:
        with open_store(config.db_path(db)) as own:
            return score_new_texts(progress=progress, rescore=rescore, processes=processes, con=own)
    global _BANK
    from vocsrc.sentiment.document import _cores
    from vocsrc.themes.bank import load_bank
    from vocsrc.themes.user_bank import user_bank_path

    started = time.monotonic()
    version = scorer_version()
    total = _pending_table(con, rescore, version)
    user_bank = user_bank_path()
    bank_path = str(user_bank) if user_bank.exists() else None
    _BANK = load_bank(bank_path, use_env=False)
    procs = max(1, processes if processes is not None else _cores())
    done = 0

    def report(n: int) -> None:
        if progress:
            progress(min(n / max(total, 1), 1.0), f"{n:,} of {total:,} texts")

    try:
        if procs == 1 or total < _PARALLEL_MIN or mp.current_process().daemon:
            for hashes, texts in _batches(con, total):
                parts = []
                for i in range(0, len(texts), CHUNK):
                    parts.append(_score_and_tag(texts[i:i + CHUNK]))
                    report(done + min(i + CHUNK, len(texts)))
                _write_batch(con, hashes, parts, version, rescore)
                done += len(texts)
        else:
            method = _start_method()
            if method == "fork":
                # forked workers inherit what is loaded here (each loaded its own before: ~0.1 s)
                _preload()
            init = None if method == "fork" else _init_worker
            with worker_pool(mp.get_context(method), procs, init, (bank_path,)) as pool:
                waiting = None  # (hashes, results in order, size) of the batch the workers are on
                for hashes, texts in _batches(con, total):
                    running = pool.map(_score_and_tag, [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)])
                    if waiting is not None:  # the workers score this batch while we collect and write the last
                        done = _collect_and_write(con, waiting, version, rescore, done, report)
                    waiting = (hashes, running, len(texts))
                if waiting is not None:
                    done = _collect_and_write(con, waiting, version, rescore, done, report)
    finally:
        con.execute("DROP TABLE IF EXISTS scoring_pending")
    report(done)
    return ScoringResult(scored=done, seconds=round(time.monotonic() - started, 3), scorer=version)


def _collect_and_write(con: duckdb.DuckDBPyConnection, waiting: tuple, version: str, rescore: bool, done: int,
                       report: Callable[[int], None]) -> int:
    hashes, running, size = waiting
    parts, got = [], 0
    for part in running:
        parts.append(part)
        got += part.num_rows
        report(done + got)
    _write_batch(con, hashes, parts, version, rescore)
    return done + size


def _write_batch(con: duckdb.DuckDBPyConnection, hashes: pa.Array, parts: list[pa.RecordBatch], version: str,
                 rescore: bool) -> None:
    """Write one batch's scores and themes in a single transaction (replacing old rows on rescore)."""
    table = pa.Table.from_batches(parts, schema=_SCHEMA)
    scores = table.drop_columns(["themes"]).add_column(0, "text_hash", hashes)
    themes = table.column("themes").combine_chunks()
    tagged = pa.table({"text_hash": pc.take(hashes, pc.list_parent_indices(themes)),
                       "theme": pc.list_flatten(themes)})
    con.register("batch_scores", scores)
    con.register("batch_themes", tagged)
    con.execute("BEGIN TRANSACTION")
    try:
        if rescore:
            con.execute("DELETE FROM text_scores WHERE text_hash IN (SELECT text_hash FROM batch_scores)")
            con.execute("DELETE FROM text_themes WHERE text_hash IN (SELECT text_hash FROM batch_scores)")
        con.execute(f"INSERT INTO text_scores SELECT text_hash, {', '.join(_SCORE_COLUMNS)}, ? FROM batch_scores",
                    [version])
        con.execute("INSERT INTO text_themes SELECT text_hash, theme, 'default' FROM batch_themes")
        rollup.invalidate(con)  # the dashboard's rollups hold the scores replaced here
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.unregister("batch_scores")
        con.unregister("batch_themes")
