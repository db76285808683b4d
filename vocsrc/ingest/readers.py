"""Streaming readers for the exports users bring: CSV/TSV/TXT, XLSX, Parquet, JSON, NDJSON.

``open_table`` reads a file's header and checks it has data; ``RawTable.batches``
then streams the rows as strings, every row exactly as wide as the header, with
each record's line number. Nothing is dropped silently: a record that cannot
become a row is a ``RowProblem`` carrying its raw text, and a file that cannot
be read at all raises ``ImportFailed`` with a message the user can act on.
Only a JSON document (not NDJSON) is held in memory whole.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from vocsrc.errors import ImportFailed
from vocsrc.ingest import delimited, sniff, structured, xlsx
from vocsrc.ingest.encodings import check_encoding_name, check_text, detect_encoding
from vocsrc.ingest.rawtable import RawBatch, RawTable, RowProblem

__all__ = ["RawBatch", "RawTable", "RowProblem", "file_checksum", "open_table", "preview"]

FORMATS = ("csv", "xlsx", "parquet", "json", "ndjson")
_TEXT_TABLE = {".csv", ".tsv", ".txt", ".tab", ".psv", ".dat", ""}
_MAGIC = (
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook or an encrypted file; save it as .xlsx (no password) or CSV"),
    (b"%PDF", "a PDF document, not a data export"),
    (b"\x1f\x8b", "a gzip archive; unpack it first"),
    (b"BZh", "a bzip2 archive; unpack it first"),
    (b"7z\xbc\xaf", "a 7-Zip archive; unpack it first"),
    (b"\x89PNG", "an image, not a data export"),
    (b"\xff\xd8\xff", "an image, not a data export"),
    (b"SQLite format 3", "a SQLite database, not a data export"),
)
_NOT_TABLES = {".html", ".htm", ".xml", ".doc", ".docx", ".pptx", ".pdf", ".zip", ".gz", ".xls", ".numbers", ".ods"}


def _json_kind(path: Path, encoding: str) -> str:
    """'json' for one document, 'ndjson' for one object per line."""
    with sniff.open_text(path, encoding, quick=True) as f:
        first = ""
        for line in f:
            if line.strip():
                first = line.strip()
                break
        if first.startswith("["):
            return "json"
        if first.startswith("{"):
            try:
                json.loads(first)
            except json.JSONDecodeError:
                return "json"  # an object spread over several lines
            rest = next((line for line in f if line.strip()), None)
            # One complete object and nothing else is a single JSON document;
            # it may wrap the records: {"responses": [...]}.
            return "ndjson" if rest is not None else "json"
    raise ImportFailed(path.name, "not JSON: it does not start with '[' or '{'")


def detect_format(path: Path) -> str:
    """Format from the file's first bytes, then its extension."""
    if path.stat().st_size == 0:
        raise ImportFailed(path.name, "empty file")
    with open(path, "rb") as f:
        head = f.read(16)
    ext = path.suffix.lower()
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                if "xl/workbook.xml" in z.namelist():
                    return "xlsx"
        except zipfile.BadZipFile:
            raise ImportFailed(path.name, "not a readable Excel workbook (damaged zip)") from None
        raise ImportFailed(path.name, "a zip archive, not an Excel workbook; unpack it first")
    if head.startswith(b"PAR1"):
        return "parquet"
    for magic, problem in _MAGIC:
        if head.startswith(magic):
            raise ImportFailed(path.name, problem)
    if ext in (".xlsx", ".xlsm"):
        raise ImportFailed(path.name, "not a readable Excel workbook")
    if ext in (".parquet", ".pq"):
        raise ImportFailed(path.name, "not a readable Parquet file")
    if ext in _NOT_TABLES:
        raise ImportFailed(path.name, f"unsupported format ({ext}): export CSV, Excel .xlsx, Parquet or JSON")
    if ext in (".ndjson", ".jsonl"):
        return "ndjson"
    if ext == ".json":
        return "json"
    if ext in _TEXT_TABLE:
        return "csv"
    return "unknown"  # sniffed from the text by the caller


