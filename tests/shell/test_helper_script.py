"""The helper's question script, run here by this machine's busybox over a folder standing for
an engine host's root (the `/proc/<pid>/root` way): kinds with a whiteout, globs, listings and
reads with odd names; the student's command shape; who counts as a leftover."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
from pathlib import Path

import pytest

from runner.storage import helper_container
from runner.storage.helper_command import host_shell_prefix
from runner.storage.helper_script import (
    QUESTION_SCRIPT,
    Access,
    parse_kinds,
    parse_listing,
    parse_names,
    parse_read,
)
from runner.storage.host_files import FileKind

pytestmark = pytest.mark.shell
BUSYBOX = next((p for p in ("/bin/busybox", "/usr/bin/busybox") if os.path.isfile(p)), "")


@pytest.fixture
def host(tmp_path: Path) -> Path:
    """A fake engine host: a layer with MYFILE, a whiteout, odd names."""
    diff = tmp_path / "var/lib/docker/overlay2/abc/diff"
    (diff / "etc").mkdir(parents=True)
    (diff / "MYFILE").touch()
    (diff / "NOTE").write_text("bonjour\n")
    (diff / "a b").touch()
    (diff / "new\nline").touch()
    (diff / ".hidden").touch()
    (tmp_path / "var/lib/docker/overlay2/def/diff").mkdir(parents=True)
    os.symlink("/nowhere", diff / "link")
    if os.geteuid() == 0:
        os.mknod(diff / "etc/gone", 0o600 | 0o020000, os.makedev(0, 0))  # a whiteout
    return tmp_path


def ask(host: Path, question: str, *args: str) -> bytes:
    if not BUSYBOX:
        pytest.skip("no busybox on this machine")
    argv = ["sh", "-c", QUESTION_SCRIPT, "helper", BUSYBOX, str(host), question, *args]
    return subprocess.run(argv, capture_output=True, check=True).stdout


def test_kinds(host):
    diff = "/var/lib/docker/overlay2/abc/diff"
    paths = [diff, f"{diff}/MYFILE", f"{diff}/link", f"{diff}/none", f"{diff}/etc/gone"]
    kinds = parse_kinds(ask(host, "kind", *paths).decode(), len(paths))
    whiteout = FileKind.WHITEOUT if os.geteuid() == 0 else FileKind.MISSING
    assert kinds == [FileKind.DIR, FileKind.FILE, FileKind.LINK, FileKind.MISSING, whiteout]


def test_glob_finds_myfile_in_every_layer_with_host_paths(host):
    found = parse_names(ask(host, "glob", "/var/lib/docker/overlay2/*/diff/MYFILE"))
    assert found == ["/var/lib/docker/overlay2/abc/diff/MYFILE"]
    assert parse_names(ask(host, "glob", "/var/lib/docker/overlay2/*/diff/NONE")) == []
    assert parse_names(ask(host, "glob", "/var/lib/docker/overlay2/abc/diff/a *")) == [
        "/var/lib/docker/overlay2/abc/diff/a b"]


def test_listing_keeps_hidden_and_odd_names_and_a_missing_folder_is_empty(host):
    names = parse_listing(ask(host, "list", "/var/lib/docker/overlay2/abc/diff"))
    assert names == sorted(["MYFILE", "NOTE", "a b", "new\nline", ".hidden", "link", "etc"])
    assert parse_listing(ask(host, "list", "/var/lib/docker/none")) == []


def test_read(host):
    diff = "/var/lib/docker/overlay2/abc/diff"
    assert parse_read(ask(host, "read", f"{diff}/NOTE", "100"), 100) == "bonjour\n"
    assert parse_read(ask(host, "read", f"{diff}/NOTE", "3"), 3) == "bon"
    assert parse_read(ask(host, "read", diff, "100"), 100) is None


def test_the_students_command_reaches_the_inner_shell_as_one_argument():
    """The outer `sh -c '… sh -c "$0"'` hands the command on unchanged."""
    prefix = host_shell_prefix("privileged", Access("root", 9, 9))
    inner = shlex.split(prefix)[-1].replace("exec chroot /proc/$PPID/root ", "")
    command = "printf '%s|' \"a b\" *.none"
    done = subprocess.run(["sh", "-c", inner, command], capture_output=True, text=True)
    assert done.stdout == "a b|*.none|"


def test_a_leftover_is_a_helper_whose_labrunner_is_gone_on_this_machine():
    child = subprocess.Popen(["true"])
    child.wait()
    here = socket.gethostname()
    assert helper_container._owner_gone(f"{here}:{child.pid}")
    assert not helper_container._owner_gone(f"{here}:{os.getpid()}")
    assert not helper_container._owner_gone(f"another-host:{child.pid}")
    assert not helper_container._owner_gone("")
