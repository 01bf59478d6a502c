"""The persistent bash session, with real bash processes (no fakes)."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from runner.errors import ShellError
from runner.shell.session import Answer, ShellSession

pytestmark = pytest.mark.shell


@pytest.fixture
def shell(tmp_path):
    chunks: list[tuple[float, str]] = []
    session = ShellSession(env={"PATH": os.environ["PATH"], "PS1": "exported> "}, cwd=tmp_path,
                           on_output=lambda c: chunks.append((time.monotonic(), c)))
    session.start()
    session.chunks = chunks
    yield session
    session.close()


def gone(pid: int) -> bool:
    """The process has ended (a zombie has ended too, it only waits for its parent)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat[stat.rfind(")") + 2] in "ZX"


# --- state, exit codes, command shapes ---

def test_cd_export_variables_and_functions_carry_over(shell, tmp_path):
    (tmp_path / "sub").mkdir()
    shell.run("cd sub; export GREETING=bonjour; count=3; hello() { echo \"hello $1\"; }")
    result = shell.run("pwd; echo $GREETING $count; hello world")
    assert result.output == f"{tmp_path}/sub\nbonjour 3\nhello world\n"
    assert result.exit_code == 0 and not result.timed_out
    assert shell.cwd == f"{tmp_path}/sub"


@pytest.mark.parametrize(("command", "code"), [
    ("true", 0), ("false", 1), ("(exit 42)", 42), ("false | true", 0), ("true | false", 1),
    ("ls /nonexistent", 2), ("no-such-command-here", 127), ("echo a\nfalse", 1), ("", 0),
])
def test_exit_codes(shell, command, code):
    assert shell.run(command).exit_code == code


def test_dollar_question_mark_is_the_previous_commands_status(shell):
    shell.run("(exit 7)")
    assert shell.run("echo $?").output == "7\n"


def test_the_runners_own_line_sets_off_neither_set_e_nor_err_traps(shell):
    shell.run("trap 'echo ERR' ERR")
    assert "ERR" in shell.run("false").output
    # The line that starts the next command sees $? == 1 and must stay quiet.
    assert shell.run("echo next").output == "next\n"
    shell.run("set -e")
    assert shell.run("echo alive").output == "alive\n"


def test_multi_line_command_with_heredoc_is_one_result(shell, tmp_path):
    result = shell.run("cat > Dockerfile <<'EOF'\nFROM scratch\nCMD [\"sh\"]\nEOF\n"
                       "if [ -f Dockerfile ]; then\n  wc -l < Dockerfile\nfi\nfalse")
    assert result.output == "2\n" and result.exit_code == 1
    assert (tmp_path / "Dockerfile").read_text() == 'FROM scratch\nCMD ["sh"]\n'


def test_a_syntax_error_fails_the_command_and_the_session_goes_on(shell):
    result = shell.run("echo before\nif true; then\n  echo (\nfi")
    assert result.exit_code == 2  # bash's status for a syntax error, in any language
    before, complaint = result.output.split("\n", 1)
    assert before == "before" and complaint.strip(), "bash's own complaint is shown"
    assert shell.run("echo ok").output == "ok\n"


def test_line_numbers_are_the_command_s_own(shell):
    """bash's messages name a line of what the student wrote, not of a wrapper around it."""
    assert shell.run("echo one\n\necho $LINENO").output == "one\n3\n"


def test_set_x_and_a_changed_ps1_do_not_disturb_the_session(shell):
    shell.run('PS1="(venv) $PS1"; set -x')
    result = shell.run("echo hi")
    shell.run("set +x")
    assert "+ echo hi\nhi\n" in result.output and "__LR_" not in result.output
    assert shell.run("echo ok").output == "ok\n"


def test_the_terminal_is_restored_after_a_program_turns_echo_on(shell):
    shell.run("stty echo")
    assert shell.run("echo quiet").output == "quiet\n"


def test_environment_and_terminal(shell):
    result = shell.run('echo "$TERM $PAGER $GIT_PAGER"; bash -c \'echo "${PS1-unset}"\'; '
                       "stty size")
    assert result.output == "xterm cat cat\nunset\n40 120\n"  # an exported PS1 is dropped


def test_terminal_size_and_term_can_be_chosen(tmp_path):
    env = {"PATH": os.environ["PATH"], "TERM": "dumb"}
    with ShellSession(env=env, cwd=tmp_path, rows=10, cols=200) as session:
        assert session.run("echo $TERM; stty size").output == "dumb\n10 200\n"


def test_unicode_round_trips(shell):
    result = shell.run("echo 'Étape réussie : ça marche, 日本'; printf 'é%.0s' 1 2 3")
    assert result.output == "Étape réussie : ça marche, 日本\nééé"


def test_large_output_is_complete_and_quick(shell):
    started = time.monotonic()
    result = shell.run("seq 1 200000")
    assert result.output == "".join(f"{n}\n" for n in range(1, 200001))
    assert time.monotonic() - started < 3


# --- interactive prompts ---

