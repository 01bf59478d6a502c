"""One task's answer, run in a non-interactive bash: the student's commands one after the
other in ONE shell (a `cd` or an `export` carries over to the next command), on the
environment the run gives the student's shell (its own guard socket: the guard records the
calls as the student's) and in the lab's folder. Each command is shown (`$ command`), then
its output; its exit code and end time are recorded, as the interactive shell records them
(runner/shell/student.py), and the folder the shell ended in is returned.

Each command goes through `eval`, so a syntax error in one is that command's failure (exit
code 2), not the end of the others. Nothing reads the keyboard: stdin is /dev/null. The
whole answer has a time limit; past it the shell and everything it started are killed, as
they are when it ends (runner/answers/leftovers.py: even what left its session).
For a task with output checks, each command's output is also kept (shown once it ends).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from runner.answers.leftovers import TOKEN_VARIABLE, kill_leftovers, new_token
from runner.shell.owner import write_owner_marker
from runner.shell.student import StudentWork, TypedCommand

# Read by every non-interactive bash at start: not the student's to set through the run.
STARTUP_VARIABLES = ("BASH_ENV", "ENV")
DONE = "__labrunner_done"
OUTPUT_KEPT = 1024 * 1024  # characters of each command's output kept for output checks


def answer_script(commands: Sequence[str], status_file: Path, cwd_file: Path,
                  outputs: Path | None = None) -> str:
    """The bash text that runs `commands` one by one, recording `<index> <$?> <time>`;
    with `outputs`, each command's output goes to the file named by its index there too."""
    lines = [f'{DONE}() {{ printf "%s %s %s\\n" "$1" "$2" "$EPOCHREALTIME" >> '
             f"{shlex.quote(str(status_file))}; }}",
             f"trap 'pwd > {shlex.quote(str(cwd_file))}' EXIT"]
    for index, command in enumerate(commands):
        lines.append(f"printf '$ %s\\n' {shlex.quote(command)}")
        if outputs is None:
            lines += [f"eval {shlex.quote(command)}", f"{DONE} {index} $?"]
            continue
        # Into a file, not a pipe: a pipe would run the command in a subshell (no `cd` kept).
        kept = shlex.quote(str(outputs / str(index)))
        lines += [f"eval {shlex.quote(command)} > {kept} 2>&1", f"{DONE} {index} $?",
                  f"cat {kept}"]
    return "\n".join(lines) + "\n"


def run_answer(commands: Sequence[str], env: Mapping[str, str], cwd: str,
               timeout: float, capture: bool = False) -> tuple[StudentWork, bool]:
    """The student's work for these commands, and whether the time limit stopped them;
    `capture`: each command's output kept in the work too (for output checks)."""
    with tempfile.TemporaryDirectory(prefix="labrunner-task-") as folder:
        base = Path(folder)
        write_owner_marker(base)  # a killed run's folder is removed by the next run
        status, last_folder, script = base / "status", base / "cwd", base / "answer.sh"
        outputs = base if capture else None
        script.write_text(answer_script(commands, status, last_folder, outputs),
                          encoding="utf-8")
        timed_out = _run_bash(script, _environment(env), cwd, timeout)
        work = _work(commands, _ends(status), _last_line(last_folder) or cwd, timed_out)
        if outputs is not None:
            work = replace(work, outputs=_outputs(outputs, len(work.typed)))
        return work, timed_out


def _environment(env: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in STARTUP_VARIABLES}


def _run_bash(script: Path, env: dict[str, str], cwd: str, timeout: float) -> bool:
    """Run the script in a session of its own; True when the time limit ended it. Whatever
    stops the wait (the limit, Ctrl-C), nothing the answer started is left running."""
    sys.stdout.flush()
    token = new_token()
    process = subprocess.Popen(["bash", "--noprofile", "--norc", str(script)], cwd=cwd,
                               env=env | {TOKEN_VARIABLE: token}, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        process.wait(timeout=timeout)
        return False
    except subprocess.TimeoutExpired:
        return True
    finally:
        _kill_all(process, token)


def _kill_all(process: subprocess.Popen, token: str) -> None:
    """The bash, whatever it left in its session (a `sleep &`, an attached container) and
    what left the session (`setsid`): by the token, and by parent chain while the bash is
    not yet reaped (after that, its pid may name another process). A bash still running is
    stopped first: it records no exit code for a command killed under it (unknown, not 137)."""
    running = process.returncode is None
    if running:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(process.pid, signal.SIGSTOP)
    kill_leftovers(token, process.pid if running else None)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    kill_leftovers(token)  # forked while the session was killed


def _ends(status: Path) -> dict[int, tuple[int, float]]:
    """Command index -> (exit code, end time), from the lines the script wrote."""
    ends = {}
    for line in _lines(status):
        parts = line.split()
        try:
            ends[int(parts[0])] = (int(parts[1]), float(parts[2].replace(",", ".")))
        except (IndexError, ValueError):
            continue
    return ends


def _work(commands: Sequence[str], ends: dict[int, tuple[int, float]], cwd: str,
          timed_out: bool) -> StudentWork:
    """The commands that ran (those that finished, and the one the limit or an `exit`
    stopped, its code unknown); the ones after it never ran and are not the student's work."""
    ran = len(commands) if not timed_out and len(ends) == len(commands) else min(
        len(commands), (max(ends) + 2) if ends else 1)
    typed = list(commands[:ran])
    recorded = tuple(TypedCommand(text, *ends.get(index, (None, 0.0)))
                     for index, text in enumerate(typed))
    return StudentWork(typed, cwd, recorded)


def _outputs(folder: Path, count: int) -> tuple[str, ...]:
    """Each command's output (its end, past OUTPUT_KEPT); "" for one that wrote nothing."""
    def tail(index: int) -> str:
        try:
            with (folder / str(index)).open("rb") as handle:
                handle.seek(max(0, handle.seek(0, os.SEEK_END) - 4 * OUTPUT_KEPT))
                return handle.read().decode("utf-8", errors="replace")[-OUTPUT_KEPT:]
        except OSError:
            return ""

    return tuple(tail(index) for index in range(count))


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _last_line(path: Path) -> str:
    lines = [line for line in _lines(path) if line.strip()]
    return lines[-1] if lines else ""
