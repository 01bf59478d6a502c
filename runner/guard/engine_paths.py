"""Does a bind mount's source lead to a Docker engine's socket? The file-system half of the
seal (runner/guard/seal.py).

The rule, symlinks resolved on both sides: a source is refused when it is a unix socket, when
it is (or holds, at any depth) one of the known engine paths, or when it lies inside one of
the known engine folders. Known: /run/docker.sock (also as /var/run/docker.sock), /run/docker,
/run/containerd, /run/podman, /run/user/*/docker.sock and /run/user/*/podman, Docker
Desktop's and its friends' folders in every home, the sockets of every docker context
(desktop_paths.py), every labrunner sandbox's folders (its state and run folders,
/run/labrunner-*, the rootless sandboxes' homes, labrunner's state folder) and the per-run
guards' socket folders. A sandbox elsewhere
(LABRUNNER_SANDBOX_DIR) is known by the marks it leaves: a source inside a folder marked as
a sandbox's, or whose direct subfolder is, is refused too.
"""

from __future__ import annotations

import glob
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

SOCKETS = ("/run/docker.sock", "/var/run/docker.sock", "/run/user/*/docker.sock")
FOLDERS = ("/run/docker", "/run/containerd", "/run/podman", "/run/user/*/podman",
           "/run/labrunner-*", "/var/lib/labrunner-rootless")
GUARD_FOLDERS = ("labrunner-guard-*",)  # in the temp folder and /tmp (see guard.py)
# Files a sandbox leaves in its state folder (state.MARKER) and beside its socket
# (identity.SOCKET_MARK).
SANDBOX_MARKS = (".labrunner-sandbox", "io.labrunner.sandbox")


class EnginePaths:
    """The known engine paths of this machine, plus `extra` folders (a sandbox's own)."""

    def __init__(self, extra: Iterable[str | Path] = ()) -> None:
        self.extra = [str(path) for path in extra]

    def touches_engine(self, source: str) -> bool:
        """True when mounting `source` would hand a container an engine's socket."""
        path = os.path.realpath(source)
        if _is_socket(path) or _marked_near(Path(path)):
            return True
        return any(_holds(path, known) or (folder and _holds(known, path))
                   for known, folder in self.known())

    def known(self) -> list[tuple[str, bool]]:
        """(resolved path, is it a folder whose whole content is the engine's), now."""
        from runner.guard.desktop_paths import desktop_folders, desktop_sockets

        found = [(path, False) for pattern in SOCKETS for path in _expand(pattern)]
        found += [(path, False) for path in desktop_sockets()]
        folders = [*FOLDERS, *self.extra, str(_state_home()), *desktop_folders()]
        for base in {tempfile.gettempdir(), "/tmp"}:
            folders += [os.path.join(base, pattern) for pattern in GUARD_FOLDERS]
        found += [(path, True) for pattern in folders for path in _expand(pattern)]
        return [(os.path.realpath(path), folder) for path, folder in found]


def _marked_near(path: Path) -> bool:
    """`path` or a folder above it is a sandbox's, or a folder right below it is."""
    if any(_marked(folder) for folder in (path, *path.parents)):
        return True
    try:
        with os.scandir(path) as entries:
            return any(entry.is_dir(follow_symlinks=False) and _marked(Path(entry.path))
                       for entry in entries)
    except OSError:
        return False


def _marked(folder: Path) -> bool:
    return any(os.path.lexists(folder / mark) for mark in SANDBOX_MARKS)


def _holds(folder: str, path: str) -> bool:
    """`path` is `folder` or inside it (both resolved)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _expand(pattern: str) -> list[str]:
    """A pattern's matches now; a plain path is kept even when absent (a mount of /run must be
    refused before the engine's socket appears there)."""
    return glob.glob(pattern) if glob.has_magic(pattern) else [pattern]


def _is_socket(path: str) -> bool:
    try:
        return stat.S_ISSOCK(os.stat(path).st_mode)
    except OSError:
        return False


def _state_home() -> Path:
    from runner.resources import state_home

    return state_home()
