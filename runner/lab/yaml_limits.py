"""The limits a lab file must keep, enforced while it is read, so that a hostile file is
refused quickly and in bounded memory, at the place it crosses a limit: a file too large
before it is read; a collection nested too deep, too many aliases, or aliases that expand to
too many nodes (a "billion laughs") while PyYAML streams its events, before the recursive
composer or our builder (runner/lab/yaml_source.py) sees them."""

from __future__ import annotations

import pathlib
from functools import cache
from typing import Any

from runner.errors import LabFileError, SourcePos

# Limits on what a lab file may be. The bundled labs are under 40 KB, nest 6 levels at most,
# hold under 800 nodes and use no alias; each limit leaves ample room. PyYAML's pure-Python
# parser spends ~15 µs a node, so MAX_NODES also bounds what any file costs to about 1 s.
MAX_FILE_BYTES = 1024 * 1024  # checked from the file's size, before it is read
MAX_DEPTH = 64  # nested lists and mappings; PyYAML's composer recurses ~3 frames a level
MAX_NODES = 50_000  # nodes the document expands to, each alias counted as its whole block
MAX_ALIASES = 1_000  # uses of an alias (*name): a cheap alias still costs a parse


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


@cache
def guarded_loader() -> type:
    """PyYAML's SafeLoader whose composer reads every event through a Guard. Made on first
    use, so that importing this module does not import yaml."""
    import yaml

    class GuardedLoader(yaml.SafeLoader):
        def __init__(self, text: str, guard: Guard) -> None:
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


class Guard:
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
