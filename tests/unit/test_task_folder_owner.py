"""The student's task folders of killed runs are removed; a folder with no marker, or whose
process still runs, is never touched."""

from __future__ import annotations

import os

from runner.shell.owner import MARKER, abandoned, remove_abandoned_task_folders, write_owner_marker

GONE_PID = 4_194_999


def task_folder(tmp_path, name: str, marker: str | None):
    folder = tmp_path / f"labrunner-task-{name}"
    folder.mkdir()
    (folder / "history").write_text("docker ps\n")
    if marker is not None:
        (folder / MARKER).write_text(marker)
    return folder


def test_only_folders_of_dead_processes_are_removed(tmp_path):
    dead = task_folder(tmp_path, "dead", f"{GONE_PID} 12345\n")
    reused = task_folder(tmp_path, "reused", f"{os.getpid()} 1\n")
    unmarked = task_folder(tmp_path, "unmarked", None)
    damaged = task_folder(tmp_path, "damaged", "garbage")
    alive = task_folder(tmp_path, "alive", None)
    write_owner_marker(alive)
    other = tmp_path / "labrunner-demo-xyz"  # a kept work folder: not a task folder
    other.mkdir()
    (other / MARKER).write_text(f"{GONE_PID} 12345\n")
    assert remove_abandoned_task_folders(tmp_path) == [dead, reused]
    assert not dead.exists() and not reused.exists()
    assert unmarked.exists() and damaged.exists() and alive.exists() and other.exists()


def test_the_marker_names_this_process(tmp_path):
    write_owner_marker(tmp_path)
    pid, start = (tmp_path / MARKER).read_text().split()
    assert int(pid) == os.getpid() and start.isdigit()
    assert not abandoned(tmp_path)


def test_a_link_named_like_a_task_folder_is_not_followed(tmp_path):
    target = task_folder(tmp_path, "target", f"{GONE_PID} 1\n")
    link_home = tmp_path / "links"
    link_home.mkdir()
    (link_home / "labrunner-task-link").symlink_to(target)
    assert remove_abandoned_task_folders(link_home) == []
    assert target.exists()
