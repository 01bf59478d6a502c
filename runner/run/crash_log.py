"""An internal error's traceback goes to a log file; the person sees one line and its path."""

from __future__ import annotations

import time
import traceback
from pathlib import Path

from runner.resources import state_home

LOG_NAME = "labrunner-error.log"


def write_crash_log(error: BaseException, folder: Path | None = None) -> Path | None:
    """Write `error`'s traceback in `folder` (the run's work folder), else in the state folder
    ($XDG_STATE_HOME/labrunner); the path written, or None when neither can be written."""
    text = "".join(traceback.format_exception(error))
    for candidate in (folder, state_home()):
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

