"""YAML -> plain data, remembering where every value came from.

PyYAML's composer gives each node a start mark; we build the Python data ourselves from the
node tree so we can (1) record `path -> position` for every value, which turns pydantic's
error locations into `file:line:col`, and (2) reject duplicate keys, which PyYAML would
otherwise silently resolve by keeping the last one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runner.errors import LabError, LabErrors, LabFileError, SourcePos

Path = tuple[str | int, ...]


@dataclass
class YamlDocument:
    data: Any
    file: str
    positions: dict[Path, SourcePos] = field(default_factory=dict)
    scalars: dict[Path, str] = field(default_factory=dict)  # raw text of each scalar
    keys: dict[Path, SourcePos] = field(default_factory=dict)  # where each mapping key is
    constructor: Any = None  # one PyYAML constructor turns every scalar into its Python value

    def position(self, path: Path) -> SourcePos:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for length in range(len(path), -1, -1):
            if path[:length] in self.positions:
                return self.positions[path[:length]]
        return SourcePos(self.file, 1, 1)


def parse_yaml(text: str, file: str) -> YamlDocument:
    import yaml

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        pos = SourcePos(file, mark.line + 1, mark.column + 1) if mark else SourcePos(file, 1, 1)
        raise LabFileError("load.yaml_syntax", pos=pos, problem=error.problem or "") from None
    except yaml.YAMLError as error:
        pos = SourcePos(file, 1, 1)
        raise LabFileError("load.yaml_syntax", pos=pos, problem=str(error)) from None
    document = YamlDocument(data=None, file=file)
    document.constructor = yaml.SafeLoader("")
    if node is None:
        raise LabFileError("load.empty", pos=SourcePos(file, 1, 1))
    errors: list[LabError] = []
    document.data = _build(node, (), document, errors)
    if errors:
        raise errors[0] if len(errors) == 1 else LabErrors(errors)
    return document


def _build(node: Any, path: Path, document: YamlDocument, errors: list[LabError]) -> Any:
    import yaml

    document.positions[path] = _pos(node, document.file)
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, document, errors)
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), document, errors) for i, item in enumerate(node.value)]
    document.scalars[path] = node.value
    return document.constructor.construct_object(node, deep=True)


def _build_mapping(node: Any, path: Path, document: YamlDocument, errors: list[LabError]) -> dict:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in result:
            first = document.positions[(*path, key)]
            errors.append(
                LabFileError("load.duplicate_key", pos=_pos(key_node, document.file),
                             key=key, first_line=first.line)
            )
            continue
        document.positions[(*path, key)] = document.keys[(*path, key)] = _pos(key_node,
                                                                             document.file)
        result[key] = _build(value_node, (*path, key), document, errors)
        # A block (mapping or list) is best pointed at by its key's line; a scalar by its value.
        if isinstance(value_node.value, list):
            document.positions[(*path, key)] = _pos(key_node, document.file)
    return result


def _pos(node: Any, file: str) -> SourcePos:
    return SourcePos(file, node.start_mark.line + 1, node.start_mark.column + 1)
