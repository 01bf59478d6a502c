"""The student's own shell for a task: a real interactive bash on their terminal.

Nothing is typed for them: they use completion, history and Docker's progress display as in
any terminal, in the lab's folder and against the lab's engine, then leave with `exit` (or
Ctrl-D). What they typed is read back from the shell's history file, for `typed` checks and
the report; the folder they ended in becomes the lab shell's folder. Their ~/.bashrc is read
first and the lab's environment set after it, so it cannot point the task at another engine.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from runner.i18n import detect_language
from runner.shell.owner import write_owner_marker
from runner.shell.task_engine import (
    WATCH_FUNCTION,
    lab_variables,
    pin_lab_environment,
    watch_engine,
)

RC = """[ -f ~/.bashrc ] && . ~/.bashrc
{lab_environment}{watch}HISTFILE={history}
HISTSIZE=10000
HISTFILESIZE=10000
HISTCONTROL=
unset HISTTIMEFORMAT  # set, even empty, it writes "#<time>" lines into the file
unset HISTIGNORE
history -c
PROMPT_COMMAND='history -a; pwd > {cwd_file}; {watch_function}'
PS1={prompt}
"""


@dataclass(frozen=True)
class StudentWork:
    typed: list[str]  # every command line typed, in order
    cwd: str  # the folder the shell ended in


def open_student_shell(env: Mapping[str, str], cwd: str, label: str,
                       bash: str = "bash", language: str | None = None) -> StudentWork:
    """Run an interactive bash on this terminal until the student leaves it; its notices
    are in `language` (by default, the one the environment asks for)."""
    with tempfile.TemporaryDirectory(prefix="labrunner-task-") as folder:
        write_owner_marker(Path(folder))  # a killed run's folder is removed by the next run
        history, cwd_file = Path(folder, "history"), Path(folder, "cwd")
        rc = Path(folder, "rc")
        rc.write_text(_rc_text(env, label, history, cwd_file,
                               language or detect_language(environ=env)), encoding="utf-8")
        subprocess.run([bash, "--rcfile", str(rc), "-i"], cwd=cwd, env=dict(env), check=False)
        return StudentWork(_without_leaving(_lines(history)), _first_line(cwd_file) or cwd)


def _rc_text(env: Mapping[str, str], label: str, history: Path, cwd_file: Path,
             language: str) -> str:
    """The task shell's rc file: the user's .bashrc, then the lab's environment and prompt."""
    variables = lab_variables(env)
    prompt = f"\\[\\e[1;33m\\]({label})\\[\\e[0m\\] \\w \\$ "
    return RC.format(lab_environment=pin_lab_environment(variables),
                     watch=watch_engine(variables, language), watch_function=WATCH_FUNCTION,
                     history=shlex.quote(str(history)), cwd_file=shlex.quote(str(cwd_file)),
                     prompt=shlex.quote(prompt))


def _without_leaving(typed: list[str]) -> list[str]:
    """The `exit` that closed the shell is how the student left, not part of their work."""
    return typed[:-1] if typed and typed[-1].strip() in ("exit", "logout") else typed


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()]


def _first_line(path: Path) -> str:
    lines = _lines(path)
    return lines[-1] if lines else ""
