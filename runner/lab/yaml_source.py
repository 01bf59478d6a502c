"""YAML -> plain data, remembering where every value came from.

PyYAML's composer gives each node a start mark; we build the Python data ourselves from the
node tree so we can (1) record `path -> position` for every value, which turns pydantic's
error locations into `file:line:col`, (2) reject duplicate keys, which PyYAML would
otherwise silently resolve by keeping the last one, and (3) turn every other thing YAML can
fail on after parsing (a tag such as `!!int ten`, an alias that contains itself) into a
placed LabFileError instead of a traceback.

A hostile file is refused quickly, at the place it crosses a limit (runner/lab/yaml_limits.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runner.errors import LabError, LabErrors, LabFileError, SourcePos
from runner.lab.yaml_limits import MAX_DEPTH, MAX_NODES, Guard, guarded_loader

Path = tuple[str | int, ...]

YAML_TAG_PREFIX = "tag:yaml.org,2002:"
# The tags the composer gives a plain mapping or list: we build those ourselves, so any other
# tag on a collection (!!set, !!omap, !custom) would be silently dropped; it is refused instead.
COLLECTION_TAGS = (f"{YAML_TAG_PREFIX}map", f"{YAML_TAG_PREFIX}seq")
# What PyYAML's safe constructors raise on a value their tag cannot read:
# ValueError (!!int ten), AttributeError (!!timestamp soon), KeyError (!!bool maybe).
BAD_VALUE_ERRORS = (ValueError, LookupError, AttributeError, TypeError)


@dataclass
class YamlDocument:
    data: Any
    file: str
    positions: dict[Path, SourcePos] = field(default_factory=dict)
    scalars: dict[Path, str] = field(default_factory=dict)  # raw text of each scalar
    keys: dict[Path, SourcePos] = field(default_factory=dict)  # where each mapping key is

    def position(self, path: Path) -> SourcePos:
        """The position of `path`, or of its nearest ancestor that exists in the file."""
        for length in range(len(path), -1, -1):
            if path[:length] in self.positions:
                return self.positions[path[:length]]
        return SourcePos(self.file, 1, 1)


def parse_yaml(text: str, file: str) -> YamlDocument:
    """The document in `text`; every problem found raised at once as LabError/LabErrors."""
    node = _compose(text, file)
    if node is None:
        raise LabFileError("load.empty", pos=SourcePos(file, 1, 1))
    builder = _build(node, file)
    if builder.errors:
        errors = builder.errors
        raise errors[0] if len(errors) == 1 else LabErrors(errors)
    return builder.document


def _compose(text: str, file: str) -> Any:
    """PyYAML's node tree of `text` (None when it holds no document); syntax errors and
    crossed limits placed."""
    import yaml

    guard = Guard(file)
    loader = None
    try:
        loader = guarded_loader()(text, guard)
        return loader.get_single_node()
    except yaml.YAMLError as error:
        raise _syntax_error(error, file) from None
    except RecursionError:  # the guard stops long before; this is the last line of defence
        raise LabFileError("load.too_deep", pos=guard.place(), limit=MAX_DEPTH) from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_error(error: Exception, file: str) -> LabFileError:
    """`load.yaml_syntax` at the mark PyYAML gives, or at the file's start."""
    import yaml

    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        pos = SourcePos(file, mark.line + 1, mark.column + 1) if mark else SourcePos(file, 1, 1)
        return LabFileError("load.yaml_syntax", pos=pos, problem=error.problem or "")
    return LabFileError("load.yaml_syntax", pos=SourcePos(file, 1, 1), problem=str(error))


def _build(node: Any, file: str) -> _Builder:
    """A builder that has built `node`; a RecursionError becomes a placed `load.too_deep`."""
    builder = _Builder(YamlDocument(data=None, file=file))
    try:
        builder.document.data = builder.build(node, ())
    except RecursionError:
        raise LabFileError("load.too_deep", pos=builder.pos(builder.current),
                           limit=MAX_DEPTH) from None
    return builder


class _Builder:
    """Builds plain data from a node tree, filling the document's positions as it goes and
    collecting every error, so the author sees them all at once."""

    def __init__(self, document: YamlDocument) -> None:
        import yaml

        self.document = document
        self.errors: list[LabError] = []
        self.constructor = yaml.SafeLoader("")  # turns a scalar into its Python value
        self.open: list[Any] = []  # the collections being built: an alias to one of them loops
        self.built = 0  # nodes built, each alias as many times as it is used
        self.current: Any = None  # the node being built: a RecursionError is placed there

    def build(self, node: Any, path: Path) -> Any:
        import yaml

        self.count(node)
        self.document.positions[path] = self.pos(node)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if any(node is ancestor for ancestor in self.open):
            return self.fail("load.recursive_alias", node)
        if node.tag not in COLLECTION_TAGS:
            return self.fail("load.unsupported_tag", node, tag=_short_tag(node.tag))
        self.open.append(node)
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        finally:
            self.open.pop()

    def count(self, node: Any) -> None:
        """One more node; past MAX_NODES the build stops (the event guard stops such a file
        first: this is defence in depth, for a node tree that did not come through it)."""
        self.built += 1
        self.current = node
        if self.built > MAX_NODES:
            raise LabFileError("load.too_many_nodes", pos=self.pos(node), count=self.built,
                               limit=MAX_NODES)

    def scalar(self, node: Any, path: Path) -> Any:
        """The scalar's Python value; a tag that does not apply to it is a placed error."""
        import yaml

        self.document.scalars[path] = node.value
        if node.tag not in self.constructor.yaml_constructors:  # !shell, !!python/name:…
            return self.fail("load.unsupported_tag", node, tag=_short_tag(node.tag))
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, *BAD_VALUE_ERRORS):
            return self.fail("load.bad_tagged_value", node, value=node.value,
                             tag=_short_tag(node.tag))

    def mapping(self, node: Any, path: Path) -> dict:
        """The mapping's data; a key seen twice is an error naming the first one's line."""
        result: dict[Any, Any] = {}
        keys = self.document.keys
        for key_node, value_node in node.value:
            if isinstance(key_node.value, list):  # as text, a whole node tree, aliases expanded
                self.fail("load.complex_key", key_node)
                continue
            key = key_node.value
            if key in result:
                self.fail("load.duplicate_key", key_node, key=key,
                          first_line=keys[(*path, key)].line)
                continue
            keys[(*path, key)] = self.pos(key_node)
            result[key] = self.build(value_node, (*path, key))
            # A block (mapping or list) is best pointed at by its key's line; a scalar by its value.
            if isinstance(value_node.value, list):
                self.document.positions[(*path, key)] = keys[(*path, key)]
        return result

    def fail(self, message_key: str, node: Any, **params: Any) -> None:
        """Record an error at `node`; the value it stands for becomes None."""
        self.errors.append(LabFileError(message_key, pos=self.pos(node), **params))

    def pos(self, node: Any) -> SourcePos:
        return SourcePos(self.document.file, node.start_mark.line + 1,
                         node.start_mark.column + 1)


def _short_tag(tag: str) -> str:
    """A tag as the author wrote it: `tag:yaml.org,2002:int` is `!!int`."""
    return "!!" + tag.removeprefix(YAML_TAG_PREFIX) if tag.startswith(YAML_TAG_PREFIX) else tag
