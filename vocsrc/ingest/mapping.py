"""Column mappings: from an export's headers to the store's fields.

A mapping is data (TOML): presets ship in ``ingest/presets``; users save their
own named mappings in ``mappings/``. Automatic mapping matches normalised
header names against synonyms, so a new export usually needs no editing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from vocsrc import config
from vocsrc.errors import ConfigError, VocError
from vocsrc.store.schema import CUSTOMER_FIELDS, FEEDBACK_FIELDS, IMPORT_KINDS, fields_for

SYNONYMS_FILE = config.PRESETS_DIR.parent / "synonyms.toml"
_ALLOWED_KEYS = {"name", "description", "kind", "source", "header_rows", "skip_after_header",
                 "sheet", "date_order", "columns", "values", "keep_extra", "question_row", "auto", "exclude"}


@dataclass(frozen=True)
class Mapping:
    """How one export's columns become feedback rows."""

    name: str = "auto"
    kind: str | None = None
    source: str | None = None
    description: str = ""
    header_rows: int = 1
    skip_after_header: int = 0
    sheet: str | None = None
    date_order: str = "auto"  # 'mdy', 'dmy' or 'auto' for slash dates like 03/04/2020
    columns: dict[str, str] = field(default_factory=dict)  # store field -> export column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> {raw: value}
    keep_extra: bool = True  # unmapped columns are kept in `extra`, never dropped
    # Survey tools put question wording in a row under the header (Qualtrics:
    # row 1 after it); auto-mapping reads it, the import skips it.
    question_row: int = 0
    auto: bool = False  # guess the fields this mapping leaves out
    # Rows to keep out of the store, by an export column's value: {column: {value: reason}}.
    # Such rows are rejected with that reason (kept, never lost), e.g. Qualtrics previews.
    exclude: dict[str, dict[str, str]] = field(default_factory=dict)

    def with_columns(self, columns: dict[str, str]) -> "Mapping":
        return replace(self, columns={k: v for k, v in columns.items() if v})


