"""Reading and checking CX lexicon files (the default and a user's), and keeping the checked
result in the cache directory.

Split out of cx.py, which holds the rules at run time: everything here runs once per
process and lexicon, and checking every pattern compiles is what made loading cost ~35 ms.
Errors name the file and key (ConfigError).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from vocsrc.errors import ConfigError
from vocsrc.sentiment import diskcache
from vocsrc.sentiment.matching import tokens

_MACRO = re.compile(r"\{([A-Z][A-Z_]*)\}")
_KEY = re.compile(r"^[a-z][a-z0-9_]*$")


def read_toml(path: Path) -> dict[str, Any]:
    """Parsed TOML, or ConfigError naming the file."""
    # imported here (~3 ms): a process whose checked lexicon is in the cache directory parses no TOML
    import tomllib

    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(str(path), "(file)", "file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "(syntax)", f"not valid TOML: {exc}") from None


def _parse_toml(text: str, file: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(file, "(syntax)", f"not valid TOML: {exc}") from None


def _str_list(value: Any, file: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(file, key, "must be a list of non-empty strings")
    return tuple(value)


def _number(value: Any, file: str, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(file, key, f"must be a number between {low} and {high}")
    return float(value)


def _table(data: dict[str, Any], key: str, file: str, form: str) -> dict[str, Any]:
    """The optional top-level table ``key`` (empty when absent); ConfigError saying ``form`` when
    it is not a table."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ConfigError(file, key, form)
    return table


