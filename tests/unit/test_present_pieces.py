"""The presenter's pieces without a terminal: the path legend, the command layout, the
typist, the pacer's keys (a fake keyboard and screen) and the presenter's screen."""

from __future__ import annotations

import io

from rich.console import Console

from runner.i18n import t
from runner.present.keys import ENTER
from runner.present.layout import command_lines
from runner.present.legend import docker_root_legend
from runner.present.pacer import PresentPacer
from runner.present.typist import Typist
from runner.run.status import Decision

ROOT = "/root/.local/state/labrunner/sandbox/data"


class FakeKeys:
    def __init__(self, *keys: str | None, lines: tuple[str, ...] = ()) -> None:
        self.keys, self.lines = list(keys), list(lines)

    def drop_typed_ahead(self) -> None:
        pass

    def key(self) -> str | None:
        return self.keys.pop(0) if self.keys else None

    def line(self) -> str | None:
        return self.lines.pop(0) if self.lines else None


class FakeScreen:
    def __init__(self) -> None:
        self.bars, self.said, self.typed = [], [], []

    def show_keys(self, keys):
        self.bars.append(keys)

    def hide_keys(self, keys):
        self.bars.append("hidden")

    def say(self, text, style=""):
        self.said.append(text)

    def ask(self, text):
        self.said.append(text)

    def write_typed(self, text):
        self.typed.append(text)

    def new_typed_line(self, text=""):
        self.typed.append("\n")


def test_the_docker_root_is_shown_as_a_variable_defined_once_per_screen():
    legend = docker_root_legend(ROOT)
    shown, defined = legend.shorten(f"ls {ROOT}/overlay2/*/diff/MYFILE")
    assert shown == "ls $LR/overlay2/*/diff/MYFILE" and defined == [("LR", ROOT)]
    assert legend.shorten(f"ls {ROOT}/x")[1] == []  # already on this screen
    legend.new_screen()
    assert legend.shorten(f"ls {ROOT}/x")[1] == [("LR", ROOT)]
    assert legend.shorten(f"ls {ROOT}base")[0] == f"ls {ROOT}base"  # not a whole folder


def test_a_short_docker_root_is_left_as_it_is():
    assert docker_root_legend("/var/lib/x").shorten("ls /var/lib/x/a") == ("ls /var/lib/x/a", [])


def test_a_long_command_wraps_at_spaces_within_the_width():
    lines = command_lines("docker image rm -f $(docker image ls -q | sort -u) " * 3, 40)
    assert len(lines) > 1 and all(len(line) <= 40 - 3 for line in lines)


def test_the_typist_types_every_character_then_waits_for_enter():
    written, pauses = [], []
    keys = FakeKeys("x", ENTER)
    Typist(keys, speed=10, sleep=pauses.append).type_command(["ab c"], written.append,
                                                             written.append)
    assert "".join(written) == "ab c" and keys.keys == []  # x ignored, Enter ran it
    assert sum(pauses) == 3 / 10 + 0.5 / 10


def test_with_keys_each_press_types_a_chunk_and_enter_the_rest():
    written = []
    keys = FakeKeys("a", ENTER, ENTER)
    Typist(keys, by_keys=True).type_command(["docker image ls", "-a"], written.append,
                                            lambda _: written.append("|"))
    assert written == ["dock", "er image ls", "|", "-a"]


def _pacer(keys: FakeKeys, language: str = "en", pace: float | None = None) -> tuple:
    screen = FakeScreen()
    pauses: list[float] = []
    typist = Typist(None if pace else keys, sleep=pauses.append)
    return PresentPacer(screen, typist, language, 10, questions=None, pace=pace), screen, pauses


