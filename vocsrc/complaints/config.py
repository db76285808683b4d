"""Complaint-signal settings: the packaged ``complaints.toml`` plus an optional
user override named by ``VOC_COMPLAINTS_CONFIG``, validated at load.

Every problem is a ``ConfigError`` naming the file and the key, so a typo in a
user's override reads as "complaints.toml: deadlines.sources.X: ..." rather
than a stack trace from deep inside a query.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vocsrc.errors import ConfigError

DEFAULT_FILE = Path(__file__).resolve().parent / "complaints.toml"
ENV_VAR = "VOC_COMPLAINTS_CONFIG"
DEMAND_CLASSES = ("failure", "value")


@dataclass(frozen=True)
class PromiseType:
    name: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class BrokenPromiseRules:
    strong: tuple[str, ...]
    commitment: tuple[str, ...]
    non_delivery: tuple[str, ...]
    window_chars: int
    max_cx_compound: float

    @property
    def strong_pattern(self) -> str:
        return "(" + "|".join(self.strong) + ")"

    @property
    def window_pattern(self) -> str:
        """Commitment, then within ``window_chars`` a non-delivery phrase (any line breaks)."""
        return (f"({'|'.join(self.commitment)})[\\s\\S]{{0,{self.window_chars}}}"
                f"({'|'.join(self.non_delivery)})")


@dataclass(frozen=True)
class ComplaintsConfig:
    source_file: str
    failure_keywords: tuple[str, ...]
    value_keywords: tuple[str, ...]
    demand_exact: dict[str, str]  # lower-cased driver name -> 'failure' | 'value'
    demand_themes: dict[str, str]  # theme key -> 'failure' | 'value' (explicit choices only)
    repeat_window_days: int
    default_deadline_days: int
    deadline_by_source: dict[str, int]
    baseline_months: int
    min_recent: int
    q: float
    systemic_min_groups: int
    recurring_min_share: float
    other_words: tuple[str, ...]
    min_categories: int
    max_categories: int
    dominant_share: float
    in_use_share: float
    promise_default_type: str
    promise_closed_type: str
    promise_types: tuple[PromiseType, ...]
    broken_promise: BrokenPromiseRules

    def deadline_for(self, source: str) -> int:
        return self.deadline_by_source.get(source, self.default_deadline_days)

    def demand_class(self, driver: str | None) -> str:
        """'failure', 'value' or 'unclassified' for a category, sub-issue or theme name."""
        if not driver:
            return "unclassified"
        name = driver.strip().lower()
        if name in self.demand_exact:
            return self.demand_exact[name]
        if any(k in name for k in self.failure_keywords):
            return "failure"
        if any(k in name for k in self.value_keywords):
            return "value"
        return "unclassified"

    def theme_demand(self) -> dict[str, str]:
        """Theme key -> class for every theme in the theme bank: explicit entries, else keywords
        on the theme's key and description. Without a bank, the explicit entries alone."""
        try:
            from vocsrc.themes.bank import default_bank

            bank = default_bank()
            found = {k: self.demand_class(f"{k.replace('_', ' ')} {bank.get(k).description}")
                     for k in bank.keys()}
        except (ImportError, OSError):
            found = {}
        found.update(self.demand_themes)
        return found

    def promise_type(self, *names: str | None) -> str:
        text = " ".join(n.lower() for n in names if n)
        for t in self.promise_types:
            if any(k in text for k in t.keywords):
                return t.name
        return self.promise_default_type


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


class _Reader:
    """Typed access to a nested TOML table, with errors that name file and key."""

    def __init__(self, data: dict, file: str) -> None:
        self.data, self.file = data, file

    def get(self, dotted: str) -> object:
        node: object = self.data
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                raise ConfigError(self.file, dotted, "missing")
            node = node[part]
        return node

    def int_(self, key: str, low: int, high: int) -> int:
        v = self.get(key)
        if isinstance(v, bool) or not isinstance(v, int) or not low <= v <= high:
            raise ConfigError(self.file, key, f"must be a whole number from {low} to {high}, got {v!r}")
        return v

    def float_(self, key: str, low: float, high: float) -> float:
        v = self.get(key)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not low <= v <= high:
            raise ConfigError(self.file, key, f"must be a number from {low} to {high}, got {v!r}")
        return float(v)

    def words(self, key: str, allow_empty: bool = False, lower: bool = True) -> tuple[str, ...]:
        v = self.get(key)
        if not isinstance(v, list) or not all(isinstance(w, str) and w.strip() for w in v):
            raise ConfigError(self.file, key, "must be a list of non-empty strings")
        if not v and not allow_empty:
            raise ConfigError(self.file, key, "must not be empty")
        return tuple(w.strip().lower() if lower else w.strip() for w in v)

    def text(self, key: str) -> str:
        v = self.get(key)
        if not isinstance(v, str) or not v.strip():
            raise ConfigError(self.file, key, "must be a non-empty string")
        return v.strip()

    def patterns(self, key: str) -> tuple[str, ...]:
        pats = self.words(key, lower=False)  # lower-casing would turn \S into \s
        for i, p in enumerate(pats):
            # Look-arounds and back-references are Python-only: DuckDB's RE2 rejects them.
            if re.search(r"\(\?[=!<]|\\[1-9]", p):
                raise ConfigError(self.file, f"{key}[{i}]", "look-arounds and back-references are not allowed")
            try:
                re.compile(p)
            except re.error as exc:
                raise ConfigError(self.file, f"{key}[{i}]", f"not a valid regular expression: {exc}") from exc
        return pats