def normalise(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", header.lower())


def _load_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(file)", f"not valid TOML: {exc}") from exc


def mapping_from_dict(data: dict, origin: str) -> Mapping:
    unknown = set(data) - _ALLOWED_KEYS
    if unknown:
        raise ConfigError(origin, sorted(unknown)[0], "unknown key")
    kind = data.get("kind")
    if kind is not None and kind not in IMPORT_KINDS:
        raise ConfigError(origin, "kind", f"must be one of {', '.join(IMPORT_KINDS)}, not {kind!r}")
    allowed = fields_for(kind) if kind else {**FEEDBACK_FIELDS, **CUSTOMER_FIELDS}
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise ConfigError(origin, "columns", "must be a table of field = \"Column name\"")
    for target, source_col in columns.items():
        if target not in allowed:
            raise ConfigError(origin, f"columns.{target}",
                              f"not a store field (fields: {', '.join(allowed)})")
        if not isinstance(source_col, str):
            raise ConfigError(origin, f"columns.{target}", "must be a column name (text)")
    values = data.get("values", {})
    for target, table in values.items():
        if target not in allowed or not isinstance(table, dict):
            raise ConfigError(origin, f"values.{target}", "must be a table of raw = value for a store field")
    exclude = data.get("exclude", {})
    if not isinstance(exclude, dict) or not all(isinstance(t, dict) for t in exclude.values()):
        raise ConfigError(origin, "exclude", "must be tables of value = \"reason\" per export column")
    date_order = data.get("date_order", "auto")
    if date_order not in ("auto", "mdy", "dmy"):
        raise ConfigError(origin, "date_order", "must be 'auto', 'mdy' or 'dmy'")
    for key in ("header_rows", "skip_after_header", "question_row"):
        if not isinstance(data.get(key, 0), int) or data.get(key, 0) < 0:
            raise ConfigError(origin, key, "must be a whole number >= 0")
    return Mapping(
        name=str(data.get("name", Path(origin).stem)), kind=kind, source=data.get("source"),
        description=str(data.get("description", "")), header_rows=data.get("header_rows", 1),
        skip_after_header=data.get("skip_after_header", 0), sheet=data.get("sheet"),
        date_order=date_order, columns=dict(columns),
        values={k: {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        keep_extra=bool(data.get("keep_extra", True)),
        question_row=int(data.get("question_row", 0)),
        auto=bool(data.get("auto", False)),
        exclude={str(c): {str(a): str(b) for a, b in t.items()} for c, t in exclude.items()},
    )


def load_mapping_file(path: Path) -> Mapping:
    return mapping_from_dict(_load_toml(path), str(path))


def available_mappings() -> dict[str, Path]:
    """Preset and saved mappings by name; a saved mapping shadows a preset of the same name."""
    found: dict[str, Path] = {}
    for folder in (config.PRESETS_DIR, config.mappings_dir()):
        if folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                found[path.stem] = path
    return found


def resolve_mapping(name_or_file: str) -> Mapping:
    """A mapping by preset/saved name or by path to a TOML file."""
    path = Path(name_or_file)
    if path.suffix == ".toml" and path.exists():
        return load_mapping_file(path)
    known = available_mappings()
    if name_or_file in known:
        return load_mapping_file(known[name_or_file])
    raise VocError(f"no mapping called {name_or_file!r}; known: {', '.join(sorted(known)) or 'none'}")


def save_mapping(mapping: Mapping, name: str, folder: Path | None = None) -> Path:
    """Write a mapping as TOML so it can be reused by name from the app or the CLI."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,60}", name):
        raise VocError("a mapping name uses letters, digits, '-' and '_' only (at most 60)")
    folder = folder or config.mappings_dir()
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"name = {_q(name)}", f"description = {_q(mapping.description)}"]
    if mapping.kind:
        lines.append(f"kind = {_q(mapping.kind)}")
    if mapping.source:
        lines.append(f"source = {_q(mapping.source)}")
    lines += [f"header_rows = {mapping.header_rows}", f"skip_after_header = {mapping.skip_after_header}",
              f"question_row = {mapping.question_row}", f"auto = {str(mapping.auto).lower()}",
              f"date_order = {_q(mapping.date_order)}", f"keep_extra = {str(mapping.keep_extra).lower()}"]
    if mapping.sheet:
        lines.append(f"sheet = {_q(mapping.sheet)}")
    lines.append("\n[columns]")
    lines += [f"{k} = {_q(v)}" for k, v in mapping.columns.items()]
    for target, table in mapping.values.items():
        lines.append(f"\n[values.{target}]")
        lines += [f"{_q(k)} = {_q(v)}" for k, v in table.items()]
    for column, table in mapping.exclude.items():
        lines.append(f"\n[exclude.{_q(column)}]")
        lines += [f"{_q(k)} = {_q(v)}" for k, v in table.items()]
    path = folder / f"{name}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _synonyms(kind: str | None = None) -> dict[str, list[str]]:
    data = _load_toml(SYNONYMS_FILE)
    key, fields = ("customer_synonyms", CUSTOMER_FIELDS) if kind == "customer" else ("synonyms", FEEDBACK_FIELDS)
    table = data.get(key, {})
    for target in table:
        if target not in fields:
            raise ConfigError(str(SYNONYMS_FILE), f"{key}.{target}", "not a store field")
    return {t: [normalise(s) for s in names] for t, names in table.items()}


def auto_columns(headers: list[str], questions: dict[str, str] | None = None,
                 kind: str | None = None) -> dict[str, str]:
    """Guess field -> column from header names: exact synonym first, then containment.

    Question wording (when the export has it) is searched by containment too, and a
    column with a Qualtrics-style ``<name>_NPS_GROUP`` sibling is taken as the NPS answer.
    """
    synonyms = _synonyms(kind)
    normed = {h: normalise(h) for h in headers}
    chosen: dict[str, str] = {}
    used: set[str] = set()
    groups = set() if kind == "customer" else {
        h[: -len("_NPS_GROUP")] for h in headers if h.upper().endswith("_NPS_GROUP")}
    nps_cols = [h for h in headers if h in groups]
    if nps_cols:
        chosen["nps"] = nps_cols[0]
        used.update(nps_cols[:1])
        used.update(f"{h}_NPS_GROUP" for h in groups)
    if questions:
        for h, q in questions.items():
            if q and h in normed and h not in used:
                normed[h] = normed[h] + "|" + normalise(q)
    skip = NOT_GUESSED.get(kind or "", set())
    for exact in (True, False):
        for target, names in synonyms.items():
            if target in chosen or target in skip:
                continue
            for name in names:
                hit = next((h for h, n in normed.items() if h not in used and n and
                            (n.split("|")[0] == name if exact else len(name) >= 4 and name in n)),
                           None)
                if hit:
                    chosen[target] = hit
                    used.add(hit)
                    break
    return chosen


_COMPLAINT_ONLY = {"category", "sub_issue", "status", "opened_at", "closed_at", "due_at", "outcome", "timely",
                   "disputed"}
# Fields never guessed for a kind: a survey's "Status" column is Qualtrics' response
# type, not a complaint status, and "score" in a survey is not review stars.
NOT_GUESSED: dict[str, set[str]] = {
    "survey": {"stars", *_COMPLAINT_ONLY},
    "review": {"nps", "csat", "ces", *_COMPLAINT_ONLY},
    "complaint": {"stars", "nps"},
}


def guess_kind(columns: dict[str, str], headers: list[str] | None = None) -> str:
    feedback_signal = {"nps", "csat", "ces", "stars", "text", "category", "sub_issue"} & set(columns)
    if headers and not feedback_signal:
        customer = auto_columns(headers, kind="customer")
        if "customer_id" in customer and {"joined_at", "left_at", "segment", "revenue_12m"} & set(customer):
            return "customer"
    if {"category", "status", "opened_at", "closed_at", "sub_issue"} & set(columns):
        return "complaint"
    if "stars" in columns:
        return "review"
    return "survey"


def complete_mapping(mapping: Mapping | None, headers: list[str], file_name: str,
                     kind: str | None = None, source: str | None = None,
                     questions: dict[str, str] | None = None) -> Mapping:
    """Fill in what a mapping leaves open: columns by synonyms, kind and source by guess.

    A mapping's own columns always win; fields it leaves out are guessed only when it
    says ``auto = true`` (a saved user mapping means exactly what it says).
    """
    mapping = mapping or Mapping()
    columns = dict(mapping.columns)
    kind = kind or mapping.kind
    if not columns or mapping.auto:
        free = [h for h in headers if h not in columns.values()]
        guessed = auto_columns(free, questions, kind)
        if kind is None and guess_kind({**guessed, **columns}, headers) == "customer":
            kind, guessed = "customer", auto_columns(free, questions, "customer")
        columns = {**{k: v for k, v in guessed.items() if k not in columns}, **columns}
    missing = [col for col in columns.values() if col not in headers]
    if missing:
        raise VocError(f"{file_name}: mapping {mapping.name!r} expects column(s) "
                       f"{', '.join(repr(m) for m in missing)} which the file does not have "
                       f"(it has: {', '.join(headers[:30])})")
    kind = kind or guess_kind(columns)
    if kind not in IMPORT_KINDS:
        raise VocError(f"kind must be one of {', '.join(IMPORT_KINDS)}, not {kind!r}")
    unknown = [t for t in columns if t not in fields_for(kind)]
    if unknown:
        raise VocError(f"{file_name}: field(s) {', '.join(unknown)} do not belong to a {kind} import")
    source = source or mapping.source or Path(file_name).stem.replace("_", " ")
    return replace(mapping, columns=columns, kind=kind, source=source)
