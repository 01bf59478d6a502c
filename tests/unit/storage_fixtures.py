"""Shared by the storage unit tests: an engine host made of real folders under a tmp root.

`RootedFiles` answers HostFiles questions about absolute engine-host paths from a tmp
folder standing for `/`, so fixtures are real files (a whiteout is a real 0/0 device)."""

from __future__ import annotations

from pathlib import Path

from runner.engines.profile import EngineProfile
from runner.storage.host_files import FileKind, HostFiles, LocalFiles


class RootedFiles(HostFiles):
    """The engine host's `/` is `root` on this machine."""

    where = "test"

    def __init__(self, root: Path) -> None:
        self.root, self.local = str(root), LocalFiles()

    def _here(self, path: str) -> str:
        return self.root + path

    def kind(self, path: str) -> FileKind:
        return self.local.kind(self._here(path))

    def glob(self, pattern: str) -> list[str]:
        return [found[len(self.root):] for found in self.local.glob(self._here(pattern))]

    def read_text(self, path: str, limit: int = 1 << 20) -> str | None:
        return self.local.read_text(self._here(path), limit)

    def read_bytes(self, path: str, limit: int = 1 << 20) -> bytes | None:
        return self.local.read_bytes(self._here(path), limit)

    def listdir(self, path: str) -> list[str]:
        return self.local.listdir(self._here(path))


def write(root: Path, path: str, text: str = "") -> Path:
    """Create the file `path` (engine-host absolute) under `root`, folders included."""
    target = root / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def folder(root: Path, path: str) -> Path:
    target = root / path.lstrip("/")
    target.mkdir(parents=True, exist_ok=True)
    return target


def profile(kind: str = "linux", driver: str = "overlay2", root: str = "/var/lib/docker",
            **changes) -> EngineProfile:
    return EngineProfile(kind, "unix:///var/run/docker.sock", root, driver, "28.5.2", True,
                         **changes)
