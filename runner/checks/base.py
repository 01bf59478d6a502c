"""What every check is (CheckBase: the keys all types share), receives (CheckContext) and
returns (CheckOutcome); and the one way text is matched (TextMatch), shared by every check
that reads text: output, probe, http, path."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictStr

from runner.lab.types import EngineTag, LocalizedText, Retry, Strict, StrList, as_list
from runner.lab.variables import substitute
from runner.messages import Message, msg
from runner.run.status import CheckStatus
from runner.shell.session import CommandResult

TAIL_LINES = 15  # enough of a text to see what went wrong, short enough for a projector


class CheckBase(Strict):
    """The keys every check type takes."""

    description: LocalizedText | None = Field(
        None, description="What the check proves, shown instead of the generated summary."
    )
    retry: Retry | None = Field(
        None, description="Evaluate the check again until it passes (the step's commands are "
        "never run again).",
    )
    only_on: list[EngineTag] | None = Field(
        None, description="Evaluate only on these engines (kinds or storage drivers); skipped "
        "(and said so) elsewhere."
    )
    negate: StrictBool = Field(
        False, alias="not",
        description="`not: true`: the check passes when what it describes does NOT hold.",
    )
    pre: Literal["check", "skip"] = Field(
        "check",
        description="`labrunner test` evaluates every check before its step too, where it must "
        "not pass yet; `skip` exempts this one (then `pre_reason` says why).",
    )
    pre_reason: LocalizedText | None = Field(
        None, description="Why this check may already pass before its step (with pre: skip)."
    )
    precondition: StrictBool = Field(
        False,
        description="In a task: must pass when the task closes but need not fail when it "
        "opens (a state the task relies on, not the change it grades). Not pre-checked.",
    )
    end_state: StrictBool = Field(
        False,
        description="Still true once the lab is over: part of the exercise's end state, which "
        "`labrunner check LAB --engine URL` verifies on a student's engine afterwards.",
    )


class TextMatch(Strict):
    """How every check that reads text matches it: the same four keys everywhere."""

    contains: StrList | None = Field(None, description="Text (or list) that must appear.")
    not_contains: StrList | None = Field(None, description="Text (or list) that must not appear.")
    regex: StrictStr | None = Field(None, description="Python regex searched (multiline).")
    ignore_case: StrictBool = Field(False, description="Match letters in either case.")

    @property
    def matches_text(self) -> bool:
        return bool(self.contains or self.not_contains or self.regex is not None)


@dataclass(frozen=True)
class Problem:
    """One thing that is not as expected: what, expected value, actual value.

    `conclusive` False: the check could not look at what it is about (no such container, the
    command did not run, a timeout…). Such a failure stays a failure under `not: true`."""

    what: Message
    expected: str
    actual: str
    conclusive: bool = True


def unexamined(what: Message, expected: str, actual: str) -> Problem:
    """A problem that kept the check from looking at all (see Problem.conclusive)."""
    return Problem(what, expected, actual, conclusive=False)


@dataclass(frozen=True)
class CheckOutcome:
    status: CheckStatus
    summary: Message  # what was checked, e.g. "container www is running"
    problems: tuple[Problem, ...] = ()
    note: Message | None = None  # how it was checked, or why it was skipped
    attempts: int = 1

    @property
    def passed(self) -> bool:
        return self.status == CheckStatus.PASS


@dataclass
class CheckContext:
    """The state a check may look at. `docker` is created on first use (it is slow to import)."""

    results: Sequence[CommandResult]
    profile: Any  # runner.engines.profile.EngineProfile
    values: Mapping[str, str]
    docker_factory: Callable[[], Any]
    cwd: str = ""  # the lab shell's folder: relative paths in checks start there
    typed: Sequence[str] | None = None  # what the student typed (tasks); None: the commands run
    environ: Mapping[str, str] = field(default_factory=dict)  # for probes: the lab's engine
    # The guard's records (runner/guard/record.py Call.as_dict) of the shell that did the work:
    # the student's during this task attempt, the lab's during this step's commands. None: no
    # guard ran (an engine it cannot guard), so there is no record to read.
    engine_calls: Sequence[dict] | None = ()
    _docker: Any = field(default=None, init=False)

    @property
    def commands_typed(self) -> Sequence[str]:
        return self.typed if self.typed is not None else [r.command for r in self.results]

    def text(self, value: str) -> str:
        """A check's field with the lab's variables filled in."""
        return substitute(value, self.values)

    def pattern(self, value: str) -> str:
        """A check's regex with the lab's variables filled in as literal text (`{file}` is
        MYFILE, never a pattern of its own)."""
        return substitute(value, self.values, escape=re.escape)

    def local_path(self, text: str) -> str:
        """A path from a check, variables substituted, relative to the lab shell's folder."""
        path = os.path.expanduser(self.text(text))
        return os.path.join(self.cwd or self.values.get("work_dir", ""), path)

    @property
    def docker(self) -> Any:
        if self._docker is None:
            self._docker = self.docker_factory()
        return self._docker


def absent_as_none(inspect: Callable[[str], dict | None], name: str) -> dict | None:
    """`inspect(name)`, or None when the engine has no such object. The Docker SDK raises
    NotFound for it; a client that answers None for a 404 is taken as it is."""
    try:
        return inspect(name)
    except Exception as error:
        from docker.errors import NotFound  # only once a client raised: then it is the SDK

        if isinstance(error, NotFound):
            return None
        raise


def outcome(summary: Message, problems: list[Problem], note: Message | None = None) -> CheckOutcome:
    status = CheckStatus.FAIL if problems else CheckStatus.PASS
    return CheckOutcome(status, summary, tuple(problems), note)


def text_problems(match: TextMatch, text: str, ctx: CheckContext, where: Message) -> list[Problem]:
    """Every way `text` differs from what `match` asks; `where` names the text ("output of …")."""
    flags = re.MULTILINE | (re.IGNORECASE if match.ignore_case else 0)
    found = (lambda needle: needle.lower() in text.lower()) if match.ignore_case else (
        lambda needle: needle in text)
    problems = []
    for needle in map(ctx.text, as_list(match.contains)):
        if not found(needle):
            problems.append(Problem(msg("check.contains", where=where), needle, tail(text)))
    for needle in map(ctx.text, as_list(match.not_contains)):
        if found(needle):
            problems.append(Problem(msg("check.not_contains", where=where), needle,
                                    _lines_with(text, needle, match.ignore_case)))
    if match.regex is not None:
        pattern = ctx.pattern(match.regex)
        if not searches(pattern, text, flags):
            problems.append(Problem(msg("check.regex", where=where), pattern, tail(text)))
    return problems


def searches(pattern: str, text: str, flags: int = 0) -> bool:
    """re.search, where a pattern that does not compile simply finds nothing (validate
    compiles every regex a lab writes; this guards what a variable brings at run time)."""
    try:
        return re.search(pattern, text, flags) is not None
    except re.error:
        return False


def tail(text: str) -> str:
    lines = text.rstrip("\n").splitlines()
    shown = "\n".join(lines[-TAIL_LINES:])
    return shown if len(lines) <= TAIL_LINES else f"…\n{shown}"


def _lines_with(text: str, needle: str, ignore_case: bool) -> str:
    if ignore_case:
        return "\n".join(line for line in text.splitlines() if needle.lower() in line.lower())
    return "\n".join(line for line in text.splitlines() if needle in line)
