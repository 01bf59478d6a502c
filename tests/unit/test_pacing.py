"""The decisions a person takes at the keyboard: only the documented answers act, anything
else asks again with the keys listed; end of input quits. The Terminal is a scripted fake."""

from __future__ import annotations

import io

import pytest

from runner.i18n import t
from runner.lab.model import Lab
from runner.lab.types import LocalizedText
from runner.report import Fanout
from runner.report.plain import PlainReporter
from runner.run import events as ev
from runner.run import terminal as terminal_module
from runner.run.lab_runner import AutoPacer
from runner.run.pacing import KeyboardPacer
from runner.run.status import Decision
from runner.run.terminal import KeyboardTerminal, keyboard_terminal, show_on_terminal

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": "pull", "title": {"fr": "p", "en": "p"}, "explain": {"fr": "p", "en": "p"},
               "run": "docker pull nginx"},
              {"id": "your-turn", "title": {"fr": "t", "en": "t"},
               "explain": {"fr": "t", "en": "t"}, "task": {"solution": "docker pull nginx"}}],
})
STEP, TASK = LAB.steps
COMMANDS = ["docker pull nginx"]


class ScriptedTerminal:
    """Answers from a script, then end of input (None); keeps every prompt it was shown."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def ask(self, prompt: str) -> str | None:
        self.prompts.append(prompt)
        return self.answers.pop(0) if self.answers else None


def pacer(*answers: str, language: str = "en") -> tuple[KeyboardPacer, ScriptedTerminal]:
    terminal = ScriptedTerminal(*answers)
    return KeyboardPacer(terminal, language), terminal


# --- before a step -----------------------------------------------------------------------------

def test_a_command_or_a_word_of_another_prompt_asks_again_then_enter_runs():
    keys, terminal = pacer("docker ps", "suivant", "")
    assert keys.before_step(STEP, COMMANDS) == Decision.RUN
    first, second, third = terminal.prompts
    assert "$ docker pull nginx" in first and first.endswith(t("report.prompt", "en"))
    assert second == (t("report.reask_step", "en", answer="docker ps") + "\n"
                      + t("report.prompt", "en"))
    assert third.startswith("“suivant” is not one of the answers: Enter runs the commands")
    assert "s skips this step, q quits." in third


@pytest.mark.parametrize(("answer", "decision"), [
    ("", Decision.RUN), ("   ", Decision.RUN), ("s", Decision.SKIP), ("S", Decision.SKIP),
    (" s ", Decision.SKIP), ("q", Decision.QUIT), ("Q\t", Decision.QUIT),
    ("skip", Decision.SKIP), ("Quit", Decision.QUIT),
])
@pytest.mark.parametrize("step", [STEP, TASK], ids=["step", "task"])
def test_each_documented_answer_before_a_step(step, answer, decision):
    keys, terminal = pacer(answer)
    assert keys.before_step(step, COMMANDS) == decision
    assert len(terminal.prompts) == 1


@pytest.mark.parametrize(("answer", "decision"), [
    ("passer", Decision.SKIP), ("QUITTER", Decision.QUIT), ("s", Decision.SKIP), ("", Decision.RUN),
])
def test_the_french_words_are_accepted_in_french(answer, decision):
    keys, _ = pacer(answer, language="fr")
    assert keys.before_step(STEP, COMMANDS) == decision


@pytest.mark.parametrize("answer", ["passer", "sk", "skipp", "qu", "y", "docker ps", "run"])
def test_anything_else_is_not_an_answer(answer):
    keys, terminal = pacer(answer, "s")
    assert keys.before_step(STEP, COMMANDS) == Decision.SKIP
    assert len(terminal.prompts) == 2


def test_the_task_prompt_hides_the_solution_and_says_commands_go_in_the_shell():
    keys, terminal = pacer("docker pull nginx", "q", language="fr")
    assert keys.before_step(TASK, COMMANDS) == Decision.QUIT
    assert "docker pull nginx" not in terminal.prompts[0]
    assert terminal.prompts[1].startswith("« docker pull nginx » n'est pas une réponse possible")
    assert terminal.prompts[1].endswith(t("report.prompt_task", "fr"))


@pytest.mark.parametrize("answers", [(), ("docker ps",)], ids=["at once", "after a wrong answer"])
def test_end_of_input_quits(answers):
    keys, _ = pacer(*answers)
    assert keys.before_step(STEP, COMMANDS) == Decision.QUIT
    assert pacer(*answers)[0].after_failed_task(TASK) == Decision.QUIT


# --- after a failed task -----------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "decision"), [
    ("r", Decision.RETRY), (" R ", Decision.RETRY), ("try again", Decision.RETRY),
    ("", Decision.CONTINUE), ("s", Decision.CONTINUE), ("skip", Decision.CONTINUE),
    ("q", Decision.QUIT), ("quit", Decision.QUIT), ("v", Decision.SHOW_SOLUTION),
    ("solution", Decision.SHOW_SOLUTION), ("x", Decision.RUN_SOLUTION),
    ("run it", Decision.RUN_SOLUTION),
])
def test_each_documented_answer_after_a_failed_task(answer, decision):
    keys, terminal = pacer(answer)
    assert keys.after_failed_task(TASK) == decision
    assert terminal.prompts == [t("report.prompt_task_failed", "en")]


def test_after_a_failed_task_a_command_asks_again_listing_the_keys():
    keys, terminal = pacer("docker pull httpd", "réessayer", language="fr")
    assert keys.after_failed_task(TASK) == Decision.RETRY
    assert terminal.prompts[1] == (t("report.reask_task_failed", "fr", answer="docker pull httpd")
                                   + "\n" + t("report.prompt_task_failed", "fr"))
    assert "r relance la tâche, v montre la solution, x l'exécute, Entrée ou s passe à " \
           "l'étape suivante, q quitte" in terminal.prompts[1]


# --- the destructive confirmation: a yes/no question, asked once -------------------------------

@pytest.mark.parametrize("answer", ["yes", " YES ", "oui", "Oui"])
def test_only_a_typed_yes_deletes(answer):
    keys, terminal = pacer(answer)
    assert keys.confirm_destructive(STEP) is True
    assert terminal.prompts == [t("report.prompt_destructive", "en")]


@pytest.mark.parametrize("answers", [("",), ("y",), ("no",), ("docker ps", "yes"), ()],
                         ids=["Enter", "y", "no", "anything else", "end of input"])
def test_anything_else_declines_without_asking_again(answers):
    keys, terminal = pacer(*answers)
    assert keys.confirm_destructive(STEP) is False
    assert len(terminal.prompts) == 1


# --- the real terminal -------------------------------------------------------------------------

def test_the_keyboard_terminal_shows_the_prompt_then_reads_a_line():
    shown: list[str] = []
    terminal = KeyboardTerminal(shown.append, read=lambda: "s")
    assert terminal.ask("Enter: run > ") == "s" and shown == ["Enter: run > "]


def test_end_of_input_on_the_keyboard_is_none():
    def closed() -> str:
        raise EOFError

    assert KeyboardTerminal(lambda prompt: None, read=closed).ask("> ") is None


class TerminalStream(io.StringIO):
    def isatty(self) -> bool:
        return True


class Heard:
    def __init__(self) -> None:
        self.events: list[ev.Event] = []

    def on_event(self, event: ev.Event) -> None:
        self.events.append(event)


def test_on_a_terminal_the_prompt_goes_through_the_reporters():
    screen, heard = TerminalStream(), Heard()
    keyboard_terminal(Fanout(heard, PlainReporter(screen, "en")), screen).show("Enter: run > ")
    assert heard.events == [ev.PromptShown("Enter: run > ")]
    assert screen.getvalue() == "Enter: run > "


def test_with_the_output_in_a_file_the_prompt_goes_to_the_terminal_not_the_file(monkeypatch):
    log, tty = io.StringIO(), io.StringIO()
    tty.close = lambda: None  # read after the `with` block
    monkeypatch.setattr(terminal_module, "open", lambda *args, **kwargs: tty, raising=False)
    keyboard_terminal(PlainReporter(log, "en"), log).show("Enter: run > ")
    assert log.getvalue() == "" and tty.getvalue() == "Enter: run > "


def test_without_a_controlling_terminal_the_prompt_goes_to_stderr(monkeypatch, capsys):
    def no_tty(*args, **kwargs):
        raise OSError("No such device or address: '/dev/tty'")

    monkeypatch.setattr(terminal_module, "open", no_tty, raising=False)
    show_on_terminal("Enter: run > ")
    assert capsys.readouterr() == ("", "Enter: run > ")


# The yes/no question before cleaning up after a killed run: Enter or y yes, n no.

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


@pytest.mark.parametrize(("answers", "started"), [
    (("y",), True), (("oui",), True), (("",), False), (("n",), False), ((), False),
    (("maybe", "o"), True)])
def test_the_helper_container_starts_only_on_a_typed_yes(answers, started):
    keyboard, terminal = pacer(*answers)
    assert keyboard.confirm_host_helper("A privileged container will start.") is started
    assert "A privileged container will start." in terminal.prompts[0]


def test_an_answer_to_the_guard_that_comes_after_its_step_is_a_no():
    from runner.guard.consent import Answer, StepConsent

    consent = None

    def late(question):
        consent.next_step()  # the step ended while the question was on screen
        return Answer.YES

    consent = StepConsent(late)
    assert consent(object()) is False


def test_the_guard_question_gives_up_when_the_run_ends():
    import threading

    from runner.run.terminal import KeyboardTerminal

    terminal = KeyboardTerminal(lambda prompt: None)
    stop = threading.Event()
    stop.set()
    assert terminal.ask_unless("Allow it?", stop) is None


def test_with_yes_destructive_the_guard_never_asks():
    keyboard, terminal = pacer()
    keyboard.allow_destructive = True
    assert keyboard.engine_consent()(object()) is True
    assert terminal.prompts == []


def test_a_yes_to_all_does_not_carry_into_the_next_step():
    keyboard, terminal = pacer("a", "n")
    consent = keyboard.engine_consent()

    class Question:
        def text(self, language):
            return "The lab wants to remove the container web."

    assert consent(Question()) is True and consent(Question()) is True
    keyboard.next_step()
    assert consent(Question()) is False
    assert len(terminal.prompts) == 2


# --- hints ---------------------------------------------------------------------------------------

HINTED = TASK.model_copy(update={"task": TASK.task.model_copy(update={
    "hints": [LocalizedText(fr="Indice", en="Hint")]})})


def test_a_task_without_hints_does_not_offer_h():
    keys, terminal = pacer("h", "")
    assert keys.after_failed_task(TASK) == Decision.CONTINUE
    assert "h:" not in terminal.prompts[0] and terminal.prompts[1].startswith("“h” is not")
    keys, terminal = pacer("h", "s")
    assert keys.before_step(TASK, COMMANDS) == Decision.SKIP and len(terminal.prompts) == 2


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_task_with_hints_offers_h_before_the_first_attempt_and_after_a_failure(language):
    word = t("report.answer_hint", language)
    keys, terminal = pacer("h", word, language=language)
    assert keys.before_step(HINTED, COMMANDS) == Decision.HINT
    assert keys.before_step(HINTED, COMMANDS) == Decision.HINT
    assert terminal.prompts[0] == t("report.prompt_task_hints", language)
    keys, terminal = pacer("H", "indice" if language == "fr" else "hint", language=language)
    assert keys.after_failed_task(HINTED) == Decision.HINT
    assert keys.after_failed_task(HINTED) == Decision.HINT
    assert terminal.prompts[0] == t("report.prompt_task_failed_hints", language)


def test_the_french_words_after_a_failed_task():
    for word, decision in (("passer", Decision.CONTINUE), ("exécuter", Decision.RUN_SOLUTION),
                           ("solution", Decision.SHOW_SOLUTION), ("réessayer", Decision.RETRY)):
        keys, _ = pacer(word, language="fr")
        assert keys.after_failed_task(TASK) == decision
