"""`yes` covers one object, `all` the rest of the step, `no` nothing (runner/guard/consent.py)."""

from __future__ import annotations

from runner.guard.consent import Answer, StepConsent
from runner.guard.decision import Question
from runner.guard.policy import Action, Held, Kind


def question(name: str) -> Question:
    return Question(Held(Action.REMOVE, Kind.CONTAINER, name), name)


def scripted(*answers: Answer) -> tuple[StepConsent, list[str]]:
    asked: list[str] = []
    queue = list(answers)

    def prompt(q: Question) -> Answer:
        asked.append(q.name)
        return queue.pop(0)

    return StepConsent(prompt), asked


def test_yes_covers_one_object_and_no_refuses():
    consent, asked = scripted(Answer.YES, Answer.NO)
    assert consent(question("a")) is True
    assert consent(question("b")) is False
    assert asked == ["a", "b"]


def test_all_covers_the_rest_of_the_step_only():
    consent, asked = scripted(Answer.ALL, Answer.NO)
    assert [consent(question(name)) for name in ("a", "b", "c")] == [True, True, True]
    consent.next_step()
    assert consent(question("d")) is False
    assert asked == ["a", "d"]
