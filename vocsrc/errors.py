"""Errors whose message a user can act on."""

from __future__ import annotations


class VocError(Exception):
    """Base for every error we expect a user to read."""


class ImportFailed(VocError):
    """A file could not be imported at all; the store was not changed."""

    def __init__(self, file: str, problem: str) -> None:
        super().__init__(f"{file}: {problem}")
        self.file = file
        self.problem = problem


class StoreBusy(VocError):
    """Another process holds the DuckDB file."""


class ConfigError(VocError):
    """A settings, preset, lexicon or theme file is malformed."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file = file
        self.key = key
