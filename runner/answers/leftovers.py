"""What a task's answer left running after its bash is gone: `setsid sleep 300 &` leaves the
answer's session, so killing that session's process group does not reach it.

The answer's bash gets a token in its environment, inherited by everything it starts (a
`setsid` does not clear the environment); at the end, every process of ours that carries the
token, or whose parent chain leads to the answer's bash, is killed. A process started with an
emptied environment (`env -i setsid …`) once its bash has exited is out of reach: no
record links it to the answer any more."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
from pathlib import Path

TOKEN_VARIABLE = "LABRUNNER_ANSWER_TOKEN"
ROUNDS = 20  # a process may fork while we kill: scan again until nothing is left
PROC = Path("/proc")


def new_token() -> str:
    return secrets.token_hex(16)


def kill_leftovers(token: str, bash_pid: int | None = None) -> None:
    """SIGKILL every live process that carries `token` or descends from `bash_pid` (give it
    only while that bash is not reaped: a reaped pid may name someone else's process)."""
    for _ in range(ROUNDS):
        found = _leftovers(token.encode(), bash_pid)
        if not found:
            return
        for pid in found:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)


def _leftovers(token: bytes, bash_pid: int | None) -> list[int]:
    parents = _live_parents()
    marker = TOKEN_VARIABLE.encode() + b"=" + token
    return [pid for pid in parents if pid not in (os.getpid(), bash_pid)
            and ((bash_pid is not None and _descends(pid, bash_pid, parents))
                 or marker in _environment(pid))]


def _live_parents() -> dict[int, int]:
    """pid -> parent pid of every process still running (zombies are already dead)."""
    parents = {}
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_bytes()
        except OSError:  # gone meanwhile
            continue
        fields = stat[stat.rfind(b")") + 2:].split()  # the name may hold spaces and ")"
        if fields and fields[0] not in (b"Z", b"X"):
            parents[int(entry.name)] = int(fields[1])
    return parents


def _descends(pid: int, ancestor: int, parents: dict[int, int]) -> bool:
    seen = set()
    while pid in parents and pid not in seen:
        seen.add(pid)
        pid = parents[pid]
        if pid == ancestor:
            return True
    return False


def _environment(pid: int) -> list[bytes]:
    try:
        return (PROC / str(pid) / "environ").read_bytes().split(b"\0")
    except OSError:  # another user's process, or gone
        return []
