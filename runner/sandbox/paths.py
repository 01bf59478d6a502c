"""Where a sandbox keeps its state, and how that state is recorded between commands."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path


def default_state_dir() -> Path:
    if os.environ.get("LABRUNNER_SANDBOX_DIR"):
        return Path(os.environ["LABRUNNER_SANDBOX_DIR"])
    state_home = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state_home) / "labrunner" / "sandbox"


@dataclass(frozen=True)
class Layout:
    """Every path of one sandbox. Sockets live in a short folder: unix paths max 108 bytes."""

    state_dir: Path

    @property
    def run_dir(self) -> Path:
        digest = hashlib.sha256(str(self.state_dir.resolve()).encode()).hexdigest()[:10]
        return Path(tempfile.gettempdir()) / f"labrunner-{digest}"

    @property
    def socket(self) -> Path:
        return self.run_dir / "docker.sock"

    @property
    def data_root(self) -> Path:
        return self.state_dir / "data"

    @property
    def registry_storage(self) -> Path:
        cache = os.environ.get("LABRUNNER_SANDBOX_CACHE")
        return Path(cache) / "registry" if cache else self.state_dir / "registry"

    @property
    def record(self) -> Path:
        return self.state_dir / "state.json"

    def log(self, name: str) -> Path:
        return self.state_dir / f"{name}.log"


@dataclass(frozen=True)
class SandboxInfo:
    docker_host: str
    docker_root: str
    registry: str  # 127.0.0.1:PORT
    dockerd_pid: int
    registry_pid: int
    state_dir: str


def save(layout: Layout, info: SandboxInfo) -> None:
    layout.record.write_text(json.dumps(asdict(info), indent=2), encoding="utf-8")


def load(layout: Layout) -> SandboxInfo | None:
    try:
        return SandboxInfo(**json.loads(layout.record.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
