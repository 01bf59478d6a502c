"""The step-by-step pacer: shows what will run next and waits for Enter (s: skip, q: quit)."""

from __future__ import annotations

from runner.i18n import t
from runner.model import Step


class KeyboardPacer:
    def __init__(self, reporter, language: str) -> None:
        self.reporter = reporter
        self.language = language

    def before_step(self, step: Step, commands: list[str]) -> str:
        lines = "\n".join(f"  $ {command}" for command in commands)
        try:
            answer = self.reporter.ask(f"{t('report.prompt_commands', self.language)}\n{lines}\n"
                                       f"{t('report.prompt', self.language)}")
        except EOFError:
            return "quit"
        choice = answer.strip().lower()[:1]
        return {"s": "skip", "q": "quit"}.get(choice, "run")
