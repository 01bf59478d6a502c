"""The helper container's pure parts: how its answers are read, the commands it is given, the
student's command and the consent message."""

from __future__ import annotations

import shlex

import pytest

from runner.engines.profile import EngineProfile
from runner.i18n import LANGUAGES
from runner.storage.helper_command import (
    consent_message,
    host_shell_command,
    host_shell_prefix,
    why_key,
)
from runner.storage.helper_script import (
    Access,
    kind_from_word,
    parse_kinds,
    parse_listing,
    parse_names,
    parse_probe,
    parse_read,
    parse_read_raw,
    read_bytes,
    stdout_of,
)
from runner.storage.host_files import FileKind


@pytest.mark.parametrize("kind", list(FileKind))
def test_each_kind_word_is_read_back(kind):
    assert kind_from_word(kind.value) == kind


def test_a_word_that_is_no_kind_says_missing():
    assert kind_from_word("stat: cannot") == FileKind.MISSING


def test_a_cut_answer_says_missing_for_what_it_did_not_answer():
    assert parse_kinds("dir\n", 3) == [FileKind.DIR, FileKind.MISSING, FileKind.MISSING]


def test_names_are_nul_separated_sorted_and_keep_spaces_newlines_and_bad_utf8():
    names = parse_names(b"z\0a b\0new\nline\0\xff\0")
    assert names == sorted(["z", "a b", "new\nline", "\udcff"])
    assert parse_names(b"") == []


def test_a_listing_gives_names_without_the_leading_dot_slash():
    assert parse_listing(b"./b\0./.hidden\0./a b\0") == [".hidden", "a b", "b"]


def test_read_answers_none_for_no_file_and_cuts_at_the_limit_in_characters():
    assert parse_read(b"-", 10) is None and parse_read(b"", 10) is None
    assert parse_read("+été".encode(), 2) == "ét"
    assert read_bytes(3) == 12 and read_bytes(-1) == 0


def test_a_raw_read_keeps_the_bytes_as_they_are_and_cuts_at_the_limit_in_bytes():
    assert parse_read_raw(b"-", 10) is None and parse_read_raw(b"", 10) is None
    assert parse_read_raw(b"+\xed\x0c\xda\xed\0\0", 5) == b"\xed\x0c\xda\xed\0"
    assert parse_read_raw(b"+", 10) == b""  # an empty file


@pytest.mark.parametrize(("output", "access"), [
    ("enter 812 830\n", Access("enter", 812, 830)),
    ("root 1 830\n", Access("root", 1, 830)),
    ("none 0 830\n", None),
    ("", None),
    ("enter x 830", None),
])
def test_the_probe_answer(output, access):
    assert parse_probe(output) == access


def test_only_stdout_frames_are_kept_from_an_exec_stream():
    def frame(number: int, data: bytes) -> bytes:
        return bytes([number, 0, 0, 0]) + len(data).to_bytes(4, "big") + data
    stream = frame(1, b"out1 ") + frame(2, b"err") + frame(1, b"out2") + b"\x01\0\0"
    assert stdout_of(stream) == b"out1 out2"


def test_inside_the_engines_namespace_the_helper_runs_its_own_busybox_with_no_prefix():
    argv = Access("enter", 812, 830).argv("kind", "/var/lib/docker")
    assert argv[:6] == ["nsenter", "-t", "812", "-m", "--", "/proc/830/root/bin/busybox"]
    assert argv[-4:] == ["/proc/830/root/bin/busybox", "", "kind", "/var/lib/docker"]


def test_through_proc_root_paths_are_prefixed():
    argv = Access("root", 1, 830).argv("glob", "/x/*")
    assert argv[0:2] == ["sh", "-c"] and argv[-3:] == ["/proc/1/root", "glob", "/x/*"]


