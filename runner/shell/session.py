"""One persistent bash session (pexpect): command -> output, exit code, duration.

In the spirit of pexpect.replwrap.bash: bash runs interactive on its own terminal, without
echo, with a PS1 that prints a marker holding a per-session nonce, the command's number,
`$?` and `$PWD`. So `cd`, `export`, variables and functions carry over between commands,
every exit code is known, and the session knows its directory without asking.

How a command is sent: its text is written to a file in a private folder and the session
types one line, `{ __lr_mark <n> "$?" && :; } 2>/dev/null; . <file>`. Sourcing (rather than
typing the lines) gives ONE prompt, hence one result, whatever the command's shape
(heredocs, `if … fi`); it runs in the session shell itself, so its state changes stay; stdin
stays the terminal, so an interactive prompt (`[y/N]`) can be answered; and nothing else is
ever typed while it runs, except the configured answers. `__lr_mark` records the command's
number for the marker and returns the previous `$?`, so `echo $?` still shows the last
command's status (`&& :` keeps a non-zero return clear of `set -e` and ERR traps).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import tempfile
import termios
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pexpect

from runner.errors import ShellError
from runner.shell.output_tail import OutputTail
from runner.shell.procs import (
    end_jobs,
    foreground_group,
    kill_session,
    signal_group,
    signal_process,
)
from runner.shell.stream import SEQ_VARIABLE, Marker, MarkerScanner, prompt_string
from runner.shell.terminal_text import screen_text

START_SECONDS = 10  # bash must give its first prompt within this
GRACE_SECONDS = 2.0  # after Ctrl-C, how long a command gets to give the prompt back
KILL_SECONDS = 2.0  # then: SIGKILL rounds for that long before giving up on bash itself
KILL_ROUND = 0.5
ALIVE_CHECK = 0.5  # longest wait on the terminal: notices bash's death when a job holds it
CLOSE_GRACE = 0.5  # background jobs get this long after SIGHUP at close
READ_SIZE = 65536
ANSWER_WINDOW = 65536  # an answer's regex is searched in this much recent output
# Removed from bash's environment: an exported PS1 would make nested shells print our marker;
# TMOUT would end the session after a quiet moment.
_NOT_INHERITED = ("PS1", "PS2", "PROMPT_COMMAND", "TMOUT")


@dataclass(frozen=True)
class Answer:
    """An expected interactive prompt (regex searched in the output) and the reply to type."""

    expect: str
    send: str


@dataclass(frozen=True)
class CommandResult:
    """What one command did: its text, exit code (None if killed at its timeout), output:
    its last OUTPUT_LIMIT characters (runner/shell/output_tail), `dropped` the ones before."""

    command: str
    exit_code: int | None
    output: str
    timed_out: bool
    duration: float
    dropped: int = 0


def strip_ansi(text: str) -> str:
    """Text as a person reads it on the screen: escape codes replayed, not just removed, so
    Docker's progress display leaves one final line per layer (see runner/terminal_text)."""
    return screen_text(text)


