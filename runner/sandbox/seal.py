"""The sandbox's seal: a process of its own (runner/guard/seal_server.py) serving the
sandbox's public socket (`layout.socket`, the DOCKER_HOST `sandbox env` prints) in front of
the engine's real one (`layout.engine_socket`, in a 0700 folder). Started by `up` once the
engine answers, recorded as `seal_pid`, stopped by that pid at `down`; `up` starts it again
when it died while the engine lives on.
"""

from __future__ import annotations

import sys
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox import api, processes, state
from runner.sandbox.paths import Layout

START_TIMEOUT = 15.0
GRACE = 5.0
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding `runner`


def command(layout: Layout) -> list[str]:
    """The seal's command line; it names the state folder (`down` recognises it by that)."""
    return [sys.executable, "-m", "runner.guard.seal_server",
            "--engine", f"unix://{layout.engine_socket}", "--socket", str(layout.socket),
            "--folder", str(layout.run_dir), "--folder", f"{layout.state_dir}/"]


def start(layout: Layout) -> int:
    """Start the seal and wait until the engine answers through it; its pid (recorded)."""
    env = processes.daemon_env(PYTHONPATH=str(PACKAGE_ROOT))
    pid = processes.spawn(command(layout), layout.file("seal.log"), env)
    state.update(layout, seal_pid=pid)
    if not processes.wait_for(pid, lambda: api.answers(layout.socket), START_TIMEOUT,
                              interval=0.05):
        raise SandboxError("sandbox.seal_failed", seconds=int(START_TIMEOUT),
                           log=processes.log_tail(layout.file("seal.log")))
    return pid


def running(layout: Layout, record: dict) -> bool:
    pid = record.get("seal_pid", 0)
    return bool(pid) and processes.owned(pid, layout.state_dir)


def stop(layout: Layout, record: dict) -> None:
    """Stop the seal by its recorded pid (if it still is ours), before the engine."""
    if running(layout, record):
        processes.stop(record["seal_pid"], GRACE)
    layout.socket.unlink(missing_ok=True)