def test_the_students_default_command_is_the_trainers_desktop_form():
    assert host_shell_command("ls -d /var/lib/docker/overlay2/*/diff/MYFILE") == (
        "docker run --rm --privileged --pid=host busybox nsenter -t 1 -m -- sh -c "
        "'ls -d /var/lib/docker/overlay2/*/diff/MYFILE'")


def test_through_the_parent_process_the_pid_is_read_in_the_container():
    prefix = host_shell_prefix("capabilities", Access("enter", 812, 830))
    assert "--cap-add SYS_ADMIN --cap-add SYS_PTRACE" in prefix
    words = shlex.split(prefix)
    assert words[-3:] == ["sh", "-c", 'exec nsenter -t $PPID -m -- sh -c "$0"']


def profile(kind: str = "remote", endpoint: str = "tcp://10.0.0.5:2376",
            rootless: bool = False) -> EngineProfile:
    return EngineProfile(kind=kind, endpoint=endpoint, docker_root="/var/lib/docker",
                         storage_driver="overlay2", server_version="29.0.0",
                         host_paths_visible=False, rootless=rootless)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["desktop", "remote", "containerd", "podman"])
def test_consent_names_the_engine_the_image_and_why(language, kind):
    text = consent_message(profile(kind), "busybox:latest").text(language)
    assert "tcp://10.0.0.5:2376" in text and "busybox:latest" in text
    assert "--privileged --pid=host" in text and "--host-helper" in text
    assert "{" not in text


@pytest.mark.parametrize(("engine", "why"), [
    (profile("desktop", "unix:///Users/me/.docker/run/docker.sock"), "helper.why_desktop"),
    (profile("remote"), "helper.why_remote"),
    (profile("containerd", "tcp://host:2375"), "helper.why_remote"),
    (profile("rootless", "unix:///run/user/1001/docker.sock", rootless=True),
     "helper.why_rootless"),
    (profile("linux", "unix:///var/run/docker.sock"), "helper.why_unreadable"),
])
def test_consent_says_why_the_files_are_out_of_reach(engine, why):
    assert why_key(engine) == why
    assert consent_message(engine).params["why"].key == why


# --- the session's stream ----------------------------------------------------------------------

def frame(number: int, data: bytes) -> bytes:
    return bytes([number, 0, 0, 0]) + len(data).to_bytes(4, "big") + data


def test_a_session_sends_lines_and_reads_framed_answers_up_to_the_mark():
    import socket

    from runner.storage.helper_session import Session

    ours, theirs = socket.socketpair()
    session = Session(ours, "cafe")
    mark = b"\0\0cafe\0\0"
    # The answer arrives split across frames, the mark itself cut in two, stderr mixed in.
    theirs.sendall(frame(1, b"a b\0new") + frame(2, b"noise") + frame(1, b"\nline\0" + mark[:3])
                   + frame(1, mark[3:]) + frame(1, b"next" + mark))
    assert session.ask("list", "/x y") == b"a b\0new\nline\0"
    assert theirs.recv(100) == b"list\n1\n/x y\n"
    assert session.ask("kind") == b"next"
    theirs.close()
    with pytest.raises(OSError):
        session.ask("kind", "/")
    session.close()


def test_an_argument_with_a_newline_cannot_travel_on_a_line():
    from runner.storage.helper_session import Session

    assert Session.can_carry(("/a b", "/c"))
    assert not Session.can_carry(("/new\nline",))


def test_silence_from_a_helper_that_no_longer_runs_ends_the_wait(monkeypatch):
    import socket

    from runner.storage import helper_session

    monkeypatch.setattr(helper_session, "PATIENCE", 0.01)
    ours, theirs = socket.socketpair()
    ours.settimeout(0.01)
    asked = []
    session = helper_session.Session(ours, "cafe", alive=lambda: asked.append(1) or len(asked) < 3)
    with pytest.raises(TimeoutError):
        session.ask("kind", "/")
    assert len(asked) == 3  # silence while it runs is a slow answer: wait on
    session.close()
    theirs.close()
