"""Import one file: read in batches, stage, validate, and write in one transaction.

Staging and validation happen in a private in-memory DuckDB, so the store is
locked only for the final write, and a failure or a killed process before
COMMIT leaves the store exactly as it was. Rows are keyed by a stable
``feedback_id`` (the export's own id when mapped, else the row's content and
its occurrence number), so importing the same file twice adds nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from vocsrc import config
from vocsrc.errors import ImportFailed, StoreBusy, VocError
from vocsrc.ingest import validate
from vocsrc.ingest.mapping import Mapping, complete_mapping
from vocsrc.ingest.readers import RawTable, file_checksum, open_table, preview
from vocsrc.store.connection import LOCK_WAIT_SECONDS, _is_lock_error, open_store
from vocsrc.store.schema import FEEDBACK_FIELDS

Progress = Callable[[float, str], None]


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


def _stage(mem: duckdb.DuckDBPyConnection, table: RawTable, progress: Progress | None) -> int:
    """Load every record into ``stg`` as text; returns the number of records."""
    names = [f"c{i}" for i in range(len(table.columns))]
    mem.execute("CREATE TABLE stg (_line INTEGER, " + ", ".join(f"{n} VARCHAR" for n in names) + ")")
    size = max(table.path.stat().st_size, 1)
    done = 0
    bytes_per_row = None
    for batch in table.batches():
        if not batch.rows:
            continue
        cols = list(zip(*batch.rows)) if batch.rows else [[] for _ in names]
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
    checksum = file_checksum(path)
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

    mem = duckdb.connect()
    try:
        mem.execute("SET TimeZone = 'UTC'")
        n_staged = _stage(mem, table, progress)
        if n_staged == 0 and not table.problems:
            raise ImportFailed(name, "headers only: no data rows")
        if progress:
            progress(0.9, "checking values")
        date_cols = [col_of[t] for t in col_of if FEEDBACK_FIELDS[t] in ("TIMESTAMP", "DATE")]
        fmts = validate.date_formats(mem, date_cols, mapping.date_order)
        p = validate.Params()
        select = validate.build_select(mapping, col_of, labels, extra_cols, fmts, p)
        mem.execute(f"CREATE TABLE val AS {select}", p.values)
        _keys(mem, mapping, col_of, len(table.columns))
        _problems_table(mem, table)
        if progress:
            progress(0.95, "writing to the store")
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


def _keys(mem: duckdb.DuckDBPyConnection, mapping: Mapping, col_of: dict[str, str], n_cols: int) -> None:
    """Add feedback_id (stable across re-imports) and text_hash to ``val``."""
    p = validate.Params()
    prefix = p.add(f"{mapping.kind}\x1f{mapping.source}\x1f")
    everything = ", ".join(f"coalesce(s.c{i}, '')" for i in range(n_cols))
    content = f"md5(concat_ws('\x1f', {everything}))"
    by_id = (f"md5({prefix} || 'id' || nullif(trim(s.{col_of['source_id']}), ''))"
             if "source_id" in col_of else "NULL")
    mem.execute(
        f"""CREATE TABLE keyed AS
            SELECT v.*, coalesce({by_id},
                                 md5({prefix} || {content} || '#' || row_number() OVER (
                                     PARTITION BY {content} ORDER BY v._line))) AS feedback_id,
                   md5_number_lower(v.text) AS text_hash
            FROM val v JOIN stg s USING (_line)""", p.values)


def _problems_table(mem: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    mem.execute("CREATE TABLE problems (line INTEGER, column_name VARCHAR, reason VARCHAR, raw JSON)")
    if table.problems:
        mem.executemany("INSERT INTO problems VALUES (?, ?, ?, ?)",
                        [[pr.line, pr.column, pr.reason, json.dumps({"record": pr.raw})]
                         for pr in table.problems])


def _write(mem: duckdb.DuckDBPyConnection, name: str, checksum: str, mapping: Mapping,
           table: RawTable) -> tuple[int, int, int, int]:
    """The one transaction that changes the store."""
    header = table.columns
    raw_pairs = ", ".join(f"$h{i}, s.c{i}" for i in range(len(header)))
    hp = {f"h{i}": h for i, h in enumerate(header)}
    fields = ", ".join(FEEDBACK_FIELDS)
    mem.execute("BEGIN TRANSACTION")
    try:
        import_id = mem.execute("SELECT coalesce(max(import_id), 0) + 1 FROM store.imports").fetchone()[0]
        mem.execute(
            """INSERT INTO store.imports (import_id, file_name, checksum, kind, source, mapping, started_at)
               VALUES (?, ?, ?, ?, ?, ?, now())""",
            [import_id, name, checksum, mapping.kind, mapping.source, mapping.name])
        # First occurrence of each id in this file, and not already in the store.
        mem.execute(
            """CREATE TEMP TABLE fresh AS
               SELECT k.* FROM (SELECT *, row_number() OVER (PARTITION BY feedback_id ORDER BY _line) AS rn
                                FROM keyed WHERE len(errs) = 0) k
               ANTI JOIN store.feedback f ON f.feedback_id = k.feedback_id
               WHERE k.rn = 1""")
        accepted = mem.execute(
            f"""INSERT INTO store.feedback (feedback_id, kind, source, {fields}, text_hash, extra, import_id, source_line)
                SELECT feedback_id, ?, ?, {fields}, text_hash, extra, ?, _line FROM fresh""",
            [mapping.kind, mapping.source, import_id]).fetchone()[0]
        # A rejected line already on record for this same file is a duplicate, not a new rejection.
        seen = """ANTI JOIN (SELECT r.line FROM store.rejected r JOIN store.imports i USING (import_id)
                             WHERE i.checksum = $checksum) old ON old.line = x.line"""
        rejected = mem.execute(
            f"""INSERT INTO store.rejected
                SELECT $import_id, $name, x.line, x.column_name, x.reason, x.raw FROM (
                    SELECT k._line AS line, k.errs[1].col AS column_name,
                           array_to_string(list_transform(k.errs, lambda e: e.msg), '; ') AS reason,
                           json_object({raw_pairs}) AS raw
                    FROM keyed k JOIN stg s USING (_line) WHERE len(k.errs) > 0
                    UNION ALL SELECT line, column_name, reason, raw FROM problems) x {seen}""",
            {"import_id": import_id, "name": name, "checksum": checksum, **hp}).fetchone()[0]
        total = mem.execute("SELECT count(*) FROM stg").fetchone()[0] + len(table.problems)
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
