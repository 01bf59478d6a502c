"""Start the sandbox's daemons in the background and stop them, always by their own pid.

Nothing here looks a process up by its name: `down` stops the pids `up` recorded, after
checking that each one still is the sandbox's (its command line names the sandbox's folder),
so a pid reused by another program after a reboot is left alone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from runner.sandbox.requirements import search_path

# A lab may set these; the sandbox's daemons must not send anything through a proxy.
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


def spawn(command: list[str], log: Path, env: Mapping[str, str] | None = None) -> int:
    """Start `command` in its own session: Ctrl-C in the user's terminal must not reach it."""
    with open(log, "ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   env=dict(env) if env is not None else daemon_env())
    return process.pid


def daemon_env(**extra: str) -> dict[str, str]:
    """Our environment without proxy settings (in either case), with the system folders in
    PATH (dockerd finds runc, the shim and docker-proxy there), plus `extra`."""
    env = {name: value for name, value in os.environ.items()
           if name.upper() not in PROXY_VARIABLES}
    return env | {"PATH": search_path()} | extra


def alive(pid: int) -> bool:
    """True when `pid` runs (a zombie waiting for its parent counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _state(pid) not in ("Z", "X", "")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
            errors="replace")
    except OSError:
        return ""


def owned(pid: int, folder: Path) -> bool:
    """`pid` runs and its command line names a file inside `folder` (the sandbox's state
    folder: every daemon of the sandbox is given its config file or data root there)."""
    return alive(pid) and f"{folder}/" in command_line(pid)


def stop(pid: int, grace: float = 20.0) -> None:
    """SIGTERM, wait up to `grace` seconds, then SIGKILL; returns once the process is gone."""
    if not alive(pid):
        _reap(pid)
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not wait_until(lambda: _gone(pid), grace, interval=0.02):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        wait_until(lambda: _gone(pid), 5, interval=0.02)


def _gone(pid: int) -> bool:
    _reap(pid)
    return not alive(pid)


def _reap(pid: int) -> None:
    # Our child when this same Python started it; otherwise (an earlier `labrunner sandbox up`
    # started it) there is nothing to reap here: its new parent does that.
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def processes_mentioning(text: str) -> list[int]:
    """Pids whose command line contains `text`: containerd shims name their containerd socket."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid() and text in command_line(
                int(entry.name)):
            pids.append(int(entry.name))
    return pids


def children(pid: int) -> list[int]:
    """Direct children of `pid` (a shim's child is its container's first process)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(entry.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.parent.name))
    return found


def kill_now(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    _reap(pid)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on `host` right now, chosen by the kernel (never a fixed port)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll `predicate` until it is true (True) or `timeout` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_for(pid: int, predicate: Callable[[], bool], timeout: float,
             interval: float = 0.05) -> bool:
    """Like wait_until, but gives up at once when the process `pid` has exited."""
    outcome = wait_until(lambda: predicate() or not alive(pid), timeout, interval)
    return outcome and alive(pid) and predicate()


def log_tail(log: Path, lines: int = 8) -> str:
    """The last lines of a daemon's log, for an error message."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
