"""The step-by-step pacer: shows what will run next and waits for Enter (s: skip, q: quit).

It also takes the other decisions a person makes during a run: confirming a destructive step
outside the sandbox, doing a task in their own shell, trying a failed task again.
"""

from __future__ import annotations

from collections.abc import Mapping

from runner.i18n import t
from runner.lab.model import Step
from runner.shell.student import StudentWork, open_student_shell


class KeyboardPacer:
    def __init__(self, reporter, language: str) -> None:
        self.reporter = reporter
        self.language = language

    def before_step(self, step: Step, commands: list[str]) -> str:
        if step.is_task:  # the solution is not shown: the student works it out
            return self._choice(t("report.prompt_task", self.language), {"s": "skip", "q": "quit"})
        lines = "\n".join(f"  $ {command}" for command in commands)
        return self._choice(f"{t('report.prompt_commands', self.language)}\n{lines}\n"
                            f"{t('report.prompt', self.language)}", {"s": "skip", "q": "quit"})

    def confirm_destructive(self, step: Step) -> bool:
        """Only a typed "yes" (or "oui") deletes: Enter alone must never destroy anything."""
        answer = self._ask(t("report.prompt_destructive", self.language)) or ""
        return answer.strip().lower() in ("yes", "oui")

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str) -> StudentWork:
        label = t("report.task_prompt_label", self.language, id=step.id)
        return open_student_shell(env, cwd, label)

    def after_failed_task(self, step: Step) -> str:
        return self._choice(t("report.prompt_task_failed", self.language),
                            {"r": "retry", "q": "quit"}, default="continue")

    def _choice(self, prompt: str, keys: dict[str, str], default: str = "run") -> str:
        answer = self._ask(prompt)
        if answer is None:
            return "quit"
        return keys.get(answer.strip().lower()[:1], default)

    def _ask(self, prompt: str) -> str | None:
        try:
            return self.reporter.ask(prompt)
        except EOFError:
            return None
