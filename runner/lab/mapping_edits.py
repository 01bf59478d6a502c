"""Edits of a mapping that keep its order and its comments: rename, nest, insert, drop a key.

They work on any MutableMapping, so the same upgrade rules run on plain dicts (the loader)
and on ruamel.yaml's CommentedMap (`labrunner upgrade`), where a key's comments live in
`mapping.ca.items[key]` and must follow the key. Nothing here imports ruamel.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any


def rename_key(mapping: MutableMapping, old: str, new: str, value: Any = ...) -> bool:
    """`old` becomes `new` at the same place, with its comments (and `value` if given).
    False, and nothing changes, when `old` is missing or `new` is already taken."""
    if old not in mapping or new in mapping:
        return False
    index = list(mapping).index(old)
    comments = _pop_comments(mapping, old)
    kept = mapping.pop(old)
    insert_key(mapping, index, new, kept if value is ... else value)
    _set_comments(mapping, new, comments)
    return True


def nest_key(mapping: MutableMapping, old: str, parent: str, new: str) -> bool:
    """`mapping[old]` becomes `mapping[parent][new]`; `parent` is created where `old` was
    (as the same kind of mapping, so ruamel writes it as a block). False when it cannot."""
    if old not in mapping:
        return False
    if parent not in mapping:
        insert_key(mapping, list(mapping).index(old), parent, type(mapping)())
    target = mapping[parent]
    if not isinstance(target, MutableMapping) or new in target:
        return False
    comments = _pop_comments(mapping, old)
    target[new] = mapping.pop(old)
    _set_comments(target, new, comments)
    return True


def insert_key(mapping: MutableMapping, index: int, key: str, value: Any) -> None:
    """Put `key` at position `index` among the mapping's keys."""
    if hasattr(mapping, "insert"):  # ruamel's CommentedMap: keeps its comments in place
        mapping.insert(index, key, value)
        return
    tail = [(name, mapping.pop(name)) for name in list(mapping)[index:]]
    mapping[key] = value
    mapping.update(tail)


def insert_after(mapping: MutableMapping, anchor: str, key: str, value: Any) -> bool:
    """Put `key` just after `anchor` (at the end when `anchor` is missing); False if taken."""
    if key in mapping:
        return False
    keys = list(mapping)
    insert_key(mapping, keys.index(anchor) + 1 if anchor in keys else len(keys), key, value)
    return True


def drop_key(mapping: MutableMapping, key: str) -> bool:
    """Remove `key`. Full-line comments written under it (ruamel files them with the key
    above) go to the key before it, so only the key's own end-of-line comment is lost."""
    if key not in mapping:
        return False
    keys = list(mapping)
    comments = _pop_comments(mapping, key)
    mapping.pop(key)
    index = keys.index(key)
    if comments and index > 0:
        _keep_following_lines(mapping, keys[index - 1], comments)
    return True


def _pop_comments(mapping: MutableMapping, key: str) -> Any:
    items = _comment_items(mapping)
    return None if items is None else items.pop(key, None)


def _set_comments(mapping: MutableMapping, key: str, comments: Any) -> None:
    items = _comment_items(mapping)
    if items is not None and comments is not None:
        items[key] = comments


def _comment_items(mapping: MutableMapping) -> dict | None:
    """ruamel's per-key comments, or None for a mapping without comments (a plain dict)."""
    attached = getattr(mapping, "ca", None)
    return getattr(attached, "items", None)


def _keep_following_lines(mapping: MutableMapping, previous: str, comments: list) -> None:
    """Give the lines after a dropped key's end-of-line comment (full-line comments, blank
    lines) to the key above it when its value is a scalar; a block files them elsewhere."""
    token = comments[2] if len(comments) > 2 else None
    following = getattr(token, "value", "").partition("\n")[2]
    items = _comment_items(mapping)
    if not following or items is None or isinstance(mapping[previous], MutableMapping | list):
        return
    above = items.setdefault(previous, [None, None, None, None])
    if above[2] is None:
        token.value = "\n" + following  # the dropped token, now only the lines under the key
        above[2] = token
    else:
        above[2].value += following
