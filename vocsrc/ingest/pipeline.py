"""Import one file: read in batches, stage, validate, and write in one transaction.

Staging and validation happen in a private in-memory DuckDB, so the store is
locked only for the final write, and a failure or a killed process before
COMMIT leaves the store exactly as it was. Rows are keyed by a stable
``feedback_id`` (the export's own id when mapped, else the row's content and
its occurrence number), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import concurrent.futures
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from vocsrc import config
from vocsrc.errors import ImportFailed, StoreBusy, VocError
from vocsrc.ingest import fastcsv, validate
from vocsrc.ingest.mapping import Mapping, complete_mapping
from vocsrc.ingest.readers import RawTable, file_checksum, open_table, preview
from vocsrc.store.connection import LOCK_WAIT_SECONDS, _is_lock_error, open_store
from vocsrc.store.schema import fields_for

Progress = Callable[[float, str], None]
# Staging spills to disk beyond this, so a big file never needs its size in memory.
MEMORY_LIMIT = "512MB"


@dataclass(frozen=True)
class ImportResult:
    file: str
    import_id: int
    kind: str
    source: str
    mapping: str
    checksum: str
    rows_read: int
    accepted: int
    rejected: int
    duplicate: int
    seconds: float
    columns: dict[str, str]

    def to_dict(self) -> dict:
        return asdict(self)


def _questions(path: Path, mapping: Mapping) -> dict[str, str] | None:
    if not mapping.question_row:
        return None
    headers, rows = preview(path, n=mapping.question_row, header_rows=mapping.header_rows,
                            sheet=mapping.sheet)
    if len(rows) < mapping.question_row:
        return None
    return {h: (v or "") for h, v in zip(headers, rows[mapping.question_row - 1])}


def _stage(mem: duckdb.DuckDBPyConnection, table: RawTable, progress: Progress | None,
           skip_after_header: int = 0) -> int:
    """Load every record into ``stg`` as text; returns the number of records."""
    if progress:
        progress(0.05, "reading")
    fast = fastcsv.stage(mem, table, skip_after_header)
    if fast is not None:
        return fast
    names = [f"c{i}" for i in range(len(table.columns))]
    mem.execute("CREATE TABLE stg (_line INTEGER, " + ", ".join(f"{n} VARCHAR" for n in names) + ")")
    size = max(table.path.stat().st_size, 1)
    done = 0
    bytes_per_row = None
    for batch in table.batches():
        if not batch.rows:
            continue
        # Lists, not the tuples zip gives: pyarrow converts lists several times faster.
        cols = [list(c) for c in zip(*batch.rows)]
        arrow = pa.table({"_line": pa.array(batch.lines, pa.int32()),
                          **{n: pa.array(c, pa.string()) for n, c in zip(names, cols)}})
        mem.register("batch_view", arrow)
        mem.execute("INSERT INTO stg SELECT * FROM batch_view")
        mem.unregister("batch_view")
        done += len(batch.rows)
        if progress:
            if bytes_per_row is None:
                sample = batch.rows[: 200]
                bytes_per_row = max(sum(len(c or "") + 1 for r in sample for c in r) / len(sample), 1)
            progress(min(0.9 * done * bytes_per_row / size, 0.9), f"read {done:,} rows")
    return done


def _attach(mem: duckdb.DuckDBPyConnection, db: Path, wait: float) -> None:
    # ATTACH takes no bound parameter for its path; quote it as a SQL string literal.
    literal = "'" + str(db).replace("'", "''") + "'"
    deadline = time.monotonic() + wait
    while True:
        try:
            mem.execute(f"ATTACH {literal} AS store")
            return
        except duckdb.Error as exc:
            if not _is_lock_error(exc) or time.monotonic() >= deadline:
                if _is_lock_error(exc):
                    raise StoreBusy(f"{db} is in use by another program (the dashboard or another "
                                    f"import) and stayed locked for {wait:.0f} s. Wait for that import "
                                    "to finish and run the command again.") from exc
                raise
            time.sleep(0.1)


def import_file(path: str | Path, *, db: str | Path | None = None, mapping: Mapping | None = None,
                kind: str | None = None, source: str | None = None,
                file_name: str | None = None, progress: Progress | None = None,
                wait: float | None = None) -> ImportResult:
    """Import a file completely or not at all; see the module docstring."""
    started = time.monotonic()
    path = Path(path)
    name = file_name or path.name
    if not path.exists():
        raise ImportFailed(name, "file not found")
    db_file = config.db_path(db)
    with open_store(db_file, wait=wait):
        pass  # create and migrate before staging, so the final write needs no DDL
    # Hashing a big file takes as long as staging it; hashlib releases the GIL, so do both at once.
    hashing = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    checksum_future = hashing.submit(file_checksum, path)
    hashing.shutdown(wait=False)
    mapping = mapping or Mapping(auto=True)
    try:
        table = open_table(path, header_rows=mapping.header_rows,
                           skip_after_header=mapping.skip_after_header, sheet=mapping.sheet)
    except VocError as exc:
        raise ImportFailed(name, getattr(exc, "problem", str(exc))) from exc
    mapping = complete_mapping(mapping, table.columns, name, kind, source, _questions(path, mapping))
    stg_col = {h: f"c{i}" for i, h in enumerate(table.columns)}
    col_of = {t: stg_col[h] for t, h in mapping.columns.items()}
    labels = dict(mapping.columns)
    used = set(mapping.columns.values())
    extra_cols = {h: stg_col[h] for h in table.columns if h not in used} if mapping.keep_extra else {}

    # DuckDB's own progress bar is for interactive use: here it would write to our
    # stdout (the CLI's JSON) and slow long statements; we report progress ourselves.
    mem = duckdb.connect(config={"preserve_insertion_order": False, "memory_limit": MEMORY_LIMIT,
                                 "temp_directory": tempfile.gettempdir()})
    try:
        mem.execute("SET TimeZone = 'UTC'")
        mem.execute("SET enable_progress_bar = false")
        n_staged = _stage(mem, table, progress, mapping.skip_after_header)
        if n_staged == 0 and not table.problems:
            raise ImportFailed(name, "headers only: no data rows")
        if progress:
            progress(0.9, "checking values")
        date_cols = [col_of[t] for t in col_of if fields_for(mapping.kind)[t] in ("TIMESTAMP", "DATE")]
        fmts = validate.date_formats(mem, date_cols, mapping.date_order)
        p = validate.Params()
        select = validate.build_select(mapping, col_of, labels, extra_cols, fmts, p,
                                       _key_columns(mapping, col_of, len(table.columns), table.columns, p),
                                       {h: stg_col[h] for h in mapping.exclude if h in stg_col})
        mem.execute(f"CREATE TABLE val AS {select}", p.values)
        # Everything needed from staging is in val now; free it before the write.
        kind_of_stg = mem.execute("SELECT table_type FROM information_schema.tables WHERE table_name = 'stg'").fetchone()[0]
        mem.execute("DROP VIEW stg" if kind_of_stg == "VIEW" else "DROP TABLE stg")
        mem.execute("DROP TABLE IF EXISTS stg_fast")
        _fill_content_ids(mem, mapping)
        _problems_table(mem, table)
        if progress:
            progress(0.95, "writing to the store")
        checksum = checksum_future.result()
        _attach(mem, db_file, LOCK_WAIT_SECONDS if wait is None else wait)
        counts = _write(mem, name, checksum, mapping, table)
    except ImportFailed:
        raise
    except VocError:
        raise
    except duckdb.Error as exc:
        raise ImportFailed(name, f"the store was not changed: {exc}") from exc
    finally:
        mem.close()
    if progress:
        progress(1.0, "done")
    import_id, accepted, rejected, duplicate = counts
    return ImportResult(file=name, import_id=import_id, kind=mapping.kind or "", source=mapping.source or "",
                        mapping=mapping.name, checksum=checksum, rows_read=n_staged + len(table.problems),
                        accepted=accepted, rejected=rejected, duplicate=duplicate,
                        seconds=round(time.monotonic() - started, 3), columns=dict(mapping.columns))


def _key_columns(mapping: Mapping, col_of: dict[str, str], n_cols: int, header: list[str],
                 p: validate.Params) -> str:
    """Extra SELECT items for ``val``: the id-based key, a content key where there is no id,
    the text hash, and the raw record (only for rows that will be rejected)."""
    by_id = "NULL::VARCHAR"
    # Blank and whitespace-only cells count as empty whichever reader staged the file.
    everything = ", ".join(f"CASE WHEN trim(c{i}) = '' THEN '' ELSE coalesce(c{i}, '') END" for i in range(n_cols))
    if mapping.kind == "customer":
        # A customer row is keyed by its whole content: the same row again is a duplicate,
        # a changed row (new revenue, a left date) is a new version of that customer.
        prefix = p.add("customer\x1f")
        key = f"md5({prefix} || coalesce(trim({col_of['customer_id']}), '') || '\x1f' || concat_ws('\x1f', {everything}))"
        raw = "json_object(" + ", ".join(f"{p.add(h)}, c{i}" for i, h in enumerate(header)) + ")"
        return f"{key} AS feedback_id, NULL::VARCHAR AS content_key, CASE WHEN len(errs) > 0 THEN {raw} END AS raw"
    if "source_id" in col_of:
        prefix = p.add(f"{mapping.kind}\x1f{mapping.source}\x1f")
        by_id = f"md5({prefix} || 'id' || nullif(trim({col_of['source_id']}), ''))"
    # CASE evaluates the content hash only for rows without an id.
    content = f"CASE WHEN {by_id} IS NULL THEN md5(concat_ws('\x1f', {everything})) END"
    raw = "json_object(" + ", ".join(f"{p.add(h)}, c{i}" for i, h in enumerate(header)) + ")"
    return (f"{by_id} AS feedback_id, {content} AS content_key, "
            f"CASE WHEN len(errs) > 0 THEN {raw} END AS raw")


def _fill_content_ids(mem: duckdb.DuckDBPyConnection, mapping: Mapping) -> None:
    """Rows without an id get content + occurrence number: identical rows in one file stay
    distinct, and the same file imported again gives the same ids."""
    if not mem.execute("SELECT count(*) FROM val WHERE feedback_id IS NULL").fetchone()[0]:
        return
    p = validate.Params()
    prefix = p.add(f"{mapping.kind}\x1f{mapping.source}\x1f")
    mem.execute(
        f"""UPDATE val SET feedback_id = k.id FROM (
                SELECT _line, md5({prefix} || content_key || '#' ||
                                  row_number() OVER (PARTITION BY content_key ORDER BY _line)) AS id
                FROM val WHERE feedback_id IS NULL) k
            WHERE val._line = k._line""", p.values)


def _problems_table(mem: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    mem.execute("CREATE TABLE problems (line INTEGER, column_name VARCHAR, reason VARCHAR, raw JSON)")
    if table.problems:
        mem.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)",
                        [[pr.line, pr.column, pr.reason, json.dumps({"record": pr.raw})]
                         for pr in table.problems])


def _write(mem: duckdb.DuckDBPyConnection, name: str, checksum: str, mapping: Mapping,
           table: RawTable) -> tuple[int, int, int, int]:
    """The one transaction that changes the store."""
    fields = ", ".join(fields_for(mapping.kind))
    # The first occurrence of an id in this file wins; later ones are duplicates.
    repeats = mem.execute("SELECT count(*) - count(DISTINCT feedback_id) FROM val WHERE len(errs) = 0").fetchone()[0]
    first = ("QUALIFY row_number() OVER (PARTITION BY v.feedback_id ORDER BY v._line) = 1" if repeats else "")
    mem.execute("BEGIN TRANSACTION")
    try:
        import_id = mem.execute("SELECT coalesce(max(import_id), 0) + 1 FROM store.imports").fetchone()[0]
        mem.execute(
            """INSERT INTO store.imports (import_id, file_name, checksum, kind, source, mapping, started_at)
               VALUES (?, ?, ?, ?, ?, ?, now())""",
            [import_id, name, checksum, mapping.kind, mapping.source, mapping.name])
        if mapping.kind == "customer":
            accepted = mem.execute(
                f"""INSERT INTO store.customer_versions (row_key, {fields}, extra, import_id, source_line)
                    SELECT v.feedback_id, {fields}, v.extra, ?, v._line
                    FROM val v ANTI JOIN store.customer_versions c ON c.row_key = v.feedback_id
                    WHERE len(v.errs) = 0 {first}""", [import_id]).fetchone()[0]
        else:
            accepted = mem.execute(
                f"""INSERT INTO store.feedback (feedback_id, kind, source, {fields}, text_hash, extra, import_id, source_line)
                    SELECT v.feedback_id, ?, ?, {fields}, md5_number_lower(v.text), v.extra, ?, v._line
                    FROM val v ANTI JOIN store.feedback f ON f.feedback_id = v.feedback_id
                    WHERE len(v.errs) = 0 {first}""",
                [mapping.kind, mapping.source, import_id]).fetchone()[0]
        # A rejected line already on record for this same file is a duplicate, not a new rejection.
        rejected = mem.execute(
            """INSERT INTO store.rejected
               SELECT $import_id, $name, x.line, x.column_name, x.reason, x.raw FROM (
                   SELECT _line AS line, errs[1].col AS column_name,
                          array_to_string(list_transform(errs, lambda e: e.msg), '; ') AS reason, raw
                   FROM val WHERE len(errs) > 0
                   UNION ALL SELECT line, column_name, reason, raw FROM problems) x
               ANTI JOIN (SELECT r.line FROM store.rejected r JOIN store.imports i USING (import_id)
                          WHERE i.checksum = $checksum) old ON old.line = x.line""",
            {"import_id": import_id, "name": name, "checksum": checksum}).fetchone()[0]
        total = mem.execute("SELECT count(*) FROM val").fetchone()[0] + len(table.problems)
        duplicate = total - accepted - rejected
        mem.execute(
            """UPDATE store.imports SET finished_at = now(), rows_read = ?, rows_accepted = ?,
                      rows_rejected = ?, rows_duplicate = ? WHERE import_id = ?""",
            [total, accepted, rejected, duplicate, import_id])
        mem.execute("COMMIT")
    except Exception:
        mem.execute("ROLLBACK")
        raise
    mem.execute("DETACH store")
    return import_id, accepted, rejected, duplicate
