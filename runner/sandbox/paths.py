"""Where one sandbox keeps its files: the state folder, and a run folder for its sockets.

Unix socket paths are limited to 108 bytes, and the daemons put their sockets a few levels
below the run folder; when the state folder is too deep for that, the run folder moves to a
short folder named after a hash of the state folder (under /run, else the temp folder).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

# sun_path holds 108 bytes with the final NUL. The deepest sockets below the run folder are
# libnetwork's `/exec/libnetwork/<12 hex>.sock` (34 bytes) and containerd's
# `/containerd/containerd.sock.ttrpc` (33), measured with dockerd 20.10; a margin for others.
SOCKET_MAX = 107
DEEPEST_SOCKET = 48
# The rootless flavour's user and its home: each rootless sandbox's HOME is a folder in it
# (the state folder, under root's home, is closed to that user).
ROOTLESS_USER = "labrunner-rootless"
ROOTLESS_HOMES = Path("/var/lib/labrunner-rootless")


def default_state_dir() -> Path:
    """$LABRUNNER_SANDBOX_DIR, else $XDG_STATE_HOME/labrunner/sandbox, else ~/.local/state/…"""
    if os.environ.get("LABRUNNER_SANDBOX_DIR"):
        return Path(os.environ["LABRUNNER_SANDBOX_DIR"])
    from runner.resources import state_home

    return state_home() / "sandbox"


def default_cache_dir() -> Path | None:
    """$LABRUNNER_SANDBOX_CACHE: registry storage that `down` keeps, so stand-ins are built once."""
    cache = os.environ.get("LABRUNNER_SANDBOX_CACHE")
    return Path(cache).expanduser().resolve() if cache else None


@dataclass(frozen=True)
class Layout:
    """Every path of one sandbox, derived from its state folder (and the optional cache)."""

    state_dir: Path
    run_dir: Path
    cache_dir: Path | None = None
    flavour: str = "overlay2"
    home: Path | None = None  # rootless: the unprivileged user's HOME for this sandbox

    @classmethod
    def for_state(cls, state_dir: Path, cache_dir: Path | None = None,
                  flavour: str = "overlay2") -> Layout:
        # Resolved: `down` recognises the daemons by this path on their command lines, so every
        # spelling of the folder (relative, through a symlink) must give the same one.
        state_dir = Path(state_dir).expanduser().resolve()
        if flavour == "rootless":  # the user's sockets must be in a folder it may write
            home = ROOTLESS_HOMES / f"sandbox-{digest(state_dir)[:8]}"
            return cls(state_dir, home / "run", cache_dir, flavour, home)
        run_dir = state_dir / "run"
        if len(str(run_dir).encode()) + DEEPEST_SOCKET > SOCKET_MAX:
            run_dir = _short_base() / f"labrunner-{digest(state_dir)}"
        return cls(state_dir, run_dir, cache_dir, flavour)

    @property
    def tag(self) -> str:
        """A short name unique to this state folder (bridge names allow 15 characters)."""
        return digest(self.state_dir)[:8]

    @property
    def daemon_folder(self) -> Path:
        """The folder the engine's command line names (see processes.owned)."""
        return self.home or self.state_dir

    @property
    def socket(self) -> Path:
        """The sandbox's public socket (DOCKER_HOST), served by its seal (see seal.py)."""
        return self.run_dir / "docker.sock"

    @property
    def engine_dir(self) -> Path:
        """The engine's own socket's folder, closed to everyone but the engine's user (0700):
        every client goes through the seal."""
        return self.run_dir / "engine"

    @property
    def engine_socket(self) -> Path:
        return self.engine_dir / "docker.sock"

    @property
    def exec_root(self) -> Path:
        return self.run_dir / "exec"

    @property
    def containerd_dir(self) -> Path:
        return self.run_dir / "containerd"

    @property
    def containerd_socket(self) -> Path:
        return self.containerd_dir / "containerd.sock"

    @property
    def data_root(self) -> Path:
        return self.state_dir / "data"

    @property
    def registry_storage(self) -> Path:
        return self.cache_dir / "registry" if self.cache_dir else self.state_dir / "registry"

    @property
    def record(self) -> Path:
        return self.state_dir / "state.json"

    @property
    def lock(self) -> Path:
        return _short_base() / f"labrunner-{digest(self.state_dir)}.lock"

    def file(self, name: str) -> Path:
        """A config, pid or log file of the sandbox, kept in the state folder."""
        return self.state_dir / name


def digest(path: Path) -> str:
    return hashlib.sha256(str(path).encode()).hexdigest()[:12]


def _short_base() -> Path:
    run = Path("/run")
    return run if os.access(run, os.W_OK) else Path(tempfile.gettempdir())