def named_tables(data: dict[str, Any], section: str, file: str, allowed: set[str], names: str,
                 form: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(name, "section.name", table) of each ``[section.<name>]`` table, checked: the section a
    table of tables, names lower_snake_case, no key outside ``allowed`` (ConfigError else)."""
    tables = _table(data, section, file, f"must be a table of {form} tables")
    for name, body in tables.items():
        where = f"{section}.{name}"
        if not _KEY.match(name):
            raise ConfigError(file, where, f"{names} are lower-case letters, digits and _")
        if not isinstance(body, dict):
            raise ConfigError(file, where, "must be a table")
        unknown = set(body) - allowed
        if unknown:
            raise ConfigError(file, f"{where}.{sorted(unknown)[0]}",
                              f"unknown key (allowed: {', '.join(sorted(allowed))})")
        yield name, where, body


def _parse_rules(data: dict[str, Any], file: str, macros: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Validated rule dicts keyed by rule name; ``[lexicon]`` entries become one-phrase rules."""
    rules: dict[str, dict[str, Any]] = {}
    allowed = {"description", "valence", "phrases", "patterns", "triggers", "requires", "negatable", "replace"}
    for name, where, body in named_tables(data, "rules", file, allowed, "rule names", "[rules.<name>]"):
        rule: dict[str, Any] = {"source": file}
        if "valence" in body:
            rule["valence"] = _number(body["valence"], file, f"{where}.valence", -4.0, 4.0)
        if "description" in body:
            if not isinstance(body["description"], str):
                raise ConfigError(file, f"{where}.description", "must be a string")
            rule["description"] = body["description"]
        rule["phrases"] = _str_list(body.get("phrases", []), file, f"{where}.phrases")
        pats = _str_list(body.get("patterns", []), file, f"{where}.patterns")
        expanded = []
        for i, p in enumerate(pats):
            p = _expand(p, macros, file, f"{where}.patterns[{i}]")
            try:
                groups = re.compile(p).groups
            except re.error as exc:
                raise ConfigError(file, f"{where}.patterns[{i}]", f"invalid regex: {exc}") from None
            if groups:
                raise ConfigError(file, f"{where}.patterns[{i}]", "use (?:...) groups, not capturing groups")
            expanded.append(p)
        rule["patterns"] = tuple(expanded)
        for field in ("triggers", "requires"):
            words = _str_list(body.get(field, []), file, f"{where}.{field}")
            for i, t in enumerate(words):
                if tokens(t) != [t]:
                    raise ConfigError(file, f"{where}.{field}[{i}]", "must be one lower-case word (letters, ')")
            rule[field] = words
        if expanded and not rule["triggers"]:
            raise ConfigError(file, f"{where}.triggers", "rules with patterns need triggers: words every match contains")
        for flag in ("negatable", "replace"):
            if flag in body:
                if not isinstance(body[flag], bool):
                    raise ConfigError(file, f"{where}.{flag}", "must be true or false")
                rule[flag] = body[flag]
        rules[name] = rule
    lexicon = _table(data, "lexicon", file, 'must be a table of "phrase" = valence')
    for phrase, val in lexicon.items():
        where = f'lexicon."{phrase}"'
        if not phrase.strip():
            raise ConfigError(file, where, "empty phrase")
        valence = _number(val, file, where, -4.0, 4.0)
        rules["lex_" + re.sub(r"\W+", "_", phrase.strip().lower())] = {
            "source": file, "valence": valence, "phrases": (phrase,), "patterns": (), "triggers": (), "requires": (),
            "description": f"lexicon entry '{phrase}'", "replace": True,
        }
    return rules


def _expand(pattern: str, macros: dict[str, str], file: str, key: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise ConfigError(file, key, f"unknown macro {{{m.group(1)}}} (define it under [macros])")
        return macros[m.group(1)]

    return _MACRO.sub(sub, pattern)


def _macros(data: dict[str, Any], file: str, inherited: dict[str, str]) -> dict[str, str]:
    raw = _table(data, "macros", file, "must be a table of NAME = 'regex'")
    out = dict(inherited)
    for name, val in raw.items():
        if not re.match(r"^[A-Z][A-Z_]*$", name) or not isinstance(val, str):
            raise ConfigError(file, f"macros.{name}", "macro names are UPPER_CASE and values are regex strings")
        out[name] = val
    return out


def _settings(data: dict[str, Any], file: str, base: dict[str, Any]) -> dict[str, Any]:
    raw = _table(data, "settings", file, "must be a table")
    out = dict(base)
    for key, val in raw.items():
        where = f"settings.{key}"
        if key in ("negations", "contrast_words"):
            out[key] = frozenset(w.lower() for w in _str_list(val, file, where))
        elif key == "negation_window":
            out[key] = int(_number(val, file, where, 0, 10))
        elif key == "contrast_weight":
            out[key] = _number(val, file, where, 0.0, 4.0)
        elif key == "max_shift":
            out[key] = _number(val, file, where, 0.0, 20.0)
        else:
            raise ConfigError(file, where, "unknown setting")
    return out


def _validate(sources: list[tuple[Path, str]]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Settings and merged rule dicts of these files' texts, each checked (ConfigError names the
    file and key of the first problem)."""
    settings: dict[str, Any] = {
        "negations": frozenset(), "negation_window": 3, "contrast_words": frozenset(),
        "contrast_weight": 1.5, "max_shift": 4.0,
    }
    macros: dict[str, str] = {}
    merged: dict[str, dict[str, Any]] = {}
    for path, text in sources:
        file = str(path)
        data = _parse_toml(text, file)
        unknown = set(data) - {"schema_version", "settings", "macros", "rules", "lexicon"}
        if unknown:
            raise ConfigError(file, sorted(unknown)[0], "unknown top-level key")
        if data.get("schema_version", 1) != 1:
            raise ConfigError(file, "schema_version", "only schema_version = 1 is understood")
        settings = _settings(data, file, settings)
        macros = _macros(data, file, macros)
        for name, rule in _parse_rules(data, file, macros).items():
            old = merged.get(name)
            if old is None or rule.get("replace"):
                if "valence" not in rule:
                    raise ConfigError(file, f"rules.{name}.valence", "a new rule needs a valence")
                merged[name] = rule
            else:
                old = dict(old)
                old["phrases"] = old["phrases"] + rule["phrases"]
                old["patterns"] = old["patterns"] + rule["patterns"]
                old["triggers"] = old["triggers"] + rule["triggers"]
                old["requires"] = old["requires"] + rule["requires"]
                for k in ("valence", "description", "negatable"):
                    if k in rule:
                        old[k] = rule[k]
                old["source"] = f"{old['source']} + {file}"
                merged[name] = old
    return settings, merged


# the files that decide what _validate makes of a lexicon file: a change to either is a new cache key
_CODE = (Path(__file__), Path(__file__).with_name("matching.py"))


def validated(files: list[Path]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """_validate of these files, kept in the cache directory: checking every pattern compiles
    took ~35 ms of every process start (the score command's whole budget for 1,000 texts)."""
    texts = []
    for path in files:
        try:
            texts.append(path.read_bytes())
        except FileNotFoundError:
            raise ConfigError(str(path), "(file)", "file not found") from None
    try:
        code = [p.read_bytes() for p in _CODE]
    except OSError:
        code = [b"unreadable"]  # a zipped install: the key still covers the lexicon files
    name = f"cx-lexicon-{diskcache.digest(*code, *map(str, files), *texts)}.json"
    cached = diskcache.load(name)
    if cached is not None:
        try:
            return _from_json(cached)
        except (ValueError, KeyError, TypeError, AttributeError):
            pass
    sources = []
    for path, raw in zip(files, texts):
        try:
            sources.append((path, raw.decode("utf-8")))
        except UnicodeDecodeError as exc:
            raise ConfigError(str(path), "(syntax)", f"not valid UTF-8: {exc}") from None
    settings, merged = _validate(sources)
    diskcache.save(name, _to_json(settings, merged))
    return settings, merged


_LISTS = ("phrases", "patterns", "triggers", "requires")
_SETS = ("negations", "contrast_words")


def _to_json(settings: dict[str, Any], merged: dict[str, dict[str, Any]]) -> bytes:
    plain = {k: sorted(v) if k in _SETS else v for k, v in settings.items()}
    return json.dumps({"settings": plain, "rules": merged}).encode()


def _from_json(data: bytes) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    got = json.loads(data)
    settings = {k: frozenset(v) if k in _SETS else v for k, v in got["settings"].items()}
    merged = {name: {k: tuple(v) if k in _LISTS else v for k, v in rule.items()}
              for name, rule in got["rules"].items()}
    return settings, merged
