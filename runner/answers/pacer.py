"""The pacer of a `grade-answers` run: nobody at the keyboard, the student's answers typed
for them. Steps that are not tasks run as usual; a task runs the student's commands
(runner/answers/bash.py), never its solution; a task without an answer is skipped; a failed
task is not retried. Everything else is decided as AutoPacer decides it unattended."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from runner.answers.bash import run_answer
from runner.answers.file import Answers
from runner.i18n import t
from runner.lab.model import Step
from runner.run.auto_pacer import AutoPacer
from runner.run.status import Decision
from runner.shell.student import StudentWork, TaskShell


class AnswersPacer(AutoPacer):
    """`allow_destructive`: on a throwaway sandbox nothing the person owns can be deleted."""

    def __init__(self, answers: Answers, default_timeout: float, language: str,
                 say: Callable[[str], None], allow_destructive: bool = False) -> None:
        super().__init__(allow_destructive=allow_destructive)
        self.answers = answers
        self.default_timeout = default_timeout
        self.language = language
        self.say = say

    def before_step(self, step: Step, commands: list[str]) -> str:
        if step.is_task and not self.answers.for_task(step.id):
            return Decision.SKIP  # no answer: the task is skipped, its solution never runs
        return Decision.RUN

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str,
                     shell: TaskShell | None = None) -> StudentWork:
        """The answer's commands; `shell.capture`: the task has output checks, which read
        each command's output (no history file: nothing is typed)."""
        commands = self.answers.for_task(step.id)
        # The step's timeout is per command, as for the lab's own commands.
        limit = (step.timeout or self.default_timeout) * max(1, len(commands))
        capture = shell is not None and shell.capture
        work, timed_out = run_answer(commands, env, cwd, limit, capture)
        if timed_out:
            self.say(t("answers.timed_out", self.language, seconds=f"{limit:.0f}"))
        return work

    def after_failed_task(self, step: Step) -> str:
        return Decision.CONTINUE  # one try: the answers file is the student's only attempt