def test_an_interactive_prompt_is_answered(shell):
    result = shell.run('read -p "Continue? [y/N] " reply; echo "got:$reply"',
                       answers=[Answer(r"\[y/N\]", "y")], timeout=5)
    assert result.exit_code == 0 and "got:y" in result.output


def test_answers_are_typed_in_order_each_once(shell):
    command = 'read -p "name? " a; read -p "again? [y/N] " b; echo "$a/$b"'
    result = shell.run(command, answers=[Answer("name", "Zoé"), Answer(r"\[y/N\]", "y")],
                       timeout=5)
    assert result.output.endswith("Zoé/y\n") and result.exit_code == 0


def test_an_unanswered_prompt_ends_at_the_timeout(shell):
    started = time.monotonic()
    result = shell.run('read -p "Sure? [y/N] " reply', timeout=1)
    assert result.timed_out and result.exit_code is None
    assert time.monotonic() - started < 4
    assert shell.run("echo still here").output == "still here\n"


def test_an_answer_no_program_reads_does_not_shift_the_results(shell):
    first = shell.run("echo hello", answers=[Answer("hello", "echo stray")], timeout=5)
    assert first.output == "hello\n" and first.exit_code == 0
    second = shell.run("echo two")  # bash ran the stray line; its prompt is skipped
    assert second.output.endswith("two\n") and second.exit_code == 0
    assert shell.run("echo three").output == "three\n"


# --- timeouts and interruptions ---

def test_a_hanging_command_is_killed_and_the_session_keeps_its_state(shell, tmp_path):
    shell.run("export KEPT=yes; cd /")
    started = time.monotonic()
    result = shell.run("echo started; sleep 30", timeout=1)
    assert result.timed_out and result.exit_code is None
    assert result.output.startswith("started\n")
    assert 1 <= result.duration < 4 and time.monotonic() - started < 4
    assert shell.run("echo $KEPT; pwd").output == "yes\n/\n"


def test_a_command_ignoring_ctrl_c_is_killed_too(shell):
    started = time.monotonic()
    result = shell.run("trap '' INT; sleep 30", timeout=1)
    assert result.timed_out
    assert time.monotonic() - started < 6
    assert shell.run("trap - INT; echo ok").output == "ok\n"


def test_the_rest_of_a_killed_command_does_not_run(shell, tmp_path):
    result = shell.run("bash -c \"trap '' INT; sleep 30\"; touch after", timeout=1)
    assert result.timed_out
    assert not (tmp_path / "after").exists()
    assert shell.run("echo ok").output == "ok\n"


def test_ctrl_c_in_the_runner_then_interrupt_gives_the_session_back(shell):
    shell.run("export KEPT=yes")
    main = threading.main_thread().ident
    timer = threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        shell.run("echo waiting; sleep 30", timeout=20)
    started = time.monotonic()
    shell.interrupt()
    assert time.monotonic() - started < 1  # sleep stops at the first Ctrl-C
    assert shell.run("echo $KEPT").output == "yes\n"


def test_interrupt_on_an_idle_session_leaves_it_usable(shell):
    shell.interrupt()
    assert shell.run("echo fine").output == "fine\n"


# --- live output and markers ---

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
    assert "__LR_" not in streamed and "\r" not in streamed
    assert streamed.count("no newline") == 300


# --- the end of a session ---

def test_bash_exiting_raises_a_clear_error(shell):
    with pytest.raises(ShellError) as caught:
        shell.run("exit 3")
    assert caught.value.key == "shell.died"
    with pytest.raises(ShellError):
        shell.run("echo never")


def test_bash_exiting_is_noticed_while_a_job_holds_the_terminal(shell):
    started = time.monotonic()
    with pytest.raises(ShellError):
        shell.run("sleep 30 & exit", timeout=20)
    assert time.monotonic() - started < 3


def test_close_is_idempotent_and_ends_bash_and_its_jobs(tmp_path):
    session = ShellSession(cwd=tmp_path)
    session.start()
    pid = session.pid
    job = int(session.run("sleep 300 & echo $!").output.split()[-1])
    session.close()
    session.close()
    assert gone(pid) and gone(job)
    assert session.pid is None


def test_close_kills_a_job_that_ignores_sighup(tmp_path):
    session = ShellSession(cwd=tmp_path)
    session.start()
    job = int(session.run("(trap '' HUP; exec sleep 300) & echo $!").output.split()[-1])
    session.close()
    assert gone(job)


def test_close_right_after_ctrl_c_ends_the_running_command(tmp_path):
    session = ShellSession(cwd=tmp_path)
    session.start()
    timer = threading.Timer(0.3, signal.pthread_kill, (threading.main_thread().ident,
                                                        signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        session.run("sleep 300 & echo $! > job; wait", timeout=20)
    job = int((tmp_path / "job").read_text())
    session.close()
    assert gone(job)


def test_start_failure_is_a_translated_error(tmp_path):
    with pytest.raises(ShellError) as caught:
        ShellSession(env={"PATH": "/nonexistent"}, cwd=tmp_path).start()
    assert caught.value.key == "shell.cannot_start"
