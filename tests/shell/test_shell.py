"""The persistent bash session, with real bash processes."""

from __future__ import annotations

import os
import time

import pytest

from runner.errors import ShellError
from runner.shell import Answer, ShellSession, strip_ansi

pytestmark = pytest.mark.shell


@pytest.fixture
def shell(tmp_path):
    chunks: list[tuple[float, str]] = []
    session = ShellSession(cwd=tmp_path, on_output=lambda c: chunks.append((time.monotonic(), c)))
    session.start()
    session.chunks = chunks
    yield session
    session.close()


def test_cd_export_and_functions_carry_over(shell, tmp_path):
    (tmp_path / "sub").mkdir()
    shell.run("cd sub; export GREETING=bonjour; hello() { echo \"hello $1\"; }")
    result = shell.run("pwd; echo $GREETING; hello world")
    assert result.output == f"{tmp_path}/sub\nbonjour\nhello world\n"
    assert result.exit_code == 0


@pytest.mark.parametrize(("command", "code"), [
    ("true", 0), ("false", 1), ("(exit 42)", 42), ("false | true", 0), ("ls /nonexistent", 2),
])
def test_exit_codes(shell, command, code):
    assert shell.run(command).exit_code == code


def test_multi_line_command_with_heredoc(shell, tmp_path):
    result = shell.run("cat > Dockerfile <<'EOF'\nFROM scratch\nCMD [\"sh\"]\nEOF\n"
                       "if [ -f Dockerfile ]; then\n  wc -l < Dockerfile\nfi")
    assert result.output == "2\n" and result.exit_code == 0
    assert (tmp_path / "Dockerfile").read_text() == 'FROM scratch\nCMD ["sh"]\n'


def test_an_interactive_prompt_is_answered(shell):
    result = shell.run('read -p "Continue? [y/N] " reply; echo "got:$reply"',
                       answers=[Answer(r"\[y/N\]", "y")], timeout=5)
    assert result.exit_code == 0 and "got:y" in result.output


def test_an_unanswered_prompt_ends_at_the_timeout(shell):
    started = time.monotonic()
    result = shell.run('read -p "Sure? " reply', timeout=1)
    assert result.timed_out and result.exit_code is None
    assert time.monotonic() - started < 4
    assert shell.run("echo still here").output == "still here\n"


def test_a_hanging_command_is_killed_and_the_session_keeps_its_state(shell):
    shell.run("export KEPT=yes")
    started = time.monotonic()
    result = shell.run("sleep 30", timeout=1)
    assert result.timed_out and result.exit_code is None
    assert time.monotonic() - started < 4
    assert shell.run("echo $KEPT").output == "yes\n"


def test_a_command_ignoring_ctrl_c_is_killed_too(shell):
    started = time.monotonic()
    result = shell.run("trap '' INT; sleep 30", timeout=1)
    assert result.timed_out
    assert time.monotonic() - started < 6
    assert shell.run("echo ok").output == "ok\n"


def test_output_is_streamed_live(shell):
    before = time.monotonic()
    result = shell.run("echo a; sleep 0.5; echo b")
    finished = before + result.duration
    first_a = next(stamp for stamp, chunk in shell.chunks if "a" in chunk)
    assert finished - first_a > 0.3, "the first line arrived only at the end"
    assert "".join(chunk for _, chunk in shell.chunks).endswith("a\nb\n")


def test_no_marker_ever_leaks(shell):
    for index in range(300):
        result = shell.run(f"echo line{index}; printf 'no newline'")
        assert result.output == f"line{index}\nno newline"
    streamed = "".join(chunk for _, chunk in shell.chunks)
    assert "__LR_" not in streamed
    assert streamed.count("no newline") == 300


def test_unicode_round_trips(shell):
    assert shell.run("echo 'Étape réussie : ça marche'").output == "Étape réussie : ça marche\n"


def test_bash_exiting_raises_a_clear_error(shell):
    with pytest.raises(ShellError) as caught:
        shell.run("exit 3")
        shell.run("echo never")
    assert caught.value.key == "shell.died"


def test_close_is_idempotent_and_ends_bash(tmp_path):
    session = ShellSession(cwd=tmp_path)
    session.start()
    pid = session.child.pid
    session.close()
    session.close()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_strip_ansi():
    assert strip_ansi("\x1b[1;32mgreen\x1b[0m") == "green"
    assert strip_ansi("abc: Downloading 10%\rabc: Pull complete\n") == "abc: Pull complete\n"
    assert strip_ansi("\x1b]0;title\x07text") == "text"
    assert strip_ansi("a\r\nb") == "a\nb"
