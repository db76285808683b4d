"""Where the user's own theme bank lives, and the bank in effect with it.

``$VOC_THEME_BANK`` names the file when set; otherwise it is ``themes_user.toml``
in the project folder (beside ``data/`` and ``mappings/``), used once it exists.
The Themes page writes adopted phrases there and scoring reads it, so an
adoption takes effect on the next rescore without anyone setting a variable.
"""

from __future__ import annotations

import os
from pathlib import Path

from vocsrc import config
from vocsrc.themes.bank import ENV_VAR, ThemeBank, load_bank

USER_BANK_NAME = "themes_user.toml"


def user_bank_path() -> Path:
    """The file adoptions are written to (it may not exist yet)."""
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else config.PROJECT_DIR / USER_BANK_NAME


def bank_in_effect() -> ThemeBank:
    """Default bank merged with the user bank, read afresh (the file may have just changed)."""
    path = user_bank_path()
    return load_bank(path if path.exists() else None, use_env=False)
