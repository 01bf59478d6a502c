"""Read a YAML file and write it back as its author laid it out, for `labrunner upgrade`.

ruamel.yaml's round-trip mode keeps comments, quotes and flow/block styles; on top of it we
keep the file's indentation (guessed from the text) and never re-wrap long lines, so that a
diff after an edit shows only the lines that really changed (yaml_comments keeps comments
in place). ruamel is imported lazily.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from typing import Any

from runner.errors import LabFileError, SourcePos
from runner.lab.upgrade import Move
from runner.lab.yaml_comments import emitter_keeping_comment_gaps, indent_nested_comments

Indentation = tuple[int, int, int]  # mapping, sequence, dash offset, as ruamel's indent() takes
DEFAULT_INDENTATION: Indentation = (2, 4, 2)  # `key:` then `  - item` then `    key: …`
# The start of a line: indentation, then any `- ` of sequence items; what follows is a key.
LINE_START = re.compile(r"^( *)((?:- +)*)")
KEY_ONLY = re.compile(r"^[^\s#'\"{\[][^#]*:\s*(#.*)?$")  # `key:` and nothing after
BLOCK_SCALAR = re.compile(r"(^|:\s+)[|>][0-9+-]*\s*(#.*)?$")  # `key: |`, `- >-`, `|`
DOCUMENT_START = re.compile(r"^---\s*(#.*)?$")
DOCUMENT_END = re.compile(r"^\.\.\.\s*(#.*)?$")


class RoundTripYaml:
    """ruamel.yaml set up for one file: load it, then dump data in the file's own layout."""

    def __init__(self, text: str, file: str) -> None:
        from ruamel.yaml import YAML

        self.file = file
        self.header, self.body, self.trailer = split_document_markers(text)
        self.yaml = YAML()  # round-trip mode
        self.yaml.preserve_quotes = True
        self.yaml.width = sys.maxsize  # a long line stays one line
        mapping, sequence, offset = guess_indentation(self.body)
        self.yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
        self.lines, self.mapping_indent = self.body.splitlines(), mapping
        self.yaml.Emitter = emitter_keeping_comment_gaps(self.lines)

    def load(self) -> Any:
        """The file's data; a YAML error is a LabFileError at its line and column."""
        from ruamel.yaml.error import MarkedYAMLError, YAMLError

        try:
            return self.yaml.load(self.body)
        except MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            raise self._syntax_error(mark, error.problem or error.context or "") from None
        except YAMLError as error:
            raise self._syntax_error(None, str(error)) from None

    def dump(self, data: Any, moves: Iterable[Move] = ()) -> str:
        """`data` as YAML text; `moves` (old path -> new path) take their comments along."""
        from io import StringIO

        indent_nested_comments(data, moves, self.lines, self.mapping_indent)
        stream = StringIO()
        self.yaml.dump(data, stream)
        return self.header + stream.getvalue() + self.trailer

    def _syntax_error(self, mark: Any, problem: str) -> LabFileError:
        skipped = self.header.count("\n")  # the body's marks count from its own first line
        line, column = (skipped + mark.line + 1, mark.column + 1) if mark else (1, 1)
        return LabFileError("upgrade.yaml_syntax", pos=SourcePos(self.file, line, column),
                            problem=problem)


def guess_indentation(text: str) -> Indentation:
    """The mapping indent, sequence indent and dash offset the file uses, each from the
    first block that shows it (block scalars' text is skipped); defaults for the rest."""
    found: dict[str, int] = {}
    parent: int | None = None  # column of the key on the line before, when it opened a block
    scalar_above: int | None = None  # lines deeper than this belong to a block scalar
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        spaces, dashes = LINE_START.match(line).groups()
        if scalar_above is not None and len(spaces) > scalar_above:
            continue
        # A list may sit at its key's own column (`key:` then `- item`): dash offset 0.
        if parent is not None and (len(spaces) > parent or dashes and len(spaces) == parent):
            _note_child_indent(found, len(spaces) - parent, len(dashes))
        key_column = len(spaces) + len(dashes)
        rest = line[key_column:]
        parent = key_column if KEY_ONLY.match(rest) else None
        scalar_above = _block_scalar_column(rest, len(spaces), key_column)
    return _with_defaults(found)


def _block_scalar_column(rest: str, indent: int, key_column: int) -> int | None:
    """When the line opens a block scalar (`key: |`, `- >-`), the column its text is deeper
    than: the key's, or the dash's for a list item that is itself the scalar."""
    if not BLOCK_SCALAR.search(rest):
        return None
    return indent if rest[0] in "|>" else key_column


def _note_child_indent(found: dict[str, int], depth: int, dashes: int) -> None:
    """The first line under a `key:` line shows the mapping indent, or the sequence's."""
    if dashes:
        found.setdefault("offset", depth)
        found.setdefault("sequence", depth + dashes)
    else:
        found.setdefault("mapping", depth)


def _with_defaults(found: dict[str, int]) -> Indentation:
    mapping = found.get("mapping", DEFAULT_INDENTATION[0])
    offset = found.get("offset", DEFAULT_INDENTATION[2])
    sequence = found.get("sequence", offset + 2)
    return mapping, max(sequence, offset + 2), offset


def split_document_markers(text: str) -> tuple[str, str, str]:
    """(what comes up to a `---` line, the document, a `...` line and what follows), so the
    two outer parts are written back as they are: ruamel drops the comments before `---`."""
    lines = text.splitlines(keepends=True)
    content = [i for i, line in enumerate(lines) if line.strip() and line.lstrip()[0] != "#"]
    start = content[0] + 1 if content and DOCUMENT_START.match(lines[content[0]]) else 0
    end = content[-1] if len(content) > 1 and DOCUMENT_END.match(lines[content[-1]]) else None
    end = len(lines) if end is None or end < start else end
    return "".join(lines[:start]), "".join(lines[start:end]), "".join(lines[end:])