def _build(data: dict, file: str) -> ComplaintsConfig:
    r = _Reader(data, file)
    exact_raw = r.get("demand.exact")
    if not isinstance(exact_raw, dict):
        raise ConfigError(file, "demand.exact", "must be a table of name = 'failure' | 'value'")
    exact = {}
    for name, cls in exact_raw.items():
        if cls not in DEMAND_CLASSES:
            raise ConfigError(file, f"demand.exact.{name}", f"must be 'failure' or 'value', got {cls!r}")
        exact[name.strip().lower()] = cls
    themes_raw = data.get("demand", {}).get("themes", {})
    if not isinstance(themes_raw, dict):
        raise ConfigError(file, "demand.themes", "must be a table of theme = 'failure' | 'value'")
    themes = {}
    for name, cls in themes_raw.items():
        if cls not in DEMAND_CLASSES:
            raise ConfigError(file, f"demand.themes.{name}", f"must be 'failure' or 'value', got {cls!r}")
        themes[name] = cls
    sources_raw = r.get("deadlines.sources")
    if not isinstance(sources_raw, dict):
        raise ConfigError(file, "deadlines.sources", "must be a table of source name = days")
    sources = {name: _days(days, file, name) for name, days in sources_raw.items()}
    types_raw = r.get("promises.types")
    if not isinstance(types_raw, list):
        raise ConfigError(file, "promises.types", "must be an array of tables with name and keywords")
    types = []
    for i, t in enumerate(types_raw):
        tr = _Reader({"t": t}, file)
        if not isinstance(t, dict):
            raise ConfigError(file, f"promises.types[{i}]", "must be a table with name and keywords")
        try:
            types.append(PromiseType(tr.text("t.name"), tr.words("t.keywords")))
        except ConfigError as exc:
            raise ConfigError(file, f"promises.types[{i}].{exc.key.removeprefix('t.')}",
                              str(exc).split(": ", 2)[-1]) from exc
    min_c = r.int_("taxonomy.min_categories", 1, 1000)
    max_c = r.int_("taxonomy.max_categories", 1, 1000)
    if max_c < min_c:
        raise ConfigError(file, "taxonomy.max_categories", "must not be below taxonomy.min_categories")
    return ComplaintsConfig(
        source_file=file,
        failure_keywords=r.words("demand.failure_keywords"),
        value_keywords=r.words("demand.value_keywords", allow_empty=True),
        demand_exact=exact,
        demand_themes=themes,
        repeat_window_days=r.int_("repeat.window_days", 1, 3650),
        default_deadline_days=r.int_("deadlines.default_days", 1, 3650),
        deadline_by_source=sources,
        baseline_months=r.int_("signals.baseline_months", 1, 60),
        min_recent=r.int_("signals.min_recent", 1, 100_000),
        q=r.float_("signals.q", 0.0001, 0.5),
        systemic_min_groups=r.int_("signals.systemic_min_groups", 2, 1000),
        recurring_min_share=r.float_("signals.recurring_min_share", 0.0, 1.0),
        other_words=r.words("taxonomy.other_words"),
        min_categories=min_c,
        max_categories=max_c,
        dominant_share=r.float_("taxonomy.dominant_share", 0.0, 1.0),
        in_use_share=r.float_("taxonomy.in_use_share", 0.0, 1.0),
        promise_default_type=r.text("promises.default_type"),
        promise_closed_type=r.text("promises.closed_type"),
        promise_types=tuple(types),
        broken_promise=BrokenPromiseRules(
            strong=r.patterns("broken_promise.strong"),
            commitment=r.patterns("broken_promise.commitment"),
            non_delivery=r.patterns("broken_promise.non_delivery"),
            window_chars=r.int_("broken_promise.window_chars", 10, 2000),
            max_cx_compound=r.float_("broken_promise.max_cx_compound", -1.0, 1.0),
        ),
    )


def _days(value: object, file: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3650:
        raise ConfigError(file, f"deadlines.sources.{name}", f"must be a whole number of days, got {value!r}")
    return value


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(str(path), "(file)", "not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", str(exc)) from exc


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _load(override: str | None, _stamps: tuple) -> ComplaintsConfig:
    data = _read(DEFAULT_FILE)
    file = DEFAULT_FILE.name
    if override:
        data = _merge(data, _read(Path(override)))
        file = str(override)
    return _build(data, file)


def load_config(path: str | os.PathLike[str] | None = None) -> ComplaintsConfig:
    """The settings in force: ``path``, else ``$VOC_COMPLAINTS_CONFIG``, over the packaged defaults."""
    override = path or os.environ.get(ENV_VAR) or None
    # Keyed by the files' modification stamps too, so an edited override is read again.
    stamps = (_stamp(DEFAULT_FILE), _stamp(Path(override)) if override else None)
    return _load(str(override) if override else None, stamps)
