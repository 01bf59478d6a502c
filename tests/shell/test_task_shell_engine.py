"""The task shell stays on the lab's engine: a .bashrc that exports another DOCKER_HOST keeps its
aliases but not its engine, and pointing the shell elsewhere mid-task is noticed and said."""

from __future__ import annotations

import json
import sys
import textwrap

import pexpect
import pytest

from runner.shell.task_engine import lab_variables

pytestmark = pytest.mark.shell

LAB = "unix:///tmp/lab-engine.sock"
BASHRC = """export DOCKER_HOST=unix:///nowhere.sock
export DOCKER_CONTEXT=colima
alias greet='echo the alias works'
"""
SCRIPT = textwrap.dedent("""
    import json, os, sys
    from runner.shell.student import open_student_shell
    env = dict(os.environ, HOME=sys.argv[2], DOCKER_HOST=sys.argv[3])
    env.pop("DOCKER_CONTEXT", None)
    work = open_student_shell(env, sys.argv[1], "task engine", language=sys.argv[4])
    print("RESULT=" + json.dumps(work.typed))
""")
PROMPT = "(task engine)"


def _task_shell(tmp_path, language: str = "en") -> pexpect.spawn:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text(BASHRC, encoding="utf-8")
    child = pexpect.spawn(sys.executable, ["-c", SCRIPT, str(tmp_path), str(home), LAB, language],
                          encoding="utf-8", timeout=10, dimensions=(24, 400))
    child.expect_exact(PROMPT)
    return child


def _run(child: pexpect.spawn, line: str) -> str:
    """Type `line`; what the shell printed until its next prompt (the typed line included)."""
    child.sendline(line)
    child.expect_exact(PROMPT)
    return child.before


def _typed(child: pexpect.spawn) -> list[str]:
    child.sendline("exit")
    child.expect(r"RESULT=(.*)\r\n")
    return json.loads(child.match.group(1))


def test_the_bashrc_s_alias_works_and_its_engine_does_not(tmp_path):
    child = _task_shell(tmp_path)
    assert "the alias works" in _run(child, "greet")
    show = 'echo "host=[$DOCKER_HOST] context=[${DOCKER_CONTEXT-unset}]"'
    assert f"host=[{LAB}] context=[unset]" in _run(child, show)
    assert _typed(child) == ["greet", show]


def test_pointing_the_shell_elsewhere_is_noticed_once_and_what_was_typed_is_kept(tmp_path):
    child = _task_shell(tmp_path)
    said = _run(child, "export DOCKER_HOST=unix:///elsewhere.sock")
    assert "DOCKER_HOST is now unix:///elsewhere.sock" in said and LAB in said
    assert "labrunner:" not in _run(child, "true"), "said once per change, not after each command"
    assert "on the lab's engine again" in _run(child, f"export DOCKER_HOST={LAB}")
    assert "DOCKER_HOST is no longer set" in _run(child, "unset DOCKER_HOST")
    _run(child, f"export DOCKER_HOST={LAB}")
    assert "DOCKER_CONTEXT is now \"colima\"" in _run(child, "export DOCKER_CONTEXT=colima")
    assert _typed(child) == ["export DOCKER_HOST=unix:///elsewhere.sock", "true",
                             f"export DOCKER_HOST={LAB}", "unset DOCKER_HOST",
                             f"export DOCKER_HOST={LAB}", "export DOCKER_CONTEXT=colima"]


def test_a_command_that_names_another_engine_is_noticed_and_left_as_typed(tmp_path):
    child = _task_shell(tmp_path)
    typed = ["docker -H unix:///nowhere.sock version --format x", "docker --context colima ps",
             "DOCKER_HOST=tcp://127.0.0.1:1 docker ps", "docker context use colima",
             "docker run --rm -h box alpine true", "echo docker"]
    said = [_run(child, line) for line in typed]
    assert ["did not run on the lab's engine" in text for text in said] == [
        True, True, True, False, False, False]
    assert "docker context use` changes the current context" in said[3]
    assert "labrunner:" not in _run(child, ""), "Enter alone: the last command is not re-read"
    assert _typed(child) == typed


def test_the_notice_is_in_the_student_s_language(tmp_path):
    child = _task_shell(tmp_path, "fr")
    said = _run(child, "export DOCKER_HOST=tcp://127.0.0.1:1")
    assert "DOCKER_HOST vaut maintenant tcp://127.0.0.1:1" in said
    assert "Pour y revenir : export DOCKER_HOST=" + LAB in said
    _typed(child)


def test_the_lab_s_variables_are_what_labrunner_changed_and_the_engine_s():
    parent = {"PATH": "/bin", "HOME": "/h", "DOCKER_TLS_VERIFY": "1", "BAD-NAME": "x", "OLD": "1"}
    env = {"PATH": "/sandbox/bin:/bin", "HOME": "/h", "DOCKER_HOST": LAB, "BAD-NAME": "y"}
    assert lab_variables(env, parent) == {
        "PATH": "/sandbox/bin:/bin", "DOCKER_HOST": LAB, "OLD": None, "DOCKER_CONTEXT": None,
        "DOCKER_TLS_VERIFY": None, "DOCKER_CERT_PATH": None}
