"""What the mirror's storage remembers about the images it holds, in small JSON files.

They live in the registry storage itself (which LABRUNNER_SANDBOX_CACHE keeps across
`down`/`up`), so a record never outlives the images it describes, nor the other way round.
"""

from __future__ import annotations

from pathlib import Path

from runner.sandbox import jsonfile

STANDINS = "labrunner-standins.json"  # stand-in folder -> fingerprint of what it was built from
IMPORTED = "labrunner-imported.json"  # reference (`python:3.9`) -> image id, per `sandbox import`


def read(storage: Path, name: str) -> dict[str, str]:
    """One record file as a mapping; {} when it is missing or unreadable."""
    return jsonfile.read(storage / name)


def write(storage: Path, name: str, values: dict[str, str]) -> None:
    """Replace one record file, whole or not at all: a shared cache may be read meanwhile."""
    storage.mkdir(parents=True, exist_ok=True)
    jsonfile.write(storage / name, values)


def merge(storage: Path, name: str, values: dict[str, str]) -> None:
    """Add or update entries of one record file."""
    write(storage, name, read(storage, name) | values)


def imported(storage: Path) -> dict[str, str]:
    """References `sandbox import` pushed to this mirror: a stand-in must never replace them."""
    return read(storage, IMPORTED)
