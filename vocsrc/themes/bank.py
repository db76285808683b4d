"""Theme bank: definition-led themes loaded from TOML and validated at load.

One bank serves surveys, reviews and complaints alike, so a theme can be
followed across sources. Schema (version 1):

    schema_version = 1
    [themes.<key>]                 lower_snake_case key
    description = "what belongs here (and what does not)"
    phrases  = ["late delivery", "refund*"]   literal, case-insensitive, whole words,
                                              a trailing * allows any word ending
    patterns = ['\\bwait(?:ed|ing)\\b.{0,20}\\bhours?\\b']   Python regexes, (?:...) groups only
    triggers = ["wait", "waited"]  optional: words every pattern match contains; lets
                                   tagging skip the regex when none is present
    parent   = "money"             optional: key of a broader theme

A user bank (path argument or $VOC_THEME_BANK) uses the same schema and is
merged over the default: a new key is added; an existing key gets the user's
phrases/patterns/triggers appended and may override description or parent;
``replace = true`` replaces the definition; ``disabled = true`` removes it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from vocsrc.errors import ConfigError
from vocsrc.sentiment.cx_files import named_tables, read_toml as _read
from vocsrc.sentiment.matching import tokens

THEMES_DIR = Path(__file__).resolve().parent
DEFAULT_BANK = THEMES_DIR / "default_bank.toml"
AIRLINE_BANK = THEMES_DIR / "airline_bank.toml"
ENV_VAR = "VOC_THEME_BANK"
_ALLOWED = {"description", "phrases", "patterns", "triggers", "parent", "replace", "disabled"}


@dataclass(frozen=True)
class Theme:
    key: str
    description: str
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    triggers: tuple[str, ...]
    parent: str | None
    source: str


@dataclass(frozen=True)
class ThemeBank:
    themes: tuple[Theme, ...]
    sources: tuple[str, ...]

    def keys(self) -> list[str]:
        return [t.key for t in self.themes]

    def get(self, key: str) -> Theme:
        for t in self.themes:
            if t.key == key:
                return t
        raise KeyError(key)


def _strings(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(file, key, "must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _parse(data: dict[str, Any], file: str) -> dict[str, dict[str, Any]]:
    unknown = set(data) - {"schema_version", "themes"}
    if unknown:
        raise ConfigError(file, sorted(unknown)[0], "unknown top-level key (expected [themes.<key>] tables)")
    if data.get("schema_version", 1) != 1:
        raise ConfigError(file, "schema_version", "only schema_version = 1 is understood")
    out: dict[str, dict[str, Any]] = {}
    for key, where, body in named_tables(data, "themes", file, _ALLOWED, "theme keys", "[themes.<key>]"):
        item: dict[str, Any] = {"source": file}
        for field in ("description", "parent"):
            if field in body:
                if not isinstance(body[field], str) or not body[field].strip():
                    raise ConfigError(file, f"{where}.{field}", "must be a non-empty string")
                item[field] = body[field].strip()
        for field in ("replace", "disabled"):
            if field in body and not isinstance(body[field], bool):
                raise ConfigError(file, f"{where}.{field}", "must be true or false")
            item[field] = body.get(field, False)
        item["phrases"] = _strings(body.get("phrases", []), file, f"{where}.phrases")
        item["patterns"] = _strings(body.get("patterns", []), file, f"{where}.patterns")
        item["triggers"] = _strings(body.get("triggers", []), file, f"{where}.triggers")
        for i, p in enumerate(item["patterns"]):
            try:
                compiled = re.compile(p)
            except re.error as exc:
                raise ConfigError(file, f"{where}.patterns[{i}]", f"invalid regex: {exc}") from None
            if compiled.groups:
                raise ConfigError(file, f"{where}.patterns[{i}]", "use (?:...) groups, not capturing groups")
        for i, t in enumerate(item["triggers"]):
            if tokens(t) != [t]:
                raise ConfigError(file, f"{where}.triggers[{i}]", "a trigger is one lower-case word")
        out[key] = item
    return out


def load_bank(user_path: str | os.PathLike[str] | None = None, *, default: str | os.PathLike[str] | None = DEFAULT_BANK,
              use_env: bool = True) -> ThemeBank:
    """The default bank merged with a user bank (argument, else $VOC_THEME_BANK).

    ``default=None`` loads the user file alone (e.g. the airline bank).
    """
    files = [Path(default)] if default is not None else []
    if user_path is None and use_env and os.environ.get(ENV_VAR):
        user_path = os.environ[ENV_VAR]
    if user_path is not None:
        files.append(Path(user_path))
    merged: dict[str, dict[str, Any]] = {}
    for path in files:
        file = str(path)
        for key, item in _parse(_read(path), file).items():
            if item["disabled"]:
                merged.pop(key, None)
                continue
            old = merged.get(key)
            if old is None or item["replace"]:
                if "description" not in item:
                    raise ConfigError(file, f"themes.{key}.description", "a new theme needs a description")
                merged[key] = item
                continue
            new = dict(old)
            for field in ("phrases", "patterns", "triggers"):
                new[field] = old[field] + tuple(p for p in item[field] if p not in old[field])
            for field in ("description", "parent"):
                if field in item:
                    new[field] = item[field]
            new["source"] = f"{old['source']} + {file}"
            merged[key] = new
    parents = {item.get("parent") for item in merged.values()} - {None}
    for key, item in merged.items():
        where = f"themes.{key}"
        parent = item.get("parent")
        if parent is not None and parent not in merged:
            raise ConfigError(item["source"], f"{where}.parent", f"no theme '{parent}' in the bank")
        if not (item["phrases"] or item["patterns"]) and key not in parents:
            raise ConfigError(item["source"], where, "needs phrases or patterns (or to be some theme's parent)")
        seen = {key}
        while parent is not None:
            if parent in seen:
                raise ConfigError(item["source"], f"{where}.parent", "parents form a cycle")
            seen.add(parent)
            parent = merged[parent].get("parent")
    themes = tuple(Theme(k, v["description"], v["phrases"], v["patterns"], v["triggers"], v.get("parent"),
                         v["source"]) for k, v in merged.items())
    return ThemeBank(themes, tuple(str(f) for f in files))


@lru_cache(maxsize=8)
def _cached(user: str | None) -> ThemeBank:
    return load_bank(user, use_env=False)


def default_bank() -> ThemeBank:
    """The bank in effect (default + $VOC_THEME_BANK), loaded once per process and path."""
    return _cached(os.environ.get(ENV_VAR) or None)


def airline_bank() -> ThemeBank:
    """The airline bank used to validate tagging against the airline tweets' reasons."""
    return load_bank(AIRLINE_BANK, default=None, use_env=False)


# ---------------------------------------------------------------- writing (for discovery's adopt)


def _toml_str(s: str) -> str:
    # basic strings with escapes: phrases may contain quotes or backslashes
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_literal(s: str) -> str:
    # regexes read best as literal strings; fall back to basic when they contain '
    return f"'{s}'" if "'" not in s and "\n" not in s else _toml_str(s)


def dump_bank(themes: dict[str, dict[str, Any]], header: str = "") -> str:
    """TOML text for a user bank given ``{key: {description, phrases, patterns, triggers, parent}}``."""
    lines = [f"# {ln}" for ln in header.splitlines()] + ["schema_version = 1", ""]
    for key, body in themes.items():
        lines.append(f"[themes.{key}]")
        for field in ("description", "parent"):
            if body.get(field):
                lines.append(f"{field} = {_toml_str(body[field])}")
        for field, quote in (("phrases", _toml_str), ("patterns", _toml_literal), ("triggers", _toml_str)):
            if body.get(field):
                lines.append(f"{field} = [{', '.join(quote(v) for v in body[field])}]")
        for flag in ("replace", "disabled"):
            if body.get(flag):
                lines.append(f"{flag} = true")
        lines.append("")
    return "\n".join(lines)
