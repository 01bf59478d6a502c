"""One persistent bash session (pexpect): command -> output and exit code.

In the spirit of pexpect.replwrap.bash: no echo, an empty prompt, and a PROMPT_COMMAND
that prints a marker with a per-session nonce and `$?` after every command, so `cd`,
`export` and functions carry over between commands and every exit code is known.

Each command is written to a file in a private folder and *sourced*: one line reaches
bash whatever the command's length (heredocs, `if … fi`), the shell state still changes,
and stdin stays the terminal, so an interactive prompt (`[y/N]`) can be answered. Nothing
else is ever typed while a command runs, except the configured answers.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.errors import ShellError

GRACE_SECONDS = 2.0  # after Ctrl-C, how long a command gets to give the prompt back
READ_SIZE = 65536
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")


@dataclass(frozen=True)
class Answer:
    """An expected interactive prompt (regex searched in the output) and the reply to type."""

    expect: str
    send: str


@dataclass(frozen=True)
class CommandResult:
    command: str
    exit_code: int | None  # None when the command was killed at its timeout
    output: str
    timed_out: bool
    duration: float


def strip_ansi(text: str) -> str:
    """Text as a person reads it: no escape codes, and for a line redrawn with \\r, its last
    version (Docker's progress bars)."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


class ShellSession:
    def __init__(self, env: Mapping[str, str] | None = None, cwd: str | Path | None = None,
                 on_output: Callable[[str], None] | None = None, rows: int = 40,
                 cols: int = 120) -> None:
        self.env = dict(os.environ if env is None else env)
        self.cwd = str(cwd) if cwd else None
        self.on_output = on_output
        self.size = (rows, cols)
        self.nonce = secrets.token_hex(6)
        self.marker = re.compile(rf"\n__LR_{self.nonce}_RC=(\d+)__\n")
        self.child = None
        self.folder: str | None = None
        self._answered_upto = 0

    def __enter__(self) -> ShellSession:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        import pexpect

        self.folder = tempfile.mkdtemp(prefix="labrunner-shell-")
        env = self.env | {"PAGER": "cat", "GIT_PAGER": "cat", "HISTFILE": "/dev/null",
                          "TERM": self.env.get("TERM", "xterm"), "PS1": "", "PS2": ""}
        try:
            # --noediting: no readline, so no redisplay or bracketed-paste codes in the output.
            self.child = pexpect.spawn("bash", ["--norc", "--noprofile", "--noediting"],
                                       env=env, cwd=self.cwd,
                                       echo=False, encoding="utf-8", codec_errors="replace",
                                       dimensions=self.size)
        except (OSError, pexpect.ExceptionPexpect) as error:
            raise ShellError("shell.cannot_start", reason=str(error)) from None
        self.child.delaybeforesend = None  # pexpect's default 50 ms pause per send is for modems
        # bash has already exited when we close it: no need for ptyprocess's 0.1 s pause.
        self.child.delayafterclose = self.child.ptyproc.delayafterclose = 0.0
        self.child.sendline(
            f"PS1=''; PS2=''; PROMPT_COMMAND='printf \"\\n__LR_{self.nonce}_RC=%s__\\n\" \"$?\"'")
        self._read_until_marker(time.monotonic() + 10, [], quiet=True)

    def run(self, command: str, timeout: float = 60,
            answers: Sequence[Answer] = ()) -> CommandResult:
        """Run `command` in the session; kill it when it outlives `timeout` seconds."""
        if self.child is None or not self.child.isalive():
            raise ShellError("shell.died")
        script = Path(self.folder, "command.sh")
        script.write_text(command + "\n", encoding="utf-8")
        started = time.monotonic()
        self.child.sendline(f". {script}")
        output, code = self._read_until_marker(started + timeout, list(answers))
        timed_out = code is None
        if timed_out:
            more, _ = self._recover()
            output += more
        return CommandResult(command, code, output, timed_out, time.monotonic() - started)

    def interrupt(self) -> None:
        """Ctrl-C to the running command (and harder if it ignores it), then wait for bash."""
        if self.child is not None and self.child.isalive():
            self._recover()

    def close(self) -> None:
        """End bash and its foreground job; idempotent."""
        import pexpect

        if self.child is not None:
            if self.child.isalive():
                self.child.sendline("exit")
                self.child.expect([pexpect.EOF, pexpect.TIMEOUT], timeout=1)
            self.child.close(force=True)
            self.child = None
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def _recover(self) -> tuple[str, int | None]:
        """Ctrl-C; if no prompt comes back, SIGKILL the foreground process group."""
        self.child.sendcontrol("c")
        output, code = self._read_until_marker(time.monotonic() + GRACE_SECONDS, [])
        if code is None:
            self._kill_foreground_job()
            more, code = self._read_until_marker(time.monotonic() + GRACE_SECONDS, [])
            output += more
        if code is None:
            self.child.close(force=True)
        return output, code

    def _kill_foreground_job(self) -> None:
        try:
            group = os.tcgetpgrp(self.child.child_fd)
        except OSError:
            return
        if group != self.child.pid:  # never the session's bash itself
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)

    def _read_until_marker(self, deadline: float, answers: list[Answer],
                           quiet: bool = False) -> tuple[str, int | None]:
        """Collect output until the marker (returns its exit code) or the deadline (None)."""
        import pexpect

        buffer, output, emitted_upto = "", "", 0
        self._answered_upto = 0
        while True:
            match = self.marker.search(buffer)
            if match:
                output = buffer[:match.start()]
                self._emit(output[emitted_upto:], quiet)
                return output, int(match.group(1))
            emitted_upto = self._stream(buffer, emitted_upto, quiet)
            answers = self._answer(buffer, answers)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return buffer, None
            try:
                chunk = self.child.read_nonblocking(READ_SIZE, timeout=min(remaining, 0.5))
                # The pty turns \n into \r\n; a pair split across two reads is joined here
                # because _stream never emits a trailing \r.
                buffer = (buffer + chunk).replace("\r\n", "\n")
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                raise ShellError("shell.died") from None

    def _stream(self, buffer: str, emitted_upto: int, quiet: bool) -> int:
        """Emit what cannot be the start of the marker; keep back a possible marker prefix."""
        safe = len(buffer)
        cut = max(buffer.rfind("\n"), buffer.rfind("\r"))
        head, tail = f"__LR_{self.nonce}_RC=", buffer[cut:].lstrip("\r\n")
        if cut >= 0 and (head.startswith(tail) or tail.startswith(head)):
            safe = cut
        if safe > 0 and buffer[safe - 1] == "\r":
            safe -= 1
        if safe > emitted_upto:
            self._emit(buffer[emitted_upto:safe], quiet)
            return safe
        return emitted_upto

    def _answer(self, buffer: str, answers: list[Answer]) -> list[Answer]:
        """Type the next answer once its prompt shows, in the output since the last answer."""
        if answers:
            match = re.search(answers[0].expect, strip_ansi(buffer[self._answered_upto:]))
            if match:
                self.child.sendline(answers[0].send)
                self._answered_upto = len(buffer)
                return answers[1:]
        return answers

    def _emit(self, text: str, quiet: bool) -> None:
        if text and self.on_output is not None and not quiet:
            self.on_output(text)
