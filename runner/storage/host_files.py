"""Reading the engine host's files: the one interface every storage lookup goes through.

On Linux the engine's files are this machine's (LocalFiles). Docker Desktop's and a remote
engine's are not: runner/storage/helper_files.py reads them through a privileged helper
container and implements this same interface, so locating a layer and the `path` check work
unchanged there. Paths are always the engine host's absolute paths.

To implement HostFiles: `kind`, `glob`, `read_text` and `listdir` are required; `exists` and
`is_dir` derive from `kind`; `read_bytes` is optional (it lets a stopped container's layer on
the containerd store be found in containerd's snapshot database). Failures (no permission,
vanished file) answer MISSING, [] or None: a lookup must go on to its next way, never stop on
an OSError.
"""

from __future__ import annotations

import glob as globbing
import os
import stat
from abc import ABC, abstractmethod
from enum import StrEnum

READ_LIMIT = 1 << 20  # read_text reads at most 1 MiB by default: a log may be huge


class FileKind(StrEnum):
    """What a path is, as lstat sees it (symlinks are not followed)."""

    MISSING = "missing"
    DIR = "dir"
    FILE = "file"
    LINK = "link"
    WHITEOUT = "whiteout"  # a 0/0 character device: overlayfs's mark of a deleted file
    OTHER = "other"  # another device, a socket, a fifo


class HostFiles(ABC):
    """Read-only access to the engine host's files."""

    where: str = "local"  # how they are reached, e.g. "local", "helper" (shown by `where`)

    @abstractmethod
    def kind(self, path: str) -> FileKind:
        """lstat's verdict on `path` (MISSING when it cannot be looked at)."""

    @abstractmethod
    def glob(self, pattern: str) -> list[str]:
        """Paths matching a shell pattern (`*`, `?`, `[…]`), sorted."""

    @abstractmethod
    def read_text(self, path: str, limit: int = READ_LIMIT) -> str | None:
        """The first `limit` characters of a file (UTF-8, errors replaced); None if unreadable."""

    @abstractmethod
    def listdir(self, path: str) -> list[str]:
        """The names in a folder, sorted; [] if it is missing or unreadable."""

    def read_bytes(self, path: str, limit: int = READ_LIMIT) -> bytes | None:
        """The first `limit` bytes of a file; None if unreadable (or not offered)."""
        return None

    def exists(self, path: str) -> bool:
        return self.kind(path) != FileKind.MISSING

    def is_dir(self, path: str) -> bool:
        return self.kind(path) == FileKind.DIR


class LocalFiles(HostFiles):
    """This machine's files (the engine runs here, or its data root is shared with us)."""

    where = "local"

    def kind(self, path: str) -> FileKind:
        try:
            return kind_of(os.lstat(path))
        except (OSError, ValueError):  # ValueError: a NUL byte in the path
            return FileKind.MISSING

    def glob(self, pattern: str) -> list[str]:
        return sorted(globbing.glob(pattern))

    def read_text(self, path: str, limit: int = READ_LIMIT) -> str | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read(limit)
        except (OSError, ValueError):
            return None

    def read_bytes(self, path: str, limit: int = READ_LIMIT) -> bytes | None:
        try:
            with open(path, "rb") as handle:
                return handle.read(limit)
        except (OSError, ValueError):
            return None

    def listdir(self, path: str) -> list[str]:
        try:
            return sorted(os.listdir(path))
        except (OSError, ValueError):
            return []


def kind_of(info: os.stat_result) -> FileKind:
    """The FileKind of an lstat result (shared with implementations that get a mode + rdev)."""
    return kind_from_mode(info.st_mode, info.st_rdev)


def kind_from_mode(mode: int, rdev: int = 0) -> FileKind:
    if stat.S_ISDIR(mode):
        return FileKind.DIR
    if stat.S_ISREG(mode):
        return FileKind.FILE
    if stat.S_ISLNK(mode):
        return FileKind.LINK
    if stat.S_ISCHR(mode) and rdev == 0:
        return FileKind.WHITEOUT
    return FileKind.OTHER


class NoFiles(HostFiles):
    """An engine host whose files cannot be read from here (a remote engine, no helper):
    every question answers nothing, so no lookup mistakes this machine's files for its."""

    where = "nowhere"

    def kind(self, path: str) -> FileKind:
        return FileKind.MISSING

    def glob(self, pattern: str) -> list[str]:
        return []

    def read_text(self, path: str, limit: int = READ_LIMIT) -> str | None:
        return None

    def listdir(self, path: str) -> list[str]:
        return []


LOCAL = LocalFiles()
NOWHERE = NoFiles()

# Engines whose files are read another way (a helper container, with the user's consent):
# endpoint -> its HostFiles. Whoever sets the helper up registers it; lookups ask files_for.
_OTHER_WAYS: dict[str, HostFiles] = {}


def register(endpoint: str, files: HostFiles) -> None:
    """From now on, read the files of the engine at `endpoint` through `files`."""
    _OTHER_WAYS[endpoint] = files


def unregister(endpoint: str) -> None:
    _OTHER_WAYS.pop(endpoint, None)


def files_for(profile) -> HostFiles | None:
    """How to read the engine host's files: a registered way, else this machine's where the
    engine's root is visible here, else None (they cannot be read)."""
    registered = _OTHER_WAYS.get(profile.endpoint)
    if registered is not None:
        return registered
    return LOCAL if profile.host_paths_visible else None


def files_or_nowhere(profile) -> HostFiles:
    """files_for(profile), or NOWHERE where they cannot be read (never this machine's)."""
    return files_for(profile) or NOWHERE