def test_after_a_step_each_key_decides_and_the_bar_says_them_in_french():
    decisions = []
    for key in (ENTER, "r", "b", "i", "q"):
        pacer, screen, _ = _pacer(FakeKeys(key), "fr")
        decisions.append(pacer.after_step(None, True))
    assert decisions == [Decision.CONTINUE, Decision.RERUN, Decision.BACK, Decision.IMPROVISE,
                         Decision.QUIT]
    assert [word for _, word in screen.bars[0]] == [
        t(f"present.key_{k}", "fr") for k in ("next", "rerun", "back", "jump", "improvise",
                                               "quit")]
    assert screen.bars[0][0][0] == "Entrée"


def test_jump_asks_a_step_number_until_one_is_valid():
    from runner.run.status import Jump

    pacer, screen, _ = _pacer(FakeKeys("j"))
    pacer.keys.lines = ["12", "abc", "6"]
    assert pacer.before_step(None, []) == Jump(6)
    assert sum("is not a step number" in said for said in screen.said) == 2


def test_an_empty_answer_cancels_the_jump_and_other_keys_are_not_answers():
    pacer, screen, _ = _pacer(FakeKeys("j", "x", ENTER))
    pacer.keys.lines = [""]
    assert pacer.before_step(None, []) == Decision.RUN
    assert screen.bars[-1] == "hidden"  # the bar is erased where the commands are typed


def test_q_and_the_end_of_input_quit_and_say_the_trainer_chose_it():
    pacer, _, _ = _pacer(FakeKeys())
    assert pacer.after_step(None, True) == Decision.QUIT and pacer.quit_chosen


def test_paced_the_demo_waits_then_goes_on_without_keys():
    pacer, screen, pauses = _pacer(FakeKeys(), pace=4.0)
    assert pacer.before_step(None, []) == Decision.RUN
    assert pacer.after_step(None, False) == Decision.CONTINUE
    assert pauses == [4.0, 4.0] and screen.bars == []


def test_a_task_runs_its_solution():
    pacer, _, _ = _pacer(FakeKeys())
    assert pacer.student_task(None, {}, "/") is None


def test_improvise_opens_a_shell_with_the_variables_and_returns_its_folder():
    seen = {}

    class Work:
        cwd = "/tmp/elsewhere"

    def shell(env, cwd, label, language):
        seen.update(env=env, cwd=cwd, label=label)
        return Work()

    pacer, screen, _ = _pacer(FakeKeys())
    pacer.open_shell, pacer.shell_variables = shell, {"LR": ROOT}
    assert pacer.improvise({"DOCKER_HOST": "unix:///guard"}, "/work") == "/tmp/elsewhere"
    assert seen["env"] == {"DOCKER_HOST": "unix:///guard", "LR": ROOT}
    assert seen["label"] == t("present.improvise_label", "en")
    assert screen.said == [t("present.improvise_opened", "en"),
                           t("present.improvise_closed", "en")]


def test_the_presenter_shows_a_step_the_typed_command_and_the_changes(monkeypatch):
    from runner.lab.model import Step
    from runner.report.presenter import PresenterReporter
    from runner.run import events as ev

    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=False)
    reporter = PresenterReporter(out, "fr", docker_root_legend(ROOT), notes=True,
                                 console=console)
    step = Step.model_validate({"id": "touch", "title": {"fr": "Créer MYFILE", "en": "x"},
                                "explain": {"fr": "On **crée** un fichier.", "en": "x"},
                                "notes": {"fr": "Montrer le dossier diff.", "en": "x"},
                                "run": "true"})
    reporter.on_event(ev.StepStarted(step, 7, 10))
    reporter.on_event(ev.CommandStarted(step, f"ls -d {ROOT}/overlay2/*/diff/MYFILE"))
    changes = getattr(ev, "StepChanges", None)
    if changes is not None:
        reporter.on_event(changes(step, files={"www": (("added", "/MYFILE",
                                                        f"{ROOT}/overlay2/abc/diff/MYFILE"),)}))
    reporter.on_event(ev.StepFinished(step, True))
    text = out.getvalue()
    assert "Étape 7 sur 10" in text and "Créer MYFILE" in text and "Montrer le dossier" in text
    assert f"LR={ROOT}" in text and "$ ls -d $LR/overlay2/*/diff/MYFILE" in text
    assert text.index("✔") < (text.index("la couche de www a gagné /MYFILE") if changes else 1e9)
    if changes is not None:
        assert "(sur l'hôte : $LR/overlay2/abc/diff/MYFILE)" in text


