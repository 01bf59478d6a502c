"""A practice step's task shell on a real terminal: its output captured and cut per command,
its history kept across the task's attempts (the up arrow recalls them)."""

from __future__ import annotations

import json
import sys
import textwrap

import pexpect
import pytest

pytestmark = pytest.mark.shell

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from runner.shell.student import TaskShell, open_student_shell
    shell = TaskShell(history=Path(sys.argv[2]) / "history", capture=True)
    for attempt in (1, 2):
        work = open_student_shell(dict(os.environ, HOME=sys.argv[2]), sys.argv[1], "task t",
                                  shell=shell)
        print("RESULT=" + json.dumps({"typed": work.typed, "outputs": work.outputs,
                                      "codes": [c.exit_code for c in work.commands]}))
""")


def spawn(tmp_path) -> pexpect.spawn:
    return pexpect.spawn(sys.executable, ["-c", SCRIPT, str(tmp_path), str(tmp_path)],
                         encoding="utf-8", timeout=10, dimensions=(24, 100))


def result(child: pexpect.spawn) -> dict:
    child.expect(r"RESULT=(.*?)\r?\n")
    return json.loads(child.match.group(1))


def test_each_command_s_output_is_captured_and_the_up_arrow_recalls_the_last_attempt(
        tmp_path):
    child = spawn(tmp_path)
    for line in ("echo hello", "", "printf 'a\\nb\\n'", "(exit 3)", "echo $((6 * 7))"):
        child.expect_exact("(task t)")
        child.sendline(line)
    child.expect_exact("(task t)")
    child.sendline("exit")
    first = result(child)
    assert first == {"typed": ["echo hello", "printf 'a\\nb\\n'", "(exit 3)", "echo $((6 * 7))"],
                     "outputs": ["hello", "a\nb", "", "42"], "codes": [0, 0, 3, 0]}
    child.expect_exact("(task t)")
    child.send("\x1b[A")  # up arrow: the first attempt's last command, not its `exit`
    child.expect_exact("echo $((6 * 7))")
    child.send("\x1b[A")
    child.expect_exact("(exit 3)")
    child.send("\x15echo again\r")  # Ctrl-U clears the recalled line
    child.expect_exact("again")
    child.expect_exact("(task t)")
    child.sendline("exit")
    second = result(child)
    child.expect(pexpect.EOF)
    assert second == {"typed": ["echo again"], "outputs": ["again"], "codes": [0]}
    assert (tmp_path / "history").read_text(encoding="utf-8").splitlines()[-2:] == [
        "echo $((6 * 7))", "echo again"]


def test_a_capture_keeps_the_last_mebibyte_and_still_cuts_at_the_right_prompt(tmp_path):
    child = spawn(tmp_path)
    child.expect_exact("(task t)")
    child.sendline("head -c 1500000 /dev/zero | tr '\\0' x; echo")
    child.expect_exact("(task t)", timeout=30)
    child.sendline("echo last")
    child.expect_exact("(task t)")
    child.sendline("exit")
    data = result(child)
    child.sendline("exit")
    assert data["outputs"][1] == "last"
    assert 0 < len(data["outputs"][0]) < 1 << 20


def test_with_stdout_in_a_file_the_shell_still_shows_on_the_terminal(tmp_path):
    out = tmp_path / "run.log"
    child = pexpect.spawn("bash", ["-c", f'"$0" -c "$1" "$2" "$2" > {out}', sys.executable,
                                   SCRIPT, str(tmp_path)], encoding="utf-8", timeout=10)
    child.expect_exact("(task t)")  # on the terminal, not in the file
    child.sendline("echo seen")
    child.expect_exact("seen")
    child.expect_exact("(task t)")
    child.sendline("exit")
    child.expect_exact("(task t)")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    log = out.read_text(encoding="utf-8")
    assert "(task t)" not in log and '"outputs": ["seen"]' in log
