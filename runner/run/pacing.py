"""The step-by-step pacer: shows what will run next and waits for Enter (s: skip, j: jump to
another step, q: quit).

It also takes the other decisions a person makes during a run: confirming a destructive step
outside the sandbox, doing a task in their own shell, trying a failed task again. Only the
documented answers act; anything else asks again, so `docker ps` typed at the step prompt
does not run the step and `suivant` does not skip it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TypeVar

from runner.i18n import t
from runner.lab.model import Step
from runner.run.replay import step_index
from runner.run.status import Decision, Jump
from runner.run.terminal import Terminal
from runner.shell.student import StudentWork, TaskShell, open_student_shell

# Each lettered answer: its key, and the catalog word the prompt shows beside it (accepted too).
KEYS = {Decision.SKIP: ("s", "report.answer_skip"), Decision.QUIT: ("q", "report.answer_quit"),
        Decision.RETRY: ("r", "report.answer_retry"), Decision.HINT: ("h", "report.answer_hint"),
        Decision.SHOW_SOLUTION: ("v", "report.answer_show_solution"),
        Decision.RUN_SOLUTION: ("x", "report.answer_run_solution")}
YES = ("yes", "oui")
Answer = TypeVar("Answer")
# The earlier run's cleanup, in either language: Enter means yes (it removes only what the
# lab itself creates).
CLEANUP_ANSWERS = {**dict.fromkeys(("", "y", "o", "yes", "oui"), True),
                   **dict.fromkeys(("n", "no", "non"), False)}


# The helper container: yes must be typed.
HELPER_ANSWERS = {**dict.fromkeys(("y", "o", "yes", "oui"), True),
                  **dict.fromkeys(("", "n", "no", "non"), False)}


class KeyboardPacer:
    # The lab's step ids, in order: `j` at the step prompt jumps to one (by id or number);
    # none known, no `j`.
    step_ids: tuple[str, ...] = ()

    def __init__(self, terminal: Terminal, language: str, allow_destructive: bool = False
                 ) -> None:
        self.terminal = terminal
        self.language = language
        self.allow_destructive = allow_destructive  # --yes-destructive: the guard never asks
        self._consent = None  # the guard's questions (engine_consent), once the run asks
        self._stop_asking = threading.Event()  # set when the run ends: no question waits

    def before_step(self, step: Step, commands: list[str]) -> Decision | Jump:
        answers = self._answers(Decision.RUN, Decision.SKIP, Decision.QUIT)
        if step.is_task:  # the solution is not shown: the student works it out
            if _has_hints(step):  # h: a hint, then this question again
                answers |= self._answers(Decision.RUN, Decision.HINT)
                return self._ask_until(self._t("report.prompt_task_hints"),
                                       "report.reask_task_hints", answers, Decision.QUIT)
            return self._ask_until(self._t("report.prompt_task"), "report.reask_task", answers,
                               Decision.QUIT)
        lines = "\n".join(f"  $ {command}" for command in commands)
        intro = f"{self._t('report.prompt_commands')}\n{lines}\n"
        if not self.step_ids:
            return self._ask_until(self._t("report.prompt"), "report.reask_step", answers,
                                   Decision.QUIT, intro)
        return self._ask_step_or_jump(answers, intro)

    def _ask_step_or_jump(self, answers: dict[str, Decision], intro: str) -> Decision | Jump:
        """The step prompt with `j`: `j` alone asks which step, `j 5` or `j build` says it;
        a step that does not exist asks again, listing them."""
        prompt, question = self._t("nav.prompt"), intro + self._t("nav.prompt")
        while (answer := self.terminal.ask(question)) is not None:
            word = answer.strip().casefold()
            if word in answers:
                return answers[word]
            first, _, rest = answer.strip().partition(" ")
            if first.casefold() in ("j", self._t("nav.answer_jump").casefold()):
                target = self._which_step(rest.strip())
                if target is not None:
                    return target
                question = prompt
                continue
            question = f"{self._t('nav.reask_step', answer=answer.strip())}\n{prompt}"
        return Decision.QUIT

    def _which_step(self, given: str) -> Jump | None:
        """The step to jump to (asked for when `given` is empty); an empty answer stays."""
        ask = self._t("nav.prompt_jump", count=len(self.step_ids))
        question = ask
        while given or (given := (self.terminal.ask(question) or "").strip()):
            index = step_index(self.step_ids, given)
            if index is not None:
                return Jump(index)
            question = self._t("nav.reask_jump", answer=given, ids=", ".join(self.step_ids),
                               count=len(self.step_ids)) + "\n" + ask
            given = ""
        return None

    def confirm_destructive(self, step: Step) -> bool:
        """Only a typed "yes" (or "oui") deletes: Enter alone must never destroy anything.
        A yes/no question: any other answer, or none, declines without asking again."""
        answer = self.terminal.ask(self._t("report.prompt_destructive"))
        return answer is not None and answer.strip().casefold() in YES

    def confirm_earlier_cleanup(self, pid: int) -> bool:
        """A yes/no question: Enter or y (o, yes, oui) runs the lab's cleanup for the earlier
        run, n (no, non) does not; anything else asks again; end of input declines."""
        return self._ask_until(self._t("report.prompt_earlier_cleanup"),
                               "report.reask_earlier_cleanup", CLEANUP_ANSWERS, False)

    def engine_consent(self):
        """The guard's `ask`: a question on this terminal, whose "all" covers the step."""
        from runner.guard.consent import Answer, StepConsent

        ask = (lambda question: Answer.YES) if self.allow_destructive else self._ask_held
        self._consent = StepConsent(ask)
        return self._consent

    def stop_asking(self) -> None:
        """The run ends: a question of the guard still waiting gets no (and stops reading)."""
        self._stop_asking.set()
        self.next_step()

    def next_step(self) -> None:
        if self._consent is not None:
            self._consent.next_step()

    def step_confirmed(self) -> None:
        """Yes to a destructive step's preview: the guard asks nothing more in that step."""
        if self._consent is not None:
            self._consent.allow_rest_of_step()

    def _ask_held(self, question):
        """y (o): this object; a (t): every held request of this step; Enter, n or the end of
        input: no. Asked while the lab's command waits for the engine's answer."""
        from runner.guard.consent import Answer

        answers = {**dict.fromkeys(("y", "yes", "o", "oui"), Answer.YES),
                   **dict.fromkeys(("a", "all", "t", "tout"), Answer.ALL),
                   **dict.fromkeys(("", "n", "no", "non"), Answer.NO)}
        prompt = f"\n{question.text(self.language)}\n{self._t('report.prompt_held')}"
        while (answer := self._read_held(prompt)) is not None:
            if answer.strip().casefold() in answers:
                return answers[answer.strip().casefold()]
            prompt = f"{self._t('report.reask_held', answer=answer.strip())}\n" \
                     f"{self._t('report.prompt_held')}"
        return Answer.NO

    def _read_held(self, prompt: str) -> str | None:
        """The answer, read from the guard's thread: given up when the run ends."""
        if hasattr(self.terminal, "ask_unless"):
            return self.terminal.ask_unless(prompt, self._stop_asking)
        return self.terminal.ask(prompt)

    def confirm_host_helper(self, question: str) -> bool:
        """y (o, yes, oui) starts the helper container; Enter, n (no, non) or the end of
        input does not: a privileged container is never started by a bare Enter."""
        return self._ask_until(f"{question}\n{self._t('report.prompt_host_helper')}",
                               "report.reask_host_helper", HELPER_ANSWERS, False)

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str,
                     shell: TaskShell | None = None) -> StudentWork:
        """The student's own shell; `shell`: the task's history file, and the capture."""
        label = self._t("report.task_prompt_label", id=step.id)
        return open_student_shell(env, cwd, label, language=self.language, shell=shell)

    def after_failed_task(self, step: Step) -> Decision:
        """r retry, h hint (a task with hints), v see the solution, x run it, Enter or s go
        on (the task left undone), q quit; end of input quits."""
        lettered = (Decision.RETRY, Decision.SHOW_SOLUTION, Decision.RUN_SOLUTION, Decision.QUIT)
        lettered += (Decision.HINT,) if _has_hints(step) else ()
        answers = self._answers(Decision.CONTINUE, *lettered)
        letter, word = KEYS[Decision.SKIP]  # s: go on, leaving the task (it is skipped)
        answers[letter] = answers[self._t(word).casefold()] = Decision.CONTINUE
        prompt, reask = (("report.prompt_task_failed_hints", "report.reask_task_failed_hints")
                         if _has_hints(step) else
                         ("report.prompt_task_failed", "report.reask_task_failed"))
        return self._ask_until(self._t(prompt), reask, answers, Decision.QUIT)

    def _ask_until(self, prompt: str, reask: str, answers: Mapping[str, Answer],
                   at_end: Answer, intro: str = "") -> Answer:
        """Ask until the answer is one of `answers`, saying which they are (`reask`); at the
        end of input, `at_end`."""
        question = intro + prompt
        while (answer := self.terminal.ask(question)) is not None:
            word = answer.strip().casefold()
            if word in answers:
                return answers[word]
            question = f"{self._t(reask, answer=answer.strip())}\n{prompt}"
        return at_end

    def _answers(self, on_enter: Decision, *lettered: Decision) -> dict[str, Decision]:
        """Enter (an empty line), each decision's letter and its word in this language."""
        answers = {"": on_enter}
        for decision in lettered:
            letter, word = KEYS[decision]
            answers[letter] = answers[self._t(word).casefold()] = decision
        return answers

    def _t(self, key: str, **params: object) -> str:
        return t(key, self.language, **params)


def _has_hints(step: Step) -> bool:
    return step.task is not None and bool(step.task.hints)