def test_notes_are_shown_only_with_the_option():
    from runner.lab.model import Step
    from runner.report.presenter import PresenterReporter
    from runner.run import events as ev

    out = io.StringIO()
    reporter = PresenterReporter(out, "en", docker_root_legend(ROOT),
                                 console=Console(file=out, width=80))
    step = Step.model_validate({"id": "a", "title": {"fr": "a", "en": "a"},
                                "explain": {"fr": "a", "en": "a"},
                                "notes": {"fr": "secret", "en": "secret"}, "run": "true"})
    reporter.on_event(ev.StepStarted(step, 1, 1))
    assert "secret" not in out.getvalue()


def test_the_presenter_handles_or_ignores_every_event():
    from runner.report.presenter import PresenterReporter
    from runner.run import events as ev

    covered = set(PresenterReporter.handles) | set(PresenterReporter.ignores)
    assert set(ev.ALL_EVENTS) <= covered


def test_the_title_screen_waits_for_enter_and_offers_only_it():
    pacer, screen, _ = _pacer(FakeKeys("x", ENTER))
    pacer.title_pause()
    assert screen.bars[0] == [("Enter", t("present.key_start", "en"))]
    assert not pacer.quit_chosen


def test_a_step_replayed_is_named_on_the_next_screen():
    from runner.lab.model import Step
    from runner.report.presenter import PresenterReporter
    from runner.run import events as ev

    if not hasattr(ev, "StepReplayed"):
        return
    out = io.StringIO()
    reporter = PresenterReporter(out, "en", docker_root_legend(ROOT),
                                 console=Console(file=out, width=100))
    step = Step.model_validate({"id": "a", "title": {"fr": "a", "en": "Pull"},
                                "explain": {"fr": "a", "en": "a"}, "run": "true"})
    reporter.on_event(ev.StepReplayed(step, 2, 9))
    reporter.on_event(ev.StepReplayed(step, 3, 9))
    reporter.on_event(ev.StepStarted(step, 4, 9))
    text = out.getvalue()
    assert "↻ 2/9 Pull (replayed)" in text
    assert t("present.replayed_steps", "en", steps="2, 3") in text


def test_present_without_a_terminal_nor_pace_is_bad_input(capsys, monkeypatch):
    import sys

    from runner.cli import main

    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert main(["present", "inspect-overlay2", "--lang", "fr"]) == 2
    assert capsys.readouterr().err.strip() == t("present.needs_terminal", "fr")


def test_a_speed_or_pace_that_is_not_above_zero_is_refused_in_the_chosen_language(capsys):
    import pytest

    from runner.cli import main

    for option in ("--speed", "--pace"):
        with pytest.raises(SystemExit) as ended:
            main(["--lang", "fr", "present", "inspect-overlay2", option, "-1"])
        assert ended.value.code == 2
        assert t("present.not_positive", "fr", option=option, value="-1") in \
            capsys.readouterr().err


def test_speed_and_keys_do_not_go_together(capsys):
    import pytest

    from runner.cli import main

    with pytest.raises(SystemExit):
        main(["present", "inspect-overlay2", "--speed", "30", "--keys"])
    assert "--keys" in capsys.readouterr().err


def test_a_container_created_and_started_by_one_run_is_said_once():
    from runner.report.presenter_parts import changes_lines
    from runner.run import events as ev

    if not hasattr(ev, "StepChanges"):
        return
    event = ev.StepChanges(None, images_added=(("nginx:latest", 6),),
                           containers_created=("improvised",),
                           containers_started=("improvised", "www"))
    assert changes_lines(event, "en", str) == [
        "+ images: nginx:latest (layers: 6)", "+ containers: improvised", "▶ started: www"]
