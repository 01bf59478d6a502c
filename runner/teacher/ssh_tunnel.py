"""An engine reached over ssh (`ssh://user@host[:port][/path/to/docker.sock]`): OpenSSH
forwards a local unix socket to the engine's socket on that host, so the read-only guard can
stand in front of it like any local engine. The remote socket is /var/run/docker.sock unless
the URL gives a path (a rootless engine: /run/user/1000/docker.sock). The ssh client runs with
BatchMode (keys or an agent; never a password prompt) and is stopped by its pid.
`LABRUNNER_SSH` replaces the `ssh` command (`ssh -F ~/class/ssh_config`), as GIT_SSH_COMMAND
does for git."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from runner.errors import EngineUnreachable, UsageError

DEFAULT_REMOTE_SOCKET = "/var/run/docker.sock"
START_TIMEOUT = 15.0


def _ssh_command() -> list[str]:
    """The ssh client's words: LABRUNNER_SSH split as a shell would, or `ssh`."""
    setting = os.environ.get("LABRUNNER_SSH") or "ssh"
    try:
        words = shlex.split(setting)
    except ValueError:  # an unbalanced quote, a trailing backslash
        words = []
    if not words:
        raise UsageError("teacher.ssh_bad_setting", setting=setting)
    return words


class SshTunnel:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.url = url
        self.destination = f"{parts.username}@{parts.hostname}" if parts.username \
            else str(parts.hostname)
        self.port = parts.port
        self.remote_socket = parts.path if parts.path not in ("", "/") else DEFAULT_REMOTE_SOCKET
        self._folder = Path(tempfile.mkdtemp(prefix="labrunner-ssh-"))
        self.local_socket = self._folder / "docker.sock"
        self._process: subprocess.Popen | None = None

    def open(self) -> str:
        """Start the forward; the local engine URL (unix://…) once it answers connections."""
        command = [*_ssh_command(), "-nNT", "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes",
                   "-o", "ConnectTimeout=10", "-L", f"{self.local_socket}:{self.remote_socket}",
                   *(["-p", str(self.port)] if self.port else []), self.destination]
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        except OSError as error:  # no such ssh command, or not executable
            raise EngineUnreachable("teacher.ssh_failed", url=self.url,
                                    error=f"{command[0]}: {error.strerror or error}") from None
        deadline = time.monotonic() + START_TIMEOUT
        while not self.local_socket.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise EngineUnreachable("teacher.ssh_failed", url=self.url,
                                        error=self._stderr() or "timeout")
            time.sleep(0.05)
        return f"unix://{self.local_socket}"

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self.local_socket.unlink(missing_ok=True)
        shutil.rmtree(self._folder, ignore_errors=True)

    def _stderr(self) -> str:
        if self._process is None or self._process.poll() is None:
            return ""
        return (self._process.stderr.read() or b"").decode(errors="replace").strip()

    def __enter__(self) -> SshTunnel:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
