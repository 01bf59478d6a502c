"""Where labrunner's files live: the bundled data (labs, catalogs, schema), inside the wheel or
at the repo top; and the user's own state and cache folders (XDG base directories)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder `name` (labs, i18n, schema), installed copy first."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name


def state_home(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_STATE_HOME/labrunner, ~/.local/state/labrunner by default: the sandbox, the run
    records, crash logs."""
    base = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "labrunner"


def cache_home(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_CACHE_HOME/labrunner, ~/.cache/labrunner by default: what can be made again."""
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labrunner"
