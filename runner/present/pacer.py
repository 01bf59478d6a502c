"""The presenter's pacer: the trainer's keys (or a clock, --pace) decide when each step and
each command runs, and where to go next: the next step, this one again, back, to step N,
into a shell of one's own (improvise), or out (the cleanup runs).

It follows the lab runner's Pacer protocol (runner/run/auto_pacer.py). The questions a run
may ask on the way (a destructive step outside the sandbox, the guard holding a removal, an
earlier run's cleanup) are the keyboard pacer's, asked the same way; unattended, AutoPacer's
answers. Present never grades: a task runs its solution, after the task's text was shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from runner.i18n import t
from runner.lab.model import Step
from runner.present.improvised import Watch, unwatched
from runner.present.keys import ENTER, Keys
from runner.present.typist import Typist
from runner.run import status
from runner.run.status import Decision

# Each key, the decision it stands for (None: not offered by this version of the runner),
# and the catalog word beside it on the help bar. The letters are the same in every language.
NEXT, RERUN, BACK, JUMP, IMPROVISE, QUIT = "next", "r", "b", "j", "i", "q"
WORDS = {NEXT: "present.key_next", RERUN: "present.key_rerun", BACK: "present.key_back",
         JUMP: "present.key_jump", IMPROVISE: "present.key_improvise", QUIT: "present.key_quit"}
Choice = Any  # a Decision, or a Jump(index)


class Screen(Protocol):
    """What the pacer shows, drawn by the presenter reporter (runner/report/presenter.py)."""

    def show_keys(self, keys: list[tuple[str, str]]) -> None: ...
    def hide_keys(self, keys: list[tuple[str, str]]) -> None: ...
    def say(self, text: str, style: str = "") -> None: ...
    def ask(self, text: str) -> None: ...
    def write_typed(self, text: str) -> None: ...
    def new_typed_line(self, text: str = "") -> None: ...


def decision(name: str) -> Decision | None:
    """A navigation decision of the lab runner, or None where it does not offer it yet."""
    return getattr(Decision, name, None)


def _jump() -> str | None:
    """JUMP where the lab runner takes a Jump(index), else None (not offered)."""
    return JUMP if hasattr(status, "Jump") else None


class PresentPacer:
    def __init__(self, screen: Screen, typist: Typist, language: str, total: int,
                 questions: Any, pace: float | None = None,
                 open_shell: Callable[..., Any] | None = None,
                 shell_variables: Mapping[str, str] | None = None,
                 watch: Watch = unwatched) -> None:
        self.screen, self.typist, self.language = screen, typist, language
        self.total = total  # steps in the lab: a jump goes to 1..total
        self.questions = questions  # KeyboardPacer (or AutoPacer with --pace)
        self.pace = pace  # seconds on each screen, unattended; None: the trainer's keys
        self.open_shell = open_shell
        self.shell_variables = dict(shell_variables or {})  # $LR in the improvised shell
        self.watch = watch  # the what-changed panel around the improvised shell
        self.step: Step | None = None  # the step on screen
        self.quit_chosen = False  # q (or the end of input): the demo ended normally
    @property
    def keys(self) -> Keys | None:
        return self.typist.keys

    # The lab runner's questions about steps --------------------------------------------

    def before_step(self, step: Step, commands: list[str]) -> Choice:
        """Enter: the commands are typed out and run; b, j, i, q as after a step."""
        self.step = step
        if self.pace is not None:
            self.typist.sleep(self.pace)
            return Decision.RUN
        return self._choose({NEXT: Decision.RUN, BACK: decision("BACK"), JUMP: _jump(),
                             IMPROVISE: decision("IMPROVISE"), QUIT: Decision.QUIT},
                            "present.key_run")

    def after_step(self, step: Step, passed: bool) -> Choice:
        """Enter: the next step; r this one again; b back; j to step N; i improvise; q quit."""
        self.step = step
        if self.pace is not None:
            self.typist.sleep(self.pace)
            return Decision.CONTINUE
        return self._choose({NEXT: Decision.CONTINUE, RERUN: decision("RERUN"),
                             BACK: decision("BACK"), JUMP: _jump(),
                             IMPROVISE: decision("IMPROVISE"), QUIT: Decision.QUIT},
                            "present.key_next")

    def title_pause(self) -> None:
        """The lab's title and objectives stay until Enter (paced: `pace` seconds)."""
        if self.pace is not None:
            self.typist.sleep(self.pace)
            return
        self._choose({NEXT: Decision.RUN}, "present.key_start")

    def cue_command(self, lines: list[str]) -> None:
        """A command is about to run: type it out (the reporter drew its prompt), then
        Enter runs it."""
        self.typist.type_command(lines, self.screen.write_typed, self.screen.new_typed_line)

    def student_task(self, step: Step, env: Mapping[str, str], cwd: str) -> None:
        return None  # a demonstration: the task's solution runs, typed out like any command

    def after_failed_task(self, step: Step) -> Decision:
        return Decision.CONTINUE

    def improvise(self, env: Mapping[str, str], cwd: str) -> str:
        """The trainer's own bash, on the lab's engine through the guard; `exit` comes back
        with everything it did kept. Returns the folder it ended in."""
        from runner.shell.student import open_student_shell

        self.screen.say(t("present.improvise_opened", self.language), "bold cyan")
        opener = self.open_shell or open_student_shell
        label = t("present.improvise_label", self.language)
        work = self.watch(self.step, lambda: opener(dict(env) | self.shell_variables, cwd,
                                                    label, language=self.language))
        self.screen.say(t("present.improvise_closed", self.language), "cyan")
        return work.cwd

    # The keys ------------------------------------------------------------------------

    def _choose(self, offered: dict[str, Any], enter_word: str) -> Choice:
        """Show the keys offered, read until one of them; the end of input quits."""
        offered = {key: choice for key, choice in offered.items() if choice is not None}
        words = WORDS | {NEXT: enter_word}
        bar = [(self._key_label(key), t(words[key], self.language)) for key in offered]
        self.keys.drop_typed_ahead()  # before the bar shows: a key pressed after it counts
        self.screen.show_keys(bar)
        while True:
            key = self.keys.key()
            if key is None:
                self.quit_chosen = True
                return Decision.QUIT
            choice = offered.get(NEXT if key == ENTER else key.casefold())
            if choice == JUMP:
                choice = self._ask_step_number()
                if choice is None:
                    self.screen.show_keys(bar)
            if choice is not None:
                self.quit_chosen = choice == Decision.QUIT
                if choice == Decision.RUN:
                    self.screen.hide_keys(bar)  # the commands are typed where it was
                return choice

    def _key_label(self, key: str) -> str:
        return t("present.key_enter", self.language) if key == NEXT else key

    def _ask_step_number(self) -> Any:
        """A step number, 1..total, typed then Enter; an empty line goes back to the keys."""
        while True:
            self.screen.ask(t("present.jump_prompt", self.language, total=self.total))
            answer = self.keys.line()
            if answer is None or not answer.strip():
                return None
            if answer.strip().isdigit() and 1 <= int(answer) <= self.total:
                return status.Jump(int(answer))
            self.screen.say(t("present.jump_invalid", self.language, answer=answer.strip(),
                              total=self.total), "yellow")

    # The questions a run may ask, as the keyboard pacer asks them -----------------------

    def __getattr__(self, name: str) -> Any:
        """confirm_destructive, engine_consent, next_step, step_confirmed, stop_asking,
        confirm_earlier_cleanup, confirm_host_helper: the keyboard pacer's (AutoPacer's
        with --pace)."""
        if name in ("confirm_destructive", "confirm_earlier_cleanup", "engine_consent",
                    "next_step", "step_confirmed", "stop_asking", "confirm_host_helper"):
            return getattr(self.questions, name)
        raise AttributeError(name)
