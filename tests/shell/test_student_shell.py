"""The student's own shell for a task, driven through a real terminal as a student would."""

from __future__ import annotations

import json
import sys
import textwrap
import time

import pexpect
import pytest

pytestmark = pytest.mark.shell

SCRIPT = textwrap.dedent("""
    import json, os, sys
    from runner.shell.student import open_student_shell
    work = open_student_shell(dict(os.environ, HOME=sys.argv[2]), sys.argv[1], "task pull")
    print("RESULT=" + json.dumps({"typed": work.typed, "cwd": work.cwd}))
    print("CODES=" + json.dumps([[c.text, c.exit_code, c.at] for c in work.commands]))
""")


def test_what_the_student_types_is_recorded_and_their_folder_followed(tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "sub").mkdir()
    child = pexpect.spawn(sys.executable, ["-c", SCRIPT, str(tmp_path), str(tmp_path / "home")],
                          encoding="utf-8", timeout=10, dimensions=(24, 120))
    child.expect_exact("(task pull)")
    child.sendline("echo hello from the student")
    child.expect_exact("hello from the student")
    child.expect_exact("(task pull)")
    child.sendline("cd sub")
    child.expect_exact("(task pull)")
    child.sendline("exit")
    child.expect(r"RESULT=(.*?)\r?\n")
    result = json.loads(child.match.group(1))
    child.expect(pexpect.EOF)
    assert result["typed"] == ["echo hello from the student", "cd sub"]  # not the exit
    assert result["cwd"] == str(tmp_path / "sub")


def test_ctrl_d_leaves_the_shell_too_and_nothing_typed_is_an_empty_list(tmp_path):
    child = pexpect.spawn(sys.executable, ["-c", SCRIPT, str(tmp_path), str(tmp_path)],
                          encoding="utf-8", timeout=10)
    child.expect_exact("(task pull)")
    child.sendeof()
    child.expect(r"RESULT=(.*?)\r?\n")
    assert json.loads(child.match.group(1)) == {"typed": [], "cwd": str(tmp_path)}


def test_each_command_is_recorded_with_its_exit_code_and_when_it_ended(tmp_path):
    child = pexpect.spawn(sys.executable, ["-c", SCRIPT, str(tmp_path), str(tmp_path)],
                          encoding="utf-8", timeout=10)
    started = time.time()
    for line in ("true", "false", "", "(exit 7)", "for i in 1 2; do\necho $i\ndone",
                 "echo a; false"):
        child.expect_exact("(task pull)")
        child.sendline(line)
    child.expect_exact("(task pull)")
    child.sendline("exit")
    child.expect(r"CODES=(.*)\r\n")
    codes = json.loads(child.match.group(1))
    assert [(text, code) for text, code, _ in codes] == [
        ("true", 0), ("false", 1), ("(exit 7)", 7), ("for i in 1 2; do echo $i; done", 0),
        ("echo a; false", 1)]
    times = [at for _, _, at in codes]
    assert times == sorted(times) and started <= times[0] <= time.time()
