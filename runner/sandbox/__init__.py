"""The private sandbox engine: its own dockerd and a local registry mirror of stand-in images.

`up` starts a registry on a free 127.0.0.1 port, a bridge of its own, a containerd and a
dockerd whose every path is under the sandbox's folders (or another engine: see flavours),
loads the stand-ins into the registry, and records the pids; `down` stops exactly those
pids and removes the state. The user's own engine, images and configuration are never
touched. The sandbox reports progress through a callback (a catalog key and its parameters)
and never prints.

Importing this package is cheap: `labrunner --version` must stay instant.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from runner.errors import SandboxError
from runner.sandbox import flavours, paths, processes, state
from runner.sandbox.state import SandboxInfo, SandboxStatus

if TYPE_CHECKING:
    from runner.sandbox.archives import Archive

__all__ = ["Sandbox", "SandboxInfo", "SandboxStatus"]
Progress = Callable[[str, dict], None]


class Sandbox:
    """One sandbox, named by its state folder (default: see flavours.default_state_dir).

    `flavour` None: the one recorded in that state folder, else overlay2."""

    def __init__(self, state_dir: Path | None = None, cache_dir: Path | None = None,
                 flavour: str | None = None) -> None:
        if flavour is None and state_dir is not None:
            flavour = state.recorded_flavour(Path(state_dir))
        self.flavour = flavours.parse(flavour)
        self.layout = paths.Layout.for_state(
            state_dir or flavours.default_state_dir(self.flavour),
            cache_dir or paths.default_cache_dir(), self.flavour.value)

    @staticmethod
    def can_start(flavour: str = "overlay2") -> str | None:
        """None when this machine can start the sandbox, else the catalog key saying why not."""
        from runner.sandbox.requirements import missing_requirement

        return missing_requirement(flavours.parse(flavour))

    @property
    def docker_host(self) -> str:
        return f"unix://{self.layout.socket}"

    def env(self) -> dict[str, str]:
        """The variables that point the docker CLI (and the SDK) at this sandbox; PATH too when
        the engine has a docker client of its own (dockerd 28.5's, for its flavours)."""
        info = state.info(self.layout)
        if info is None or not info.client_dir:
            return {"DOCKER_HOST": self.docker_host}
        return {"DOCKER_HOST": self.docker_host,
                "PATH": os.pathsep.join([info.client_dir, os.environ.get("PATH", "")])}

    def is_running(self) -> bool:
        """True when `up` completed and its daemons and its seal are still the ones it
        started."""
        from runner.sandbox import seal

        return self._engine_running() and seal.running(self.layout, state.read(self.layout))

    def _engine_running(self) -> bool:
        from runner.sandbox.flavour_engines import owned_pids

        record = state.read(self.layout)
        return bool(record.get("complete")) and record.get(
            "flavour", "overlay2") == self.flavour and all(
            processes.owned(pid, folder) for pid, folder in owned_pids(self.layout, record))

    def status(self) -> SandboxStatus:
        """Whether it runs, where, and what its mirror serves (asked over HTTP on 127.0.0.1)."""
        from runner.sandbox import mirror, registry

        info = state.info(self.layout)
        if info is None or not self.is_running():
            return SandboxStatus(False, info, [])
        images = registry.served_images(info.registry)
        return SandboxStatus(True, info, images,
                             mirror.origins(images, self.layout.registry_storage))

    def up(self, progress: Progress | None = None) -> SandboxInfo:
        """Start the sandbox, or return the running one unchanged (idempotent)."""
        progress = progress or _silent
        if self.is_running():
            return state.info(self.layout)
        self._check_flavour()
        reason = self.can_start(self.flavour)
        if reason is not None:
            raise SandboxError(reason)
        with self._locked():
            if self.is_running():  # another `up` finished while we waited for the lock
                return state.info(self.layout)
            # Only the seal died: the engine's clients wait on it. (An engine started before
            # the seal existed serves the public socket itself: it is started afresh.)
            if self._engine_running() and self.layout.engine_socket.is_socket():
                from runner.sandbox import seal

                seal.start(self.layout)
                return state.info(self.layout)
            return self._start(progress)

    def import_archives(self, archives: list[Archive], progress: Progress | None = None) -> None:
        """Start the sandbox when needed (reporting as `up` does), then put the archives'
        Docker Hub images into its mirror (see importer)."""
        from runner.sandbox import dockercli, importer

        progress = progress or _silent
        info = self.up(progress)
        docker = dockercli.runner(dockercli.env(self.layout, info.client_dir))
        with self._locked():  # no `down`, nor a fresh `up` pruning images, in the middle
            if not self.is_running():
                raise SandboxError("sandbox.stopped_meanwhile")
            for archive in archives:
                importer.import_archive(docker, self.layout, info.pushes_to, archive, progress)

    def down(self) -> None:
        """Stop what `up` started (by its recorded pids) and remove the sandbox's state."""
        from runner.sandbox import teardown

        if not self.layout.state_dir.exists() and not self.layout.run_dir.exists():
            return
        if os.geteuid() != 0:
            raise SandboxError("sandbox.needs_root")
        self._check_flavour()
        with self._locked():
            teardown.stop(self.layout)
            self.layout.lock.unlink(missing_ok=True)

    def _start(self, progress: Progress) -> SandboxInfo:
        from runner.sandbox import startup, teardown

        teardown.stop(self.layout)  # what a sandbox whose processes died left behind
        started = time.monotonic()
        try:
            info = startup.start(self.layout, progress)
        except BaseException:  # Ctrl-C too: never leave half a sandbox running
            teardown.stop(self.layout)
            self.layout.lock.unlink(missing_ok=True)
            raise
        progress("sandbox.ready", {"docker_host": info.docker_host, "registry": info.registry,
                                   "seconds": f"{time.monotonic() - started:.1f}"})
        return info

    def _check_flavour(self) -> None:
        """Refuse to start over (or stop) a sandbox of another flavour in the same folder."""
        recorded = state.read(self.layout).get("flavour", "overlay2")
        if self.layout.record.exists() and recorded != self.flavour:
            raise SandboxError("flavour.other_in_folder", dir=str(self.layout.state_dir),
                               flavour=recorded, asked=str(self.flavour))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One `up` or `down` at a time per sandbox (two terminals may run labs at once)."""
        with open(self.layout.lock, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


def _silent(key: str, params: dict) -> None:
    """The default progress callback: the sandbox itself never prints."""
