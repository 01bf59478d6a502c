"""The student's own shell for a task: a real interactive bash on their terminal.

Nothing is typed for them: they use completion, history and Docker's progress display as in
any terminal, in the lab's folder and against the lab's engine, then leave with `exit` (or
Ctrl-D). What they typed is read back from the shell's history file, for `typed` checks and
the report, each with its exit code and the time it ended (the prompt's hook writes `$?`
first, before anything else can change it); the folder they ended in becomes the lab shell's
folder. A task's attempts share one history file, so the up arrow recalls the earlier ones;
a practice step's shell runs on a terminal of its own whose output is captured
(runner/shell/pty_tee.py) and cut per command (runner/shell/transcript.py). Their ~/.bashrc
is read first and the lab's environment set after it, so it cannot point the task at another
engine.
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
from runner.shell.pty_tee import CappedCapture, run_teed
from runner.shell.task_engine import (
    WATCH_FUNCTION,
    lab_variables,
    pin_lab_environment,
    watch_engine,
)
from runner.shell.transcript import command_outputs

# At each prompt: the last command's exit code, the time, the next history number.
RECORD_STATUS = 'printf "%s %s %s\\n" "$__labrunner_status" "$EPOCHREALTIME" "$HISTCMD" >> {file}'
RC = """[ -f ~/.bashrc ] && . ~/.bashrc
{lab_environment}{watch}HISTFILE={history}
HISTSIZE=10000
HISTFILESIZE=10000
HISTCONTROL=
unset HISTTIMEFORMAT  # set, even empty, it writes "#<time>" lines into the file
unset HISTIGNORE
history -c
PROMPT_COMMAND='__labrunner_status=$?; history -a; {record_status}; pwd > {cwd_file}; \
{watch_function}'
PS1={prompt}
"""


@dataclass(frozen=True)
class TypedCommand:
    """One command line the student typed, how it ended and when."""

    text: str
    exit_code: int | None  # None: not known (the line that closed the shell, a cleared history)
    at: float  # seconds since the epoch when it ended (0.0: not known)


@dataclass(frozen=True)
class StudentWork:
    typed: list[str]  # every command line typed, in order
    cwd: str  # the folder the shell ended in
    commands: tuple[TypedCommand, ...] = ()  # the same lines, with exit codes and times
    outputs: tuple[str, ...] = ()  # each line's output, when the terminal was captured


@dataclass(frozen=True)
class TaskShell:
    """How a task's shell opens: its history file, kept across the task's attempts so the up
    arrow recalls them (None: a private one), and whether its output is captured (for the
    output checks of a practice step)."""

    history: Path | None = None
    capture: bool = False


def open_student_shell(env: Mapping[str, str], cwd: str, label: str,
                       bash: str = "bash", language: str | None = None,
                       shell: TaskShell | None = None) -> StudentWork:
    """Run an interactive bash on this terminal until the student leaves it; its notices
    are in `language` (by default, the one the environment asks for)."""
    shell = shell or TaskShell()
    with tempfile.TemporaryDirectory(prefix="labrunner-task-") as folder:
        write_owner_marker(Path(folder))  # a killed run's folder is removed by the next run
        files = _ShellFiles(Path(folder), shell.history)
        earlier = _lines(files.history)  # the task's earlier attempts: the up arrow's
        language = language or detect_language(environ=env)
        files.rc.write_text(_rc_text(env, label, files, language, shell.capture),
                            encoding="utf-8")
        capture = _run_shell([bash, "--rcfile", str(files.rc), "-i"], cwd, env, shell.capture)
        typed = _without_leaving(_lines(files.history)[len(earlier):])
        _keep_for_next_attempt(files.history, earlier + typed)
        status = _lines(files.status)
        outputs = command_outputs(capture, status, len(typed)) if capture else ()
        return StudentWork(typed, _first_line(files.cwd) or cwd,
                           with_exit_codes(typed, status), outputs)


def _run_shell(argv: list[str], cwd: str, env: Mapping[str, str], capture: bool
               ) -> CappedCapture | None:
    """The shell on this terminal, or (`capture`) on a terminal of its own, teed."""
    if not capture:
        subprocess.run(argv, cwd=cwd, env=dict(env), check=False)
        return None
    captured = CappedCapture()
    run_teed(argv, cwd, env, captured)
    return captured


def _keep_for_next_attempt(history: Path, lines: list[str]) -> None:
    """The history the next attempt starts with: this one's lines, without its `exit`."""
    if lines:
        history.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")


class _ShellFiles:
    """The task shell's files in its private folder: rc, history, statuses, last folder."""

    def __init__(self, folder: Path, history: Path | None = None) -> None:
        self.rc, self.history = folder / "rc", history or folder / "history"
        self.status, self.cwd = folder / "status", folder / "cwd"


def _rc_text(env: Mapping[str, str], label: str, files: _ShellFiles, language: str,
             mark: bool = False) -> str:
    """The task shell's rc file: the user's .bashrc, then the lab's environment and prompt
    (`mark`: the prompt starts with the mark the captured output is cut at)."""
    variables = lab_variables(env)
    prompt = f"\\[\\e[1;33m\\]({label})\\[\\e[0m\\] \\w \\$ "
    if mark:
        prompt = "\\[\\e]133;A\\a\\]" + prompt
    quoted = lambda path: shlex.quote(str(path))  # noqa: E731
    return RC.format(lab_environment=pin_lab_environment(variables),
                     watch=watch_engine(variables, language), watch_function=WATCH_FUNCTION,
                     history=quoted(files.history), cwd_file=quoted(files.cwd),
                     record_status=RECORD_STATUS.format(file=quoted(files.status)),
                     prompt=shlex.quote(prompt))


def with_exit_codes(typed: list[str], status_lines: list[str]) -> tuple[TypedCommand, ...]:
    """Pair each typed line with its exit code and end time. The prompt's hook writes
    `<$?> <time> <HISTCMD>` at every prompt; a prompt whose history number went up follows a
    new history line (an empty Enter or a continuation line does not add one)."""
    ends, last = [], None
    for line in status_lines:
        parts = line.split()
        if len(parts) != 3 or not all(_is_number(part) for part in parts):
            continue
        number = int(parts[2])
        if last is not None and number > last:
            ends.append((int(parts[0]), float(parts[1].replace(",", "."))))
        last = number
    ends += [(None, 0.0)] * (len(typed) - len(ends))
    return tuple(TypedCommand(text, code, at) for text, (code, at) in zip(typed, ends, strict=True))


def _is_number(text: str) -> bool:
    return text.replace(".", "", 1).replace(",", "", 1).isdigit()


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
