"""Comments of a ruamel.yaml round trip, kept where the author put them after an edit.

ruamel writes an end-of-line comment at its old column and a full-line comment with its old
indentation. After a key is renamed or nested one level deeper that is wrong: the comment
must keep its distance from the value, and a block moved right must take its comments along.
ruamel is imported lazily.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from runner.lab.upgrade import Move


def emitter_keeping_comment_gaps(lines: list[str]) -> type:
    """An Emitter that writes an end-of-line comment as many spaces after the text before
    it as in the original `lines`; on an unchanged line that is its old column."""
    from ruamel.yaml.emitter import Emitter

    class GapKeepingEmitter(Emitter):
        def write_comment(self, comment: Any, pre: bool = False) -> None:
            gap = comment_gap(lines, comment)
            if gap is not None and self.column:
                comment.start_mark.column = self.column + gap
            super().write_comment(comment, pre)

    return GapKeepingEmitter


def comment_gap(lines: list[str], comment: Any) -> int | None:
    """Spaces between an end-of-line comment and the text before it in the original file;
    None for a full-line comment or blank lines (those keep their own indentation)."""
    mark = getattr(comment, "start_mark", None)
    if mark is None or comment.value.startswith("\n") or not 0 <= mark.line < len(lines):
        return None
    before = lines[mark.line][:mark.column]
    return mark.column - len(before.rstrip()) if before.strip() else None


def indent_nested_comments(data: Any, moves: Iterable[Move], lines: list[str],
                           mapping_indent: int) -> None:
    """For each value moved one or more levels deeper, its full-line comments move right by
    as much as its lines do. Comments at the key's own column precede the next key: they
    move too only when that key was moved into the same new block."""
    for old, new in moves:
        depth = len(new) - len(old)
        parent, moved_into = _node_at(data, old[:-1]), _node_at(data, new[:-1])
        if depth <= 0 or parent is None or moved_into is None:
            continue
        followed_inside = list(moved_into)[-1] != new[-1]
        block_column = parent.lc.col - 1 if followed_inside else parent.lc.col
        tokens = {id(token): token for token in _tokens_of(moved_into, new[-1])}
        for token in tokens.values():
            _indent_token(token, lines, block_column, depth * mapping_indent)


def _node_at(data: Any, path: tuple) -> Any:
    """The collection at `path` in data, or None."""
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node if hasattr(node, "ca") else None


def _tokens_of(mapping: Any, key: str) -> Iterator[Any]:
    """Every comment token of `key` in `mapping` and of everything under its value."""
    yield from _flatten(mapping.ca.items.get(key))
    yield from _tokens_under(mapping[key])


def _tokens_under(node: Any) -> Iterator[Any]:
    if not hasattr(node, "ca"):
        return
    yield from _flatten(node.ca.comment)
    for entry in node.ca.items.values():
        yield from _flatten(entry)
    children = node.values() if hasattr(node, "values") else node
    for child in children:
        yield from _tokens_under(child)


def _flatten(entry: Any) -> Iterator[Any]:
    """ruamel files comment tokens in nested lists with None for the empty slots."""
    if isinstance(entry, list):
        for item in entry:
            yield from _flatten(item)
    elif entry is not None:
        yield entry


def _indent_token(token: Any, lines: list[str], block_column: int, spaces: int) -> None:
    """Move right the full-line comments of `token` indented deeper than `block_column`
    (those further left belong to an outer block)."""
    mark = token.start_mark
    starts_line = 0 <= mark.line < len(lines) and not lines[mark.line][:mark.column].strip()
    if starts_line and not token.value.startswith("\n") and mark.column > block_column:
        mark.column += spaces
    first, newline, rest = token.value.partition("\n")
    shifted = [" " * spaces + line if _indent(line) > block_column and line.strip() else line
               for line in rest.split("\n")]
    token.value = first + newline + "\n".join(shifted)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
