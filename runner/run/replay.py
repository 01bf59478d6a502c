"""Reaching step N without showing the steps before it: the rules of jumps and rewinds.

A forward jump replays the steps in between quietly. A rewind (back, or a jump to an earlier
step) first runs the lab's cleanup and setup, so the engine is as a fresh run finds it, then
replays the steps before the target. A replayed step runs its commands (a task its solution)
with no pre-checks and no checks; on screen only one StepReplayed line. The lab runner
(runner/run/lab_runner.py) owns the shell, the cleanup and the setup; this module decides
what to replay and runs one step's commands quietly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from runner.lab.model import Step
from runner.run.status import Decision, Jump
from runner.run.step_runner import StepContext, StepRunner
from runner.shell.session import CommandResult


@dataclass(frozen=True)
class Route:
    """How to reach step `target`: rewind first (cleanup, setup) or not, then replay the
    steps `replay_from` .. `target - 1`."""

    target: int
    rewind: bool
    replay_from: int


def route(here: int, target: int, total: int) -> Route:
    """From `here`, the first step whose effects are not on the engine, to `target`
    (clamped to the lab's steps)."""
    target = min(max(target, 1), total)
    if target >= here:
        return Route(target, False, here)
    return Route(target, True, 1)


def target_of(choice: Decision | Jump, index: int, after: bool) -> int | None:
    """The step a BACK or a Jump at step `index` goes to (`after`: asked once the step
    ran, where back means "this step, from the state before it"); None for other choices."""
    if isinstance(choice, Jump):
        return choice.index
    if choice == Decision.BACK:
        return index if after else index - 1
    return None


def replay_commands(context: StepContext, step: Step, commands: list[str]
                    ) -> CommandResult | None:
    """Run the step's commands (with its answers, timeout and rerun) and show nothing;
    the first command that failed, or None."""
    muted = replace(context, emit=lambda event: None)
    results = StepRunner(muted, step, commands).run_commands()
    return next((result for result in results if result.exit_code != 0), None)


def step_index(ids: Sequence[str], given: str) -> int | None:
    """The step `given` names, by its 1-based number or its id; None if it names none."""
    given = given.strip()
    if given.isdigit() and 1 <= int(given) <= len(ids):
        return int(given)
    return ids.index(given) + 1 if given in ids else None


def from_option(ids: Sequence[str], given: str | None) -> int:
    """`run --from STEP`: the 1-based index to start at (1 without the option); a step the
    lab does not have is bad input (exit 2), naming the steps it has."""
    from runner.errors import UsageError

    if given is None:
        return 1
    index = step_index(ids, given)
    if index is None:
        raise UsageError("nav.from_unknown", step=given, count=len(ids), ids=", ".join(ids))
    return index