class ShellSession:
    """A bash session that runs lab commands one after the other and keeps their state."""

    def __init__(self, env: Mapping[str, str] | None = None, cwd: str | Path | None = None,
                 on_output: Callable[[str], None] | None = None, rows: int = 40,
                 cols: int = 120) -> None:
        self._env = _bash_environment(os.environ if env is None else env)
        self._start_dir = str(cwd) if cwd else os.getcwd()
        self._on_output = on_output
        self._size = (rows, cols)
        self._nonce = secrets.token_hex(8)
        self._scanner = MarkerScanner(self._nonce)
        self._child: pexpect.spawn | None = None
        self._folder: Path | None = None
        self._terminal: list | None = None  # termios settings to restore before each command
        self._seq = 0
        self._pwd = self._start_dir

    def __enter__(self) -> ShellSession:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def cwd(self) -> str:
        """The session's directory, as bash reported it at its last prompt."""
        return self._pwd

    @property
    def pid(self) -> int | None:
        """bash's pid (also the session id of every process it starts); None when closed."""
        return self._child.pid if self._child is not None else None

    def start(self) -> None:
        """Start bash and wait for its first marker prompt."""
        if self._child is not None:
            return
        self._scanner, self._seq = MarkerScanner(self._nonce), 0
        self._folder = Path(tempfile.mkdtemp(prefix="labrunner-shell-"))  # mode 0700
        try:
            # --noediting: no readline, so no line redrawing nor bracketed-paste codes.
            self._child = pexpect.spawn(
                "bash", ["--norc", "--noprofile", "--noediting"], env=self._env,
                cwd=self._start_dir, echo=False, encoding="utf-8", codec_errors="replace",
                dimensions=self._size)
        except (OSError, pexpect.ExceptionPexpect) as error:
            self.close()
            raise ShellError("shell.cannot_start", reason=str(error)) from None
        self._child.delaybeforesend = None  # pexpect's default 50 ms pause is for modems
        self._child.delayafterclose = self._child.ptyproc.delayafterclose = 0.0
        self._child.sendline(self._setup_line())
        self._wait_first_prompt()
        self._terminal = termios.tcgetattr(self._child.child_fd)

    def run(self, command: str, timeout: float = 60,
            answers: Sequence[Answer] = ()) -> CommandResult:
        """Run `command` in the session; Ctrl-C, then kill, it if it outlives `timeout`."""
        child = self._live_child()
        self._restore_terminal(child)
        script = self._folder / "command"
        script.write_text(command + "\n", encoding="utf-8")
        self._seq += 1
        started = time.monotonic()
        child.sendline(f'{{ __lr_mark {self._seq} "$?" && :; }} 2>/dev/null; '
                       f". {shlex.quote(str(script))}")
        replies = _Replies(answers, child.sendline)
        output = OutputTail()
        marker = self._collect(started + timeout, output, replies.see)
        if marker is None:
            self._recover(output)
        return CommandResult(command, marker.exit_code if marker else None, output.text,
                             marker is None, time.monotonic() - started, output.dropped)

    def interrupt(self) -> None:
        """Ctrl-C to the running command (harder if it ignores it) and wait for the prompt."""
        if self._child is not None and self._child.isalive():
            self._recover(OutputTail())

    def close(self) -> None:
        """End bash, the running command and the session's `cmd &` jobs; idempotent."""
        child, self._child = self._child, None
        if child is not None:
            if child.isalive():
                end_jobs(child.pid, CLOSE_GRACE)  # first, so that bash reaps them
                signal_process(child.pid, signal.SIGHUP)  # as a closed terminal would
                with contextlib.suppress(pexpect.TIMEOUT):  # then close() uses SIGKILL
                    child.expect(pexpect.EOF, timeout=1)
            child.close(force=True)
            kill_session(child.pid)  # jobs left behind by a bash that had already exited
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _setup_line(self) -> str:
        """Marker prompt; PROMPT_COMMAND re-sets it (a venv's `activate` edits PS1) with its
        xtrace hidden (`set -x` labs); readonly, since without it the session is lost."""
        ps1 = shlex.quote(prompt_string(self._nonce))
        return (f"PS1={ps1}; PS2=''; "
                f"PROMPT_COMMAND={shlex.quote(f'{{ PS1={ps1}; PS2=; }} 2>/dev/null')}; "
                f"readonly PROMPT_COMMAND; {SEQ_VARIABLE}=0; "
                f'__lr_mark() {{ {SEQ_VARIABLE}=$1; return "$2"; }}')

    def _wait_first_prompt(self) -> None:
        try:
            marker = self._collect(time.monotonic() + START_SECONDS, OutputTail(), quiet=True)
        except ShellError:
            self.close()
            raise ShellError("shell.exited_at_start") from None
        if marker is None:
            self.close()
            raise ShellError("shell.no_prompt", seconds=START_SECONDS)

    def _live_child(self) -> pexpect.spawn:
        if self._child is None or not self._child.isalive():
            raise ShellError("shell.died")
        return self._child

    def _restore_terminal(self, child: pexpect.spawn) -> None:
        """Undo terminal changes a program left behind (`stty echo` would echo our lines)."""
        try:
            if termios.tcgetattr(child.child_fd) != self._terminal:
                termios.tcsetattr(child.child_fd, termios.TCSANOW, self._terminal)
        except termios.error:  # the terminal is gone with bash
            raise ShellError("shell.died") from None

    def _collect(self, deadline: float, output: OutputTail,
                 on_text: Callable[[str], None] | None = None,
                 quiet: bool = False) -> Marker | None:
        """Read into `output` until the current command's marker (returned) or the deadline
        (None)."""
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                chunk = self._child.read_nonblocking(READ_SIZE, min(remaining, ALIVE_CHECK))
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                raise ShellError("shell.died") from None
            text, marker = self._scanner.feed(chunk)
            while True:
                if text:
                    output.add(text)
                    if not quiet and self._on_output is not None:
                        self._on_output(text)
                    if on_text is not None:
                        on_text(text)
                if marker is None or marker.seq == self._seq:
                    break
                text, marker = self._scanner.feed("")  # a stale prompt: read past it
            if marker is not None:
                self._pwd = marker.pwd
                return marker
        return None

    def _recover(self, output: OutputTail) -> Marker | None:
        """Ctrl-C; then SIGINT bash (so it drops the rest of the command) and SIGKILL the
        foreground job, in rounds; if bash itself never comes back, kill it."""
        marker = None
        try:
            self._child.sendintr()
            marker = self._collect(time.monotonic() + GRACE_SECONDS, output)
            deadline = time.monotonic() + KILL_SECONDS
            while marker is None and time.monotonic() < deadline:
                self._kill_foreground()
                marker = self._collect(min(time.monotonic() + KILL_ROUND, deadline), output)
        except ShellError:
            return None  # bash is gone; the next run says so
        if marker is None:
            self._child.close(force=True)  # the only way left to stop the command
        return marker

    def _kill_foreground(self) -> None:
        bash = self._child.pid
        group = foreground_group(self._child.child_fd)
        if group is not None and group > 0 and group != bash:
            signal_process(bash, signal.SIGINT)  # bash is waiting for the job: abort the list
            signal_group(group, signal.SIGKILL)


class _Replies:
    """Types the configured answers, in order and once each, as their prompts show up."""

    def __init__(self, answers: Sequence[Answer], send: Callable[[str], object]) -> None:
        self._pending = [(re.compile(answer.expect), answer.send) for answer in answers]
        self._send = send
        self._seen = ""  # output since the last answer

    def see(self, text: str) -> None:
        if not self._pending:
            return
        self._seen = (self._seen + text)[-ANSWER_WINDOW:]
        while self._pending:
            pattern, reply = self._pending[0]
            visible = strip_ansi(self._seen)
            match = pattern.search(visible)
            if match is None:
                return
            self._send(reply)
            self._pending.pop(0)
            self._seen = visible[match.end():]


def _bash_environment(env: Mapping[str, str]) -> dict[str, str]:
    environ = {name: value for name, value in env.items() if name not in _NOT_INHERITED}
    environ.update(PAGER="cat", GIT_PAGER="cat", HISTFILE="/dev/null")
    environ["TERM"] = environ.get("TERM") or "xterm"
    return environ
