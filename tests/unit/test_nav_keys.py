"""Jumping from the step prompt (`j`, `j 5`, `j build`) and `run --from STEP`: a step is named
by its number or its id; one that does not exist asks again (the prompt) or is bad input
(the option, exit 2), listing the steps the lab has."""

from __future__ import annotations

import pytest

from runner.errors import UsageError
from runner.i18n import t
from runner.lab.model import Lab
from runner.run.pacing import KeyboardPacer
from runner.run.replay import Route, from_option, route, step_index, target_of
from runner.run.status import Decision, Jump

T = {"fr": "t", "en": "t"}
IDS = ("pull", "build", "run")
LAB = Lab.model_validate({"format": 2, "id": "demo", "title": T, "steps": [
    {"id": name, "title": T, "explain": T, "run": f"echo {name}"} for name in IDS]})


class ScriptedTerminal:
    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


def keys(*answers: str, language: str = "en") -> tuple[KeyboardPacer, ScriptedTerminal]:
    terminal = ScriptedTerminal(*answers)
    pacer = KeyboardPacer(terminal, language)
    pacer.step_ids = IDS
    return pacer, terminal


@pytest.mark.parametrize(("answers", "decision"), [
    (("j 3",), Jump(3)), (("J build",), Jump(2)), (("j", "run"), Jump(3)), (("j", "1"), Jump(1)),
    (("jump 2",), Jump(2)), (("",), Decision.RUN), (("s",), Decision.SKIP),
    (("q",), Decision.QUIT)])
def test_the_step_prompt_jumps_by_number_or_id(answers, decision):
    pacer, _ = keys(*answers)
    assert pacer.before_step(LAB.steps[0], ["echo pull"]) == decision


def test_the_french_word_jumps_too():
    pacer, terminal = keys("aller build", language="fr")
    assert pacer.before_step(LAB.steps[0], ["echo pull"]) == Jump(2)
    assert terminal.prompts[0].endswith(t("nav.prompt", "fr"))
    assert "j : aller à une étape" in terminal.prompts[0]


def test_a_step_that_does_not_exist_asks_again_listing_the_steps_then_enter_stays():
    pacer, terminal = keys("j 9", "", "")
    assert pacer.before_step(LAB.steps[0], ["echo pull"]) == Decision.RUN
    assert terminal.prompts[1] == (
        "“9” is not a step of this lab: give a number from 1 to 3 or one of these ids: "
        "pull, build, run.\n" + t("nav.prompt_jump", "en", count=3))
    assert terminal.prompts[2] == t("nav.prompt", "en")  # Enter stayed: the step prompt again


def test_a_command_typed_at_the_prompt_is_not_an_answer_and_j_is_listed():
    pacer, terminal = keys("docker ps")
    assert pacer.before_step(LAB.steps[0], ["echo pull"]) == Decision.QUIT  # then end of input
    assert terminal.prompts[1].startswith("“docker ps” is not one of the answers")
    assert "j jumps to another step" in terminal.prompts[1]


def test_without_the_lab_s_steps_the_prompt_is_today_s():
    terminal = ScriptedTerminal("j 2", "")
    pacer = KeyboardPacer(terminal, "en")
    assert pacer.before_step(LAB.steps[0], ["echo pull"]) == Decision.RUN
    assert terminal.prompts[0].endswith(t("report.prompt", "en"))


@pytest.mark.parametrize(("given", "index"), [("1", 1), ("3", 3), ("build", 2), (" run ", 3),
                                              ("0", None), ("4", None), ("Build", None),
                                              ("", None), ("-1", None)])
def test_a_step_is_named_by_its_number_or_its_id(given, index):
    assert step_index(IDS, given) == index


def test_from_without_the_option_starts_at_the_first_step():
    assert from_option(IDS, None) == 1 and from_option(IDS, "build") == 2


@pytest.mark.parametrize("language", ["en", "fr"])
def test_from_a_step_the_lab_does_not_have_is_bad_input_listing_its_steps(language):
    with pytest.raises(UsageError) as raised:
        from_option(IDS, "deploy")
    text = raised.value.message(language)
    assert raised.value.exit_code == 2
    assert text.startswith("--from deploy") and "pull, build, run" in text and "3" in text


@pytest.mark.parametrize(("here", "target", "expected"), [
    (1, 3, Route(3, False, 1)), (3, 3, Route(3, False, 3)), (4, 2, Route(2, True, 1)),
    (2, 9, Route(3, False, 2)), (3, 0, Route(1, True, 1))])
def test_a_later_step_is_replayed_to_an_earlier_one_is_rewound_to(here, target, expected):
    assert route(here, target, 3) == expected


@pytest.mark.parametrize(("choice", "after", "target"), [
    (Decision.BACK, False, 1), (Decision.BACK, True, 2), (Jump(3), False, 3),
    (Jump(1), True, 1), (Decision.RUN, False, None), (Decision.CONTINUE, True, None)])
def test_back_before_a_step_is_the_previous_one_after_it_the_same_one(choice, after, target):
    assert target_of(choice, 2, after) == target
