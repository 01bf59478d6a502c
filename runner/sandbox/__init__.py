"""The private sandbox engine: its own dockerd and a local registry mirror of stand-ins.

`up` starts both (and records their pids), `down` stops exactly those pids and removes the
state. The user's own engine is never touched: the sandbox has its own data root, exec root,
socket, no bridge (so no iptables rules and no address range to collide with) and a registry
on a free 127.0.0.1 port. The sandbox reports progress through a callback and never prints.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox import paths, processes, registry
from runner.sandbox.paths import Layout, SandboxInfo

__all__ = ["Sandbox", "SandboxInfo", "SandboxStatus"]
Progress = Callable[[str, dict], None]
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class SandboxStatus:
    running: bool
    info: SandboxInfo | None
    images: list[str]


class Sandbox:
    def __init__(self, state_dir: Path | None = None) -> None:
        self.layout = Layout(Path(state_dir) if state_dir else paths.default_state_dir())

    @staticmethod
    def can_start() -> str | None:
        """None when this machine can run the sandbox, else the catalog key saying why not."""
        if os.geteuid() != 0:
            return "sandbox.needs_root"
        for program in ("dockerd", "docker-registry", "docker"):
            if shutil.which(program) is None:
                return "sandbox.missing_programs"
        if not _static_busybox():
            return "sandbox.missing_programs"
        return None

    @property
    def docker_host(self) -> str:
        return f"unix://{self.layout.socket}"

    def env(self) -> dict[str, str]:
        return {"DOCKER_HOST": self.docker_host}

    def is_running(self) -> bool:
        info = paths.load(self.layout)
        return bool(info) and processes.alive(info.dockerd_pid) and processes.alive(
            info.registry_pid)

    def status(self) -> SandboxStatus:
        info = paths.load(self.layout)
        if not self.is_running():
            return SandboxStatus(False, info, [])
        return SandboxStatus(True, info, registry.served_images(info.registry))

    def up(self, progress: Progress | None = None) -> SandboxInfo:
        """Start the sandbox (or return the running one); idempotent."""
        progress = progress or (lambda key, params: None)
        if self.is_running():
            return paths.load(self.layout)
        reason = self.can_start()
        if reason:
            raise SandboxError(reason)
        self.down()  # leftovers of a sandbox whose processes died
        progress("sandbox.starting", {"dir": str(self.layout.state_dir)})
        info = self._start()
        try:
            from runner.sandbox.standins import load_standins

            load_standins(info.docker_host, info.registry,
                          registry.served_images(info.registry), progress)
        except BaseException:
            self.down()
            raise
        progress("sandbox.ready", {"docker_host": info.docker_host, "registry": info.registry})
        return info

    def down(self) -> None:
        """Stop what `up` started, by pid, and remove the sandbox's state."""
        info = paths.load(self.layout)
        if info:
            processes.stop(info.dockerd_pid)
            processes.stop(info.registry_pid)
        if self.layout.state_dir.exists() or self.layout.run_dir.exists():
            processes.unmount_below(self.layout.state_dir, self.layout.run_dir)
            shutil.rmtree(self.layout.state_dir, ignore_errors=True)
            shutil.rmtree(self.layout.run_dir, ignore_errors=True)

    def _start(self) -> SandboxInfo:
        layout = self.layout
        for folder in (layout.state_dir, layout.run_dir, layout.data_root):
            folder.mkdir(parents=True, exist_ok=True)
        address = f"127.0.0.1:{processes.free_port()}"
        registry_pid = registry.start_registry(layout.registry_storage, address, layout.state_dir)
        if not processes.wait_until(lambda: registry.answers(address), 15):
            processes.stop(registry_pid)
            raise SandboxError("sandbox.registry_failed",
                               log=processes.log_tail(layout.log("registry")))
        dockerd_pid = processes.spawn(self._dockerd_command(address), layout.log("dockerd"))
        info = SandboxInfo(self.docker_host, str(layout.data_root), address, dockerd_pid,
                           registry_pid, str(layout.state_dir))
        paths.save(layout, info)  # recorded at once, so `down` can stop them if we fail
        if not processes.wait_until(self._engine_answers, START_TIMEOUT):
            log = processes.log_tail(layout.log("dockerd"))
            self.down()
            raise SandboxError("sandbox.dockerd_failed", log=log)
        return info

    def _dockerd_command(self, registry_address: str) -> list[str]:
        layout = self.layout
        return ["dockerd", "--data-root", str(layout.data_root),
                "--exec-root", str(layout.run_dir / "exec"),
                "--pidfile", str(layout.run_dir / "dockerd.pid"),
                "-H", self.docker_host,
                "--registry-mirror", f"http://{registry_address}",
                "--insecure-registry", registry_address,
                # No bridge: no iptables rules, no address range to collide with the host's.
                "--bridge", "none", "--iptables=false", "--ip-masq=false",
                "--ip", "127.0.0.1"]

    def _engine_answers(self) -> bool:
        from runner.endpoint import engine_info

        return engine_info(self.docker_host, timeout=2) is not None


def _static_busybox() -> bool:
    """A static busybox can be copied into a FROM scratch image; a dynamic one cannot run there."""
    try:
        with open("/bin/busybox", "rb") as binary:
            head = binary.read(4096)
    except OSError:
        return False
    return head.startswith(b"\x7fELF") and b"/ld-linux" not in head and b"/ld-musl" not in head
