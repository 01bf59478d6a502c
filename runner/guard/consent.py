"""The runner's side of `ask`: the user's answer to a held request, where "yes" may cover
one object or every held request of the current step."""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import StrEnum

from runner.guard.decision import Question


class Answer(StrEnum):
    YES = "yes"  # this object
    ALL = "all"  # every held request until the step ends
    NO = "no"


class StepConsent:
    """A callable to give `Guard(ask=...)`: asks `prompt` (which shows the question and reads
    the answer, on the terminal the runner owns) unless this step already got `all`.

    An answer that comes after its step ended (the command was stopped, the run moved on)
    is a no: nothing is deleted behind the next step's back."""

    def __init__(self, prompt: Callable[[Question], Answer]) -> None:
        self._prompt = prompt
        self._all_of_this_step = False
        self._step = 0
        self._lock = threading.Lock()  # the guard asks from a worker thread

    def __call__(self, question: Question) -> bool:
        with self._lock:
            if self._all_of_this_step:
                return True
            step = self._step
        answer = self._prompt(question)  # not under the lock: next_step() must not wait
        with self._lock:
            if step != self._step:
                return False
            self._all_of_this_step = answer is Answer.ALL
        return answer is not Answer.NO

    def allow_rest_of_step(self) -> None:
        """The user already said yes for this step (the destructive preview): ask no more."""
        with self._lock:
            self._all_of_this_step = True

    def next_step(self) -> None:
        """A new step (or phase) starts: its held requests are asked again, and an answer
        still pending for the last one counts as no."""
        with self._lock:
            self._all_of_this_step = False
            self._step += 1
