"""Format 1 -> format 2: the table of docs/format-2.md as rules over the lab's data.

Pure (no I/O): the loader runs it on plain dicts to read a format-1 lab, and `labrunner
upgrade` on ruamel.yaml round-trip data, where renamed keys keep their place and comments.
Each rule records a Move (where the author wrote a value -> where it is now), so an error
found in the upgraded data can still point at the line the author wrote.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, MutableSequence
from typing import Any

from runner.lab.mapping_edits import drop_key, insert_after, insert_key, nest_key, rename_key

Path = tuple[str | int, ...]
Move = tuple[Path, Path]
FORMAT = 2


def is_format_1(data: MutableMapping) -> bool:
    """Format 1 has no `format` key, or says `format: 1` (format 2 and later say which)."""
    value = data.get("format", 1)
    return value == 1 and not isinstance(value, bool)


def upgrade(data: MutableMapping) -> list[Move]:
    """Rewrite a format-1 lab as format 2, in place; [] and no change for any other format.

    Moves come step by step, a step's own before its checks'. A value that only changed
    (`state: exists` -> `present`) is a move to its own path; a dropped or added key
    (`format`, `folders: true`) is not a move."""
    if not is_format_1(data):
        return []
    moves: list[Move] = []
    for index, step in _mappings_in(data, "steps"):
        edit = _Edit(step, ("steps", index), moves)
        _upgrade_step(edit)
        for number, check in _mappings_in(step, "checks"):
            _upgrade_check(_Edit(check, (*edit.path, "checks", number), moves))
    if "format" in data:  # `format: 1` written out: the number changes where it stands
        data["format"] = FORMAT
    else:  # first key; ruamel keeps a comment above the first key on top
        insert_key(data, 0, "format", FORMAT)
    return moves


def _mappings_in(data: MutableMapping, key: str) -> list[tuple[int, MutableMapping]]:
    """The mappings in the list `data[key]`; anything else is left to the validator."""
    items = data.get(key)
    if not isinstance(items, MutableSequence):
        return []
    return [(index, item) for index, item in enumerate(items) if isinstance(item, MutableMapping)]


class _Edit:
    """One mapping of the lab being upgraded: each edit that happens is recorded as a Move."""

    def __init__(self, mapping: MutableMapping, path: Path, moves: list[Move]) -> None:
        self.mapping, self.path, self.moves = mapping, path, moves

    def rename(self, old: str, new: str, value: Any = ...) -> None:
        if rename_key(self.mapping, old, new, value):
            self.moves.append(((*self.path, old), (*self.path, new)))

    def nest(self, old: str, parent: str, new: str) -> None:
        if nest_key(self.mapping, old, parent, new):
            self.moves.append(((*self.path, old), (*self.path, parent, new)))

    def replace(self, key: str, old_value: Any, new_value: Any) -> None:
        if self.has(key, old_value):
            self.mapping[key] = new_value  # same place; ruamel keeps the quotes
            self.moves.append(((*self.path, key), (*self.path, key)))

    def retype(self, new_type: str) -> None:
        self.replace("type", self.mapping.get("type"), new_type)

    def has(self, key: str, value: Any) -> bool:
        return key in self.mapping and self.mapping[key] == value


def _upgrade_step(edit: _Edit) -> None:
    edit.nest("solution", "task", "solution")
    edit.rename("retry", "rerun")


def _upgrade_check(edit: _Edit) -> None:
    check_type = edit.mapping.get("type")
    rule = CHECK_RULES.get(check_type) if isinstance(check_type, str) else None
    if rule:  # an unknown type is left as written: the validator names it
        rule(edit)


def _image(edit: _Edit) -> None:
    edit.rename("same_id_as", "same_as")


def _path(edit: _Edit) -> None:
    edit.replace("state", "exists", "present")


def _container_change(edit: _Edit) -> None:
    edit.retype("container_layer")
    edit.rename("container", "name")
    if edit.has("state", "absent"):
        edit.rename("state", "not", True)
    elif edit.has("state", "present"):  # the default, and format 2 has no `state` here
        drop_key(edit.mapping, "state")


def _container_storage(edit: _Edit) -> None:
    edit.retype("container_layer")
    edit.rename("container", "name")
    insert_after(edit.mapping, "name", "folders", True)


def _image_layers(edit: _Edit) -> None:
    edit.retype("image")
    edit.rename("image", "name")
    edit.nest("same_as", "layers", "same_as")
    edit.nest("extends", "layers", "extends")
    edit.nest("new_layers", "layers", "new")


def _layer_db(edit: _Edit) -> None:
    edit.retype("layer_store")
    edit.rename("image", "name")


CHECK_RULES: dict[str, Callable[[_Edit], None]] = {
    "image": _image,
    "path": _path,
    "container_change": _container_change,
    "container_storage": _container_storage,
    "image_layers": _image_layers,
    "layer_db": _layer_db,
}
