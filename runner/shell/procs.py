"""Signals for the processes of one bash session, and only of that session.

pexpect starts bash as the leader of a new session on its own terminal, so every process the
lab starts (foreground command, `cmd &` jobs, their children) carries bash's pid as its
session id, unless it deliberately left with `setsid` (a daemon). That id is how we find
them; nothing outside the session is ever signalled.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

_GONE_STATES = (b"Z", b"X")  # a zombie has ended; its parent (or init) reaps it


def session_members(session_id: int) -> dict[int, int]:
    """{pid: process group} of the live processes in a session, from /proc (Linux)."""
    members: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        stat = _stat_fields(name)
        # Fields after "(comm)": state ppid pgrp session ...
        if stat and int(stat[3]) == session_id and stat[0] not in _GONE_STATES:
            members[int(name)] = int(stat[2])
    return members


def foreground_group(terminal_fd: int) -> int | None:
    """The process group that has the terminal (the running command, or bash when idle)."""
    try:
        return os.tcgetpgrp(terminal_fd)
    except OSError:
        return None


def signal_group(group: int, signum: int) -> None:
    """Signal a process group that may have ended already."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def signal_process(pid: int, signum: int) -> None:
    """Signal a process that may have ended already."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def end_jobs(session_id: int, grace: float) -> None:
    """SIGHUP, then after `grace` seconds SIGKILL, every process of the session but bash.

    SIGHUP is what a closed terminal sends, and the grace lets servers exit cleanly. Called
    while bash (pid == session id) is alive, so that bash reaps them: no zombie is left."""
    others = [group for pid, group in session_members(session_id).items() if pid != session_id]
    if not others:
        return  # the usual case: the lab left nothing running
    groups = set(others) - {session_id}  # bash's own group: its caller ends bash itself
    for group in groups:
        signal_group(group, signal.SIGHUP)
        signal_group(group, signal.SIGCONT)  # a stopped job must run to see the SIGHUP
    deadline = time.monotonic() + grace
    while groups and _others(session_id) and time.monotonic() < deadline:
        time.sleep(0.01)  # only at close, and only while jobs are still running
    kill_session(session_id)


def kill_session(session_id: int) -> None:
    """SIGKILL what is left of the session, bash aside (used after bash is gone, too)."""
    for pid in _others(session_id):
        signal_process(pid, signal.SIGKILL)


def _others(session_id: int) -> list[int]:
    return [pid for pid in session_members(session_id) if pid != session_id]


def _stat_fields(pid: str) -> list[bytes] | None:
    """The fields of /proc/<pid>/stat after the command name (read as bytes: at close this
    runs for every process of the machine, so it must stay cheap)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            data = handle.read()
    except OSError:  # the process ended while we listed /proc
        return None
    # comm may contain spaces and parentheses: the fields start after the last ")".
    return data[data.rfind(b")") + 2:].split()