def _open(
    path: str | Path,
    *,
    header_rows: int,
    skip_after_header: int,
    sheet: str | None,
    batch_size: int,
    delimiter: str | None,
    encoding: str | None,
    quick: bool = False,
    preview_rows: int | None = None,
) -> RawTable:
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(path.name, "file not found")
    if header_rows < 0 or skip_after_header < 0 or batch_size < 1:
        raise ValueError("header_rows and skip_after_header must be >= 0, batch_size >= 1")
    if delimiter is not None and len(delimiter) != 1:
        raise ValueError("delimiter must be one character")
    fmt = detect_format(path)
    if fmt == "xlsx":
        return xlsx.open_xlsx(
            path, sheet=sheet, header_rows=header_rows, skip_after_header=skip_after_header, batch_size=batch_size
        )
    if fmt == "parquet":
        return structured.open_parquet(path, batch_size)

    if encoding is None:
        encoding = detect_encoding(path, quick=quick)
    else:
        encoding = check_encoding_name(path.name, encoding)
        with open(path, "rb") as f:
            head = f.read(64 * 1024)
        if "16" not in encoding and "32" not in encoding:
            check_text(path.name, head)
        if head.startswith(codecs.BOM_UTF8) and codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"  # else the BOM would start the first column's name
    if fmt == "unknown":
        with sniff.open_text(path, encoding, quick=True) as f:
            start = f.read(4096).lstrip()
        fmt = _json_kind(path, encoding) if start[:1] in ("[", "{") else "csv"
    elif fmt == "json":
        fmt = _json_kind(path, encoding)
    if fmt == "json":
        return structured.open_json(path, encoding, batch_size, quick)
    if fmt == "ndjson":
        return structured.open_ndjson(path, encoding, batch_size, quick, preview_rows)

    layout, sample, complete = sniff.layout_for(
        path,
        encoding,
        delimiter=delimiter,
        header_rows=header_rows,
        skip_after_header=skip_after_header,
        batch_size=batch_size,
        quick=quick,
        # An unknown extension is read as a table only if it looks like one.
        strict_sniff=path.suffix.lower() not in _TEXT_TABLE,
    )
    return delimited.open_delimited(path, layout, sample, complete)


def open_table(
    path: str | Path,
    *,
    header_rows: int = 1,
    skip_after_header: int = 0,
    sheet: str | None = None,
    batch_size: int = 50_000,
    delimiter: str | None = None,
    encoding: str | None = None,
) -> RawTable:
    """Open an export for streaming; raises ImportFailed if it cannot be read.

    ``header_rows=0``: no header, columns are 'column_1', 'column_2', ...
    ``skip_after_header``: records after the header that are not data (the
    question-text and ImportId rows of a Qualtrics export).
    """
    return _open(
        path,
        header_rows=header_rows,
        skip_after_header=skip_after_header,
        sheet=sheet,
        batch_size=batch_size,
        delimiter=delimiter,
        encoding=encoding,
    )


def preview(path: str | Path, n: int = 20, **options: Any) -> tuple[list[str], list[list[str | None]]]:
    """Header and the first ``n`` rows, for the mapping screen.

    Cheap on big files: the encoding is judged from the first megabyte and
    only the first rows are parsed (the full import checks the whole file).
    """
    options.setdefault("header_rows", 1)
    options.setdefault("skip_after_header", 0)
    options.setdefault("sheet", None)
    options.setdefault("delimiter", None)
    options.setdefault("encoding", None)
    options["batch_size"] = max(1, n)
    table = _open(path, quick=True, preview_rows=n, **options)
    rows: list[list[str | None]] = []
    batches = table.batches()
    try:
        for batch in batches:
            rows.extend(batch.rows[: n - len(rows)])
            if len(rows) >= n:
                break
    finally:
        batches.close()  # type: ignore[attr-defined]
    return table.columns, rows


def file_checksum(path: str | Path) -> str:
    """sha256 of the file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
