"""An internal error's traceback goes to a log file; the person sees one line and its path."""

from __future__ import annotations

import os
import time
import traceback
from pathlib import Path

LOG_NAME = "labrunner-error.log"


def write_crash_log(error: BaseException, folder: Path | None = None) -> Path | None:
    """Write `error`'s traceback in `folder` (the run's work folder), else in the state folder
    ($XDG_STATE_HOME/labrunner); the path written, or None when neither can be written."""
    text = "".join(traceback.format_exception(error))
    for candidate in (folder, state_folder()):
        if candidate is None:
            continue
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            path = candidate / LOG_NAME
            path.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n{text}", encoding="utf-8")
            return path
        except OSError:
            continue
    return None


def state_folder() -> Path:
    """$XDG_STATE_HOME/labrunner, ~/.local/state/labrunner by default."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "labrunner"
