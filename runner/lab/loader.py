"""Lab file -> validated Lab, or every error found, each as `file:line:col: message`.

Three passes, each reporting all it finds: YAML syntax and duplicate keys (yaml_source),
the schema (pydantic, errors translated and placed with the YAML marks), then the semantic
rules pydantic cannot express (duplicate step ids, undefined variables, bad regexes).
A format-1 lab (no `format:` key) is upgraded in memory first (runner/lab/upgrade.py), with
a notice; its errors still point at the lines the author wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from runner.errors import LabError, LabErrors, LabFileError, LabNotice, SourcePos
from runner.lab.yaml_limits import read_source
from runner.lab.yaml_source import YamlDocument, parse_yaml
from runner.resources import data_dir

Notify = Callable[[LabNotice], None]

LAB_SUFFIXES = (".yaml", ".yml")


def bundled_labs() -> list[Path]:
    """The lab files shipped with labrunner, sorted by file name."""
    return sorted(p for p in data_dir("labs").iterdir() if p.suffix in LAB_SUFFIXES)


def resolve_lab(name: str) -> Path:
    """A path to a lab file, or the id of a bundled lab."""
    path = Path(name)
    if path.suffix in LAB_SUFFIXES or path.exists():
        if not path.is_file():
            raise LabFileError("load.not_found", path=name)
        return path
    for candidate in bundled_labs():
        if candidate.stem == name:
            return candidate
    raise LabFileError("load.unknown_lab", name=name,
                       known=", ".join(p.stem for p in bundled_labs()))


def lab_files(names: list[str]) -> list[Path]:
    """The lab files named on a command line: a folder stands for the lab files below it, a
    bundled lab's id for its file; a missing file stays, for its reader to report."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.suffix in LAB_SUFFIXES)
        elif path.suffix in LAB_SUFFIXES:
            paths.append(path)
        else:
            paths.append(resolve_lab(name))
    return paths


def load_lab(path: Path, notify: Notify | None = None, *, cached: bool = False):
    """Read, validate and return the Lab in `path`; raise LabError/LabErrors otherwise.

    `notify` hears what the author should know but is no error (a format-1 file). `cached`:
    a lab that validated before, unchanged, comes from runner/lab/cache.py (`run` asks it)."""
    from runner.lab import cache

    text = read_source(path)
    entry = cache.entry_for(text) if cached and cache.enabled() else None
    lab = cache.get(entry) if entry else None
    if lab is not None:
        return lab
    document = parse_yaml(text, str(path))
    upgraded = _upgraded_in_memory(document)
    if upgraded and notify is not None:
        notify(LabNotice("lab.format_1", pos=SourcePos(str(path), 1, 1), path=str(path)))
    lab = _validate_schema(document)
    from runner.lab.rules import rule_errors
    from runner.lab.semantics import semantic_errors

    errors = semantic_errors(lab, document) + rule_errors(lab, document)
    _raise_all(sorted(errors, key=lambda e: (e.pos.line, e.pos.column)))
    if entry and not upgraded:  # a format-1 lab is read again: its notice shows every time
        cache.put(entry, lab)
    return lab


def _upgraded_in_memory(document: YamlDocument) -> bool:
    """A format-1 lab becomes format 2; each moved value keeps the position it was written at."""
    from runner.lab.upgrade import is_format_1, upgrade

    if not isinstance(document.data, dict) or not is_format_1(document.data):
        return False
    for old, new in upgrade(document.data):
        for table in (document.positions, document.keys, document.scalars):
            moved = {(*new, *path[len(old):]): value for path, value in table.items()
                     if path[:len(old)] == old}
            table.update(moved)
    return True


def _validate_schema(document: YamlDocument):
    from pydantic import ValidationError

    from runner.lab.model import Lab
    from runner.lab.schema_errors import translate_errors

    if not isinstance(document.data, dict):
        raise LabFileError("load.not_mapping", pos=document.position(()))
    try:
        return Lab.model_validate(document.data)
    except ValidationError as error:
        _raise_all(translate_errors(error, document))
        raise  # unreachable: a ValidationError always has at least one error


def _raise_all(errors: list[LabError]) -> None:
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise LabErrors(errors)
