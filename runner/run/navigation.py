"""Where the pacer's choices that move a run lead: skip, back, a jump, again, an improvised
shell. The lab runner shows and runs the steps (runner/run/lab_runner.py); a Navigation turns
a choice into the next step to show and reaches it: a rewind first when it is earlier (the
runner's cleanup and setup), then the steps in between replayed quietly (runner/run/replay.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runner.lab.model import Step
from runner.messages import msg
from runner.run import events as ev
from runner.run.replay import replay_commands, route, target_of
from runner.run.status import Decision, Jump
from runner.run.step_runner import StepRunner

if TYPE_CHECKING:
    from runner.run.lab_runner import LabRunner

Move = tuple[int, bool]  # the step to show next, and whether the pacer is asked before it


class SetupFailed(Exception):
    """The lab's setup failed during a rewind: the run cannot go on."""


class Navigation:
    def __init__(self, runner: LabRunner) -> None:
        self.runner = runner
        self.total = len(runner.lab.steps)

    def before(self, choice: Decision | Jump, step: Step, index: int, total: int
               ) -> Move | None:
        """Where a choice other than RUN, taken before step `index`, leads; None: quit."""
        if choice == Decision.QUIT:
            return None
        if choice == Decision.SKIP:
            reason = msg("engine.step_skipped_by_user")
            self.runner.outcomes.record(index, self.runner.skip(step, index, total, reason))
            return index + 1, True
        target = target_of(choice, index, after=False)
        return (index if target is None else self.go(index, target)), True

    def after(self, step: Step, index: int, passed: bool) -> Move | None:
        """The pacer's choice once the step ran (AutoPacer: go on), and where it leads."""
        while (choice := self._ask_after(step, passed)) == Decision.IMPROVISE:
            self.runner.improvise()
        if choice == Decision.QUIT:
            return None
        if choice == Decision.RERUN:  # again at once, the engine as it is now
            return index, False
        target = target_of(choice, index, after=True)
        return (index + 1 if target is None else self.go(index + 1, target)), True

    def _ask_after(self, step: Step, passed: bool) -> Decision | Jump:
        hook = getattr(self.runner.run_.pacer, "after_step", None)  # tests' pacers lack it
        return hook(step, passed) if hook is not None else Decision.CONTINUE

    def go(self, here: int, target: int) -> int:
        """Reach step `target` from `here` (the first step whose effects are not on the
        engine): rewind if it is earlier, then replay quietly; the step reached (earlier
        than `target` when a replayed command failed)."""
        way = route(here, target, self.total)
        if way.rewind:
            self.runner.rewind()
        for index in range(way.replay_from, way.target):
            if not self._replay(index):
                return index
        return way.target

    def _replay(self, index: int) -> bool:
        """Run one step's commands (a task's solution) quietly; False if one failed (said
        in a notice: the replay stops there)."""
        runner = self.runner
        step, _, _, applies = runner.prepared(runner.lab.steps[index - 1])
        if not applies:
            return True
        runner.tell_pacer("next_step")
        runner.emit(ev.StepReplayed(step, index, self.total))
        commands, context = runner.commands(step), runner.step_context()
        if step.destructive:  # outside the sandbox, the person sees and decides again
            if not StepRunner(context, step, commands).destructive_allowed():
                return True
            runner.tell_pacer("step_confirmed")
        runner.quiet = True  # no live output
        try:
            failed = replay_commands(context, step, commands)
        finally:
            runner.quiet = False
        if failed is not None:
            runner.emit(ev.Notice(msg("nav.replay_failed", id=step.id, command=failed.command,
                                      code=failed.exit_code), "warning", failed.output.strip()))
            return False
        runner.outcomes.record_replayed(index, step)
        return True
