"""probe: the lab's own command, run by labrunner in a separate shell after the step — what a
`verify.sh` does, as data. Allowed in tasks: this is how "the variable is set inside the
container" (`docker exec web printenv GREETING`) or "the file in the volume holds the text"
is graded, whatever the student typed.

Passes when the command's exit code (default 0) and output match. It runs in a new bash in
the lab shell's folder, against the lab's engine (DOCKER_HOST), never in the student's shell;
its output is bounded, and its process group is killed at its timeout and when it ends. Not
followed: a process that leaves the group (`setsid`), and what a killed `docker exec` started
inside a container, which the engine lets run on."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import time
from typing import Annotated, Literal

from pydantic import Field, StrictInt, StrictStr

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    TextMatch,
    outcome,
    text_problems,
)
from runner.checks.output import exit_code_problems, short_command
from runner.lab.types import Seconds
from runner.lab.variables import substitute
from runner.messages import msg
from runner.shell.session import strip_ansi

POLL = 0.05  # seconds between looks at whether bash has exited, and drain time after it did
OUTPUT_LIMIT = 1 << 20  # a probe that floods is cut at 1 MiB


class ProbeCheck(CheckBase, TextMatch):
    """A command of the lab's own, run after the step in a separate shell; its exit code and
    output are checked."""

    type: Literal["probe"]
    run: StrictStr = Field(description="The command, e.g. docker exec web printenv GREETING")
    exit_code: StrictInt = Field(0, description="The exit code it must end with.")
    timeout: Annotated[Seconds, Field(gt=0, le=600)] = Field(
        30, description="Seconds before the command is killed (the check then fails).")


def evaluate(check: ProbeCheck, ctx: CheckContext) -> CheckOutcome:
    command = substitute(check.run, ctx.values, quote=True)
    summary = msg("check.probe", command=short_command(command))
    exit_code, output, timed_out = run_probe(command, ctx, check.timeout)
    problems = exit_code_problems(check.exit_code, exit_code, timed_out)
    problems += text_problems(check, output, ctx, msg("check.word_output"))
    return outcome(summary, problems)


def run_probe(command: str, ctx: CheckContext, timeout: float) -> tuple[int, str, bool]:
    """(exit code, output, timed out) of `bash -c command`. Output beyond OUTPUT_LIMIT is read
    and dropped, so a flood costs no memory. Then its whole process group is killed: what it
    left running (a background job, a `docker exec` stuck at the timeout) ends with it."""
    cwd = ctx.cwd if ctx.cwd and os.path.isdir(ctx.cwd) else None
    with subprocess.Popen(["bash", "-c", command], cwd=cwd, env=dict(ctx.environ),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True) as process:
        deadline = time.monotonic() + timeout
        raw, ended = _read_until(process.stdout, process.pid, deadline)
        finished = ended and _exited_by(process.pid, deadline)
        with contextlib.suppress(ProcessLookupError):  # bash, unreaped, still holds the group id
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return (process.returncode if finished else -1), _decoded(raw), not finished


def _read_until(stream, pid: int, deadline: float) -> tuple[bytes, bool]:
    """(what `stream` yields, at most OUTPUT_LIMIT bytes; whether bash ended before
    `deadline`). Reading stops at the end of the output, or once bash has exited and what it
    wrote is drained: a background job that keeps the pipe open does not hold the probe."""
    kept = bytearray()
    fd, exited_at = stream.fileno(), None
    while (left := deadline - time.monotonic()) > 0:
        if select.select([fd], [], [], min(left, POLL))[0]:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return bytes(kept), True
            kept += chunk[:OUTPUT_LIMIT - len(kept)]
        elif exited_at is None and _has_exited(pid):
            exited_at = time.monotonic()
        elif exited_at is not None and time.monotonic() - exited_at >= POLL:
            return bytes(kept), True
    return bytes(kept), False


def _has_exited(pid: int) -> bool:
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _exited_by(pid: int, deadline: float) -> bool:
    """Whether the process exits before `deadline`; it is left unreaped (WNOWAIT), so its pid,
    which names the group, cannot be reused before the group is killed."""
    while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def _decoded(raw: bytes) -> str:
    return strip_ansi(raw.decode("utf-8", errors="replace"))
