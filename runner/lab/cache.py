"""Labs that validated once, kept as Python objects, so that running a lab again skips the
YAML parse and the validation (~25 ms of every `run`).

An entry is found by the sha256 of the lab file's bytes, labrunner's version, pydantic's and
labrunner's own code (name, size and mtime of every module of the package: validation also
asks runner/run/destructive.py, runner/engines…), so an edited lab or an edited labrunner
never meets an old entry. Only labs that loaded without notice are kept; a
broken or unreadable entry is ignored. `validate` never uses it. LABRUNNER_NO_CACHE=1 turns
it off. Entries live under $XDG_CACHE_HOME/labrunner/labs (default ~/.cache).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from runner import __version__

PACKAGE = Path(__file__).resolve().parents[1]


def enabled() -> bool:
    return os.environ.get("LABRUNNER_NO_CACHE", "") in ("", "0")


def entry_for(text: str) -> Path:
    """Where the lab whose file holds `text` would be kept."""
    digest = hashlib.sha256(f"{__version__}\0{_code_fingerprint()}\0".encode())
    digest.update(text.encode("utf-8"))
    return _folder() / f"{digest.hexdigest()}.pickle"


def get(entry: Path) -> Any:
    """The lab kept there, or None."""
    try:
        return pickle.loads(entry.read_bytes())
    except Exception:  # noqa: BLE001 - any broken entry is a miss: the lab is read again
        return None


def put(entry: Path, lab: Any) -> None:
    """Keep `lab` (atomically: a reader never sees half an entry); a full disk is no error."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False) as handle:
            handle.write(pickle.dumps(lab, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, entry)
    except OSError:
        pass


@cache
def _code_fingerprint() -> str:
    from pydantic import VERSION

    parts = [f"pydantic {VERSION}"]
    for folder, _, files in os.walk(PACKAGE):
        for name in files:
            if name.endswith(".py"):
                status = os.stat(os.path.join(folder, name))
                parts.append(f"{folder}/{name}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def _folder() -> Path:
    from runner.resources import cache_home

    return cache_home() / "labs"
