"""The yes/no question before cleaning up after a killed run: Enter or y yes, n no."""

from __future__ import annotations

import pytest

from runner.i18n import t
from runner.run.lab_runner import AutoPacer
from runner.run.pacing import KeyboardPacer


class ScriptedTerminal:
    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


@pytest.mark.parametrize(("answers", "agreed"), [
    ([""], True), (["y"], True), (["  Oui "], True), (["n"], False), (["non"], False),
    ([], False), (["docker ps", "y"], True), (["maybe", "n"], False)])
def test_enter_or_y_agrees_n_declines_anything_else_asks_again(answers, agreed):
    terminal = ScriptedTerminal(*answers)
    assert KeyboardPacer(terminal, "en").confirm_earlier_cleanup(1234) is agreed
    assert terminal.prompts[0] == t("report.prompt_earlier_cleanup", "en")
    if len(answers) == 2:
        assert terminal.prompts[1].startswith(f"“{answers[0]}” is not an answer here")


def test_unattended_cleans_up_without_asking():
    assert AutoPacer().confirm_earlier_cleanup(1234) is True
