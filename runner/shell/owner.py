"""Which process owns a file or folder, and whether that process still runs.

A pid alone is not enough: after a reboot or a long uptime the same number belongs to
another process. The process's start time (from /proc/<pid>/stat) tells them apart.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

MARKER = "owner"  # in a task folder: "<pid> <start time>" of the labrunner that made it
TASK_PREFIX = "labrunner-task-"


def process_start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot, as text; "" if there is no such
    process (or no /proc to ask)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses: count after its last ")".
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def process_runs(pid: int, start_time: str) -> bool:
    """Is the process that had this pid and start time still running?"""
    return pid > 0 and bool(start_time) and process_start_time(pid) == start_time


def write_owner_marker(folder: Path) -> None:
    """Record in `folder` that this process made it, so a later run can tell whether it was
    abandoned by a killed labrunner."""
    pid = os.getpid()
    (folder / MARKER).write_text(f"{pid} {process_start_time(pid)}\n", encoding="ascii")


def abandoned(folder: Path) -> bool:
    """A folder whose marker names a process that is gone. No marker: never abandoned."""
    try:
        pid, start_time = (folder / MARKER).read_text(encoding="ascii").split()
        return not process_runs(int(pid), start_time)
    except (OSError, ValueError, UnicodeDecodeError):
        return False


def remove_abandoned_task_folders(temp_dir: Path) -> list[Path]:
    """Remove the student's task folders left by killed runs; returns those removed."""
    removed = []
    for folder in sorted(temp_dir.glob(f"{TASK_PREFIX}*")):
        if _ours(folder) and abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _ours(folder: Path) -> bool:
    """A real folder (not a link) of this user: the temp dir is shared with everyone."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
