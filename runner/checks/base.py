"""What every check receives (CheckContext) and returns (CheckOutcome)."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from runner.engines.profile import EngineProfile
from runner.lab.variables import substitute
from runner.messages import Message
from runner.shell.session import CommandResult

Status = Literal["pass", "fail", "skip"]


@dataclass(frozen=True)
class Problem:
    """One thing that is not as expected: what, expected value, actual value."""

    what: Message
    expected: str
    actual: str


@dataclass(frozen=True)
class CheckOutcome:
    status: Status
    summary: Message  # what was checked, e.g. "container www is running"
    problems: tuple[Problem, ...] = ()
    note: Message | None = None  # how it was checked, or why it was skipped
    attempts: int = 1

    @property
    def passed(self) -> bool:
        return self.status == "pass"


@dataclass
class CheckContext:
    """The state a check may look at. `docker` is created on first use (it is slow to import)."""

    results: Sequence[CommandResult]
    profile: EngineProfile
    values: Mapping[str, str]
    docker_factory: Callable[[], Any]
    cwd: str = ""  # the lab shell's folder: relative paths in checks start there
    typed: Sequence[str] | None = None  # what the student typed (tasks); None: the commands run
    _docker: Any = field(default=None, init=False)

    @property
    def commands_typed(self) -> Sequence[str]:
        return self.typed if self.typed is not None else [r.command for r in self.results]

    def local_path(self, text: str) -> str:
        """A path from a check, variables substituted, relative to the lab shell's folder."""
        path = os.path.expanduser(substitute(text, self.values))
        return os.path.join(self.cwd or self.values.get("work_dir", ""), path)

    @property
    def docker(self) -> Any:
        if self._docker is None:
            self._docker = self.docker_factory()
        return self._docker


def outcome(summary: Message, problems: list[Problem], note: Message | None = None) -> CheckOutcome:
    return CheckOutcome("fail" if problems else "pass", summary, tuple(problems), note)
