"""Only a trusted containerd process is believed about its socket (and its ctr run): any
user can start a process named containerd that claims `--root <the store's root>`.
Fake /proc trees stand in for the processes."""

from __future__ import annotations

import os
import shutil

import pytest

from runner.storage import containerd_snapshots as snapshots

ROOT = "/var/lib/docker/containerd/daemon"
SYSTEM_PROGRAM = os.path.realpath(shutil.which("sh") or "/bin/sh")  # root's, 0755


def _process(proc, pid: str, exe: str, socket: str, uid: int) -> None:
    folder = proc / pid
    folder.mkdir(parents=True)
    argv = ["containerd", "--root", ROOT, "--address", socket]
    (folder / "cmdline").write_bytes(b"\0".join(word.encode() for word in argv) + b"\0")
    (folder / "status").write_text(f"Name:\tcontainerd\nUid:\t{uid}\t{uid}\t{uid}\t{uid}\n")
    (folder / "exe").symlink_to(exe)


@pytest.fixture
def proc(tmp_path, monkeypatch):
    monkeypatch.setattr(snapshots, "PROC", str(tmp_path / "proc"))
    (tmp_path / "proc").mkdir()
    return tmp_path / "proc"


@pytest.fixture
def socket(tmp_path):
    path = tmp_path / "containerd.sock"
    path.write_text("")
    return str(path)


def _writable_program(tmp_path) -> str:
    program = tmp_path / "bin" / "containerd"
    program.parent.mkdir(exist_ok=True)
    program.write_text("#!/bin/sh\n")
    program.chmod(0o777)
    return str(program)


def test_a_containerd_of_ours_from_a_root_owned_program_is_believed(proc, socket):
    _process(proc, "4242", SYSTEM_PROGRAM, socket, os.geteuid())
    assert snapshots._scan(ROOT) == (socket, SYSTEM_PROGRAM)


def test_another_users_containerd_is_not_believed(proc, socket):
    stranger = 54321 if os.geteuid() != 54321 else 54322
    _process(proc, "4242", SYSTEM_PROGRAM, socket, stranger)
    assert snapshots._scan(ROOT) is None


def test_a_containerd_run_from_a_program_others_may_change_is_not_believed(proc, socket,
                                                                            tmp_path):
    _process(proc, "4242", _writable_program(tmp_path), socket, os.geteuid())
    assert snapshots._scan(ROOT) is None


def test_a_socket_owned_by_another_user_than_the_process_is_not_believed(proc, socket):
    if os.geteuid() == 0:
        os.chown(socket, 54321, 54321)
        _process(proc, "4242", SYSTEM_PROGRAM, socket, 0)
    else:
        _process(proc, "4242", SYSTEM_PROGRAM, socket, 0)  # root's process, our socket
    assert snapshots._scan(ROOT) is None


def test_the_fake_is_passed_over_for_a_trusted_one(proc, socket, tmp_path):
    _process(proc, "100", _writable_program(tmp_path), "/tmp/fake.sock", os.geteuid())
    _process(proc, "200", SYSTEM_PROGRAM, socket, os.geteuid())
    assert snapshots._scan(ROOT) == (socket, SYSTEM_PROGRAM)


def test_a_ctr_beside_containerd_is_used_only_when_only_root_can_change_it(tmp_path):
    program = _writable_program(tmp_path)
    ctr = tmp_path / "bin" / "ctr"
    ctr.write_text("#!/bin/sh\n")
    ctr.chmod(0o755)
    (tmp_path / "bin").chmod(0o777)  # anyone may swap the ctr in that folder
    assert snapshots._ctr_next_to(program) is None
    (tmp_path / "bin").chmod(0o755)
    assert (snapshots._ctr_next_to(program) == str(ctr)) == (os.geteuid() == 0)
    ctr.chmod(0o757)
    assert snapshots._ctr_next_to(program) is None
