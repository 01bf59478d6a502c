"""Small JSON records (the sandbox's state, the mirror's marks): read forgivingly, written
whole or not at all, since another sandbox or a `status` may read one while it is written."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


def read(path: Path) -> dict[str, Any]:
    """The record as a mapping; {} when it is missing, unreadable or not a mapping."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(path: Path, values: dict[str, Any]) -> None:
    """Replace the record atomically: a temporary file of this process, then a rename."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    temporary.write_text(json.dumps(values, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)
