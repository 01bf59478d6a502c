"""YAML -> plain data, remembering where every value came from.

PyYAML's composer gives each node a start mark; we build the Python data ourselves from the
node tree so we can (1) record `path -> position` for every value, which turns pydantic's
error locations into `file:line:col`, (2) reject duplicate keys, which PyYAML would
otherwise silently resolve by keeping the last one, and (3) turn every other thing YAML can
fail on after parsing (a tag such as `!!int ten`, an alias that contains itself) into a
placed LabFileError instead of a traceback.

A hostile file is refused quickly, at the place it crosses a limit: one too large before it
is read, one nested too deep or whose aliases expand to too many nodes (a "billion laughs")
while PyYAML streams its events, before the recursive composer or our builder sees them.
"""

from __future__ import annotations

import pathlib
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from runner.errors import LabError, LabErrors, LabFileError, SourcePos

Path = tuple[str | int, ...]

# Limits on what a lab file may be. The bundled labs are under 40 KB, nest 6 levels at most,
# hold under 800 nodes and use no alias; each limit leaves ample room. PyYAML's pure-Python
# parser spends ~15 µs a node, so MAX_NODES also bounds what any file costs to about 1 s.
MAX_FILE_BYTES = 1024 * 1024  # checked from the file's size, before it is read
MAX_DEPTH = 64  # nested lists and mappings; PyYAML's composer recurses ~3 frames a level
MAX_NODES = 50_000  # nodes the document expands to, each alias counted as its whole block
MAX_ALIASES = 1_000  # uses of an alias (*name): a cheap alias still costs a parse

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


def read_source(path: pathlib.Path) -> str:
    """The text of the lab file at `path`. A file over MAX_FILE_BYTES is refused from its
    size, before anything is read; one that cannot be read as UTF-8 is `load.unreadable`."""
    import stat

    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block, /dev/zero never ends
            raise LabFileError("load.not_regular", path=str(path))
        _refuse_size(path, status.st_size)
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # bounded: the file may grow after stat()
        _refuse_size(path, len(data))
        # Newlines as path.read_text() gives them; YAML counts lines the same either way.
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise LabFileError("load.unreadable", path=str(path), reason=str(error)) from None


def _refuse_size(path: pathlib.Path, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise LabFileError("load.too_large", pos=SourcePos(str(path), 1, 1),
                           size=-(-size // 1024), limit=MAX_FILE_BYTES // 1024)  # in KiB


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

    guard = _Guard(file)
    loader = None
    try:
        loader = _guarded_loader()(text, guard)
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


@cache
def _guarded_loader() -> type:
    """PyYAML's SafeLoader whose composer reads every event through a _Guard. Made on first
    use, so that importing this module does not import yaml."""
    import yaml

    class GuardedLoader(yaml.SafeLoader):
        def __init__(self, text: str, guard: _Guard) -> None:
            super().__init__(text)
            self.guard = guard

        def get_event(self) -> Any:
            # The composer consumes each event here once, before it recurses into it.
            event = super().get_event()
            self.guard.see(event)
            return event

        def fetch_flow_collection_start(self, token_class: Any) -> None:
            # To resolve a possible key the scanner reads up to 1024 characters ahead of the
            # events, and slowly on `[[[[…`: the level is refused here, as it is scanned.
            self.guard.open_flow(self.flow_level + len(self.indents), self.get_mark())
            super().fetch_flow_collection_start(token_class)

    return GuardedLoader


class _Guard:
    """Follows the event stream and refuses, at the event that crosses the limit, a collection
    nested deeper than MAX_DEPTH, more than MAX_ALIASES aliases, and a document that expands
    to more than MAX_NODES nodes. Each anchor's expanded size is known when it closes, so an
    alias costs one addition, however many levels of aliases it stands for."""

    def __init__(self, file: str) -> None:
        import yaml

        self.file = file
        self.total = 0  # nodes the document expands to so far, aliases expanded
        self.aliases = 0
        self.open: list[tuple[str | None, int]] = []  # open collections: anchor, total before
        self.sizes: dict[str, int] = {}  # anchor -> nodes its value expands to
        self.last_mark: Any = None  # where the stream is: a RecursionError is placed there
        self.handlers = {yaml.ScalarEvent: self.scalar, yaml.AliasEvent: self.alias,
                         yaml.SequenceStartEvent: self.start, yaml.MappingStartEvent: self.start,
                         yaml.SequenceEndEvent: self.end, yaml.MappingEndEvent: self.end}

    def see(self, event: Any) -> None:
        """Count one event the composer is about to use; raise if it crosses a limit."""
        handler = self.handlers.get(type(event))
        if handler is not None:
            self.last_mark = event.start_mark
            handler(event)

    def scalar(self, event: Any) -> None:
        self.grow(1, event)
        if event.anchor is not None:
            self.sizes[event.anchor] = 1

    def alias(self, event: Any) -> None:
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise LabFileError("load.too_many_aliases", pos=self.pos(event.start_mark),
                               limit=MAX_ALIASES)
        # An anchor still open (a block that contains itself) counts 1: the builder refuses it.
        self.grow(self.sizes.get(event.anchor, 1), event)

    def start(self, event: Any) -> None:
        self.open.append((event.anchor, self.total))
        if len(self.open) > MAX_DEPTH:
            raise LabFileError("load.too_deep", pos=self.pos(event.start_mark), limit=MAX_DEPTH)
        self.grow(1, event)

    def end(self, event: Any) -> None:
        anchor, total_before = self.open.pop()
        if anchor is not None:
            self.sizes[anchor] = self.total - total_before

    def grow(self, nodes: int, event: Any) -> None:
        """Count `nodes` more; past the budget, stop at this event (every size stays small)."""
        self.total += nodes
        if self.total > MAX_NODES:
            raise LabFileError("load.too_many_nodes", pos=self.pos(event.start_mark),
                               count=self.total, limit=MAX_NODES)

    def open_flow(self, depth: int, mark: Any) -> None:
        """The scanner is at a `[` or `{` inside `depth` collections (a lower bound)."""
        if depth >= MAX_DEPTH:
            raise LabFileError("load.too_deep", pos=self.pos(mark), limit=MAX_DEPTH)

    def place(self) -> SourcePos:
        return self.pos(self.last_mark) if self.last_mark else SourcePos(self.file, 1, 1)

    def pos(self, mark: Any) -> SourcePos:
        return SourcePos(self.file, mark.line + 1, mark.column + 1)


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
