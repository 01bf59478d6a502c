"""The what-changed panel and the verdict lines as a person reads them, in both languages and
at 80 columns (rich) or in a log (plain)."""

from __future__ import annotations

import io

from rich.console import Console

from runner.checks.base import CheckOutcome, Problem
from runner.lab.model import Lab
from runner.messages import msg
from runner.report.console import RichReporter
from runner.report.plain import PlainReporter
from runner.report.typography import glue
from runner.run import events as ev
from runner.run.status import CheckStatus

LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": "touch", "title": {"fr": "Toucher", "en": "Touch"},
               "explain": {"fr": "x", "en": "x"}, "run": "docker exec www touch MYFILE"}],
})
STEP = LAB.steps[0]
HOST = "/var/lib/docker/overlay2/" + "e" * 64 + "/diff/MYFILE"
CHANGES = ev.StepChanges(STEP, images_added=(("nginx:latest", 7),),
                         images_removed=(("alpine:latest", 1),), containers_created=("www",),
                         containers_started=("www",), containers_stopped=("db",),
                         files={"www": (("added", "/MYFILE", HOST),
                                        ("deleted", "/etc/motd", ""))},
                         files_left_out={"www": 3})
ABSENT = CheckOutcome(CheckStatus.FAIL, msg("check.image_present", name="nginx"),
                      (Problem(msg("check.image_state"), "present", "absent"),))
TYPED = CheckOutcome(CheckStatus.FAIL, msg("check.described", text="a command listing the "
                                           "images was typed", text_fr="une commande qui liste "
                                           "les images a été tapée"),
                     (Problem(msg("check.typed_none"), r"docker\s+(images|image\s+ls)\b",
                              "docker ps"),))
LONG = ("docker container inspect --format '{{.GraphDriver.Data.UpperDir}}' www && ls -d "
        "/root/.local/state/labrunner/sandbox/data/overlay2/*/diff/MYFILE")


def plain(language: str, *events: ev.Event, width: int | None = None) -> str:
    stream = io.StringIO()
    reporter = PlainReporter(stream, language, width)
    for event in events:
        reporter.on_event(event)
    return stream.getvalue()


def rich(language: str, *events: ev.Event) -> str:
    stream = io.StringIO()
    reporter = RichReporter(stream, language, Console(file=stream, width=80, color_system=None))
    for event in events:
        reporter.on_event(event)
    return stream.getvalue()


def test_the_panel_in_plain_english_says_what_the_issue_asks():
    text = plain("en", CHANGES)
    assert "What changed:" in text
    assert f"www's writable layer gained /MYFILE (host: {HOST})" in text
    assert "image nginx:latest added (7 layers)" in text
    assert "image alpine:latest removed (1 layer)" in text  # the singular
    assert "container www created and started" in text and "container db stopped" in text
    assert "www's writable layer deleted /etc/motd" in text
    assert "and 3 more changes in www's writable layer" in text


def test_the_panel_in_french():
    text = plain("fr", CHANGES)
    assert "Ce qui a changé :" in text
    assert "la couche en lecture-écriture du conteneur www a gagné /MYFILE" in text
    assert f"(sur l'hôte : {HOST})" in text
    assert "image nginx:latest ajoutée (7 couches)" in text
    assert "conteneur www créé et démarré" in text and "conteneur db arrêté" in text


def test_the_panel_in_rich_keeps_the_host_path_whole_in_its_box():
    text = rich("en", CHANGES)
    assert "What changed" in text and "╭" in text
    joined = "".join(line.strip("│ ") for line in text.splitlines())
    assert HOST in joined


def test_french_verdict_spacing_values_and_alignment():
    text = plain("fr", ev.CheckEvaluated(STEP, None, ABSENT))
    assert "état de l'image :" in text or " :\n" in text  # the colon spaced, French style
    assert "  attendu : présent\n" in text
    assert "  obtenu :  absent\n" in text  # the values line up
    assert "present" not in text


def test_english_verdicts_stay_as_they_were():
    text = plain("en", ev.CheckEvaluated(STEP, None, ABSENT))
    assert "expected: present" in text and "actual:   absent" in text


def test_a_typed_check_expects_its_description_not_its_regex():
    for language, description in (("en", "a command listing the images was typed"),
                                  ("fr", "une commande qui liste les images a été tapée")):
        text = plain(language, ev.CheckEvaluated(STEP, None, TYPED))
        assert r"docker\s+" not in text
        assert description in text.split("docker ps")[0].split("\n", 1)[1]


def test_at_80_columns_no_line_starts_with_a_lone_colon_and_commands_hang_under_themselves():
    finished = ev.CommandStarted(STEP, LONG)
    for language in ("fr", "en"):
        text = rich(language, finished, ev.CheckEvaluated(STEP, None, ABSENT),
                    ev.CheckEvaluated(STEP, None, TYPED))
        lines = text.splitlines()
        assert all(len(line) <= 80 for line in lines)
        assert not any(line.lstrip().startswith((":", ";")) for line in lines), text
        command = [line for line in lines[:4] if line.strip()]
        assert command[0].startswith("$ docker") and len(command) > 1
        assert all(line.startswith("  ") for line in command[1:]), text


def test_rich_values_line_up_in_french():
    text = rich("fr", ev.CheckEvaluated(STEP, None, ABSENT))
    expected = next(line for line in text.splitlines() if "attendu" in line)
    actual = next(line for line in text.splitlines() if "obtenu" in line)
    assert expected.index("présent") == actual.index("absent")


def test_plain_on_a_terminal_wraps_a_command_under_itself_and_never_in_a_file():
    wrapped = plain("en", ev.CommandStarted(STEP, LONG), width=80).splitlines()
    assert wrapped[0].startswith("$ ") and len(wrapped) > 1
    assert all(line.startswith("  ") and len(line) <= 80 for line in wrapped[1:])
    assert plain("en", ev.CommandStarted(STEP, LONG)) == f"$ {LONG}\n"


def test_glue_is_french_only_and_keeps_a_number_with_its_unit():
    assert glue("attendu : présent ; en 2,5 s.", "fr") == \
        "attendu\u00a0: présent\u00a0; en 2,5\u00a0s."
    assert glue("expected : x", "en") == "expected : x"


def test_the_commands_a_prompt_lists_wrap_under_themselves():
    prompt = ev.PromptShown(f"Next:\n  $ {LONG}\nEnter: run > ")
    lines = rich("en", prompt).splitlines()
    assert lines[1].startswith("  $ docker") and lines[2].startswith("    ")
    assert lines[-1] == "Enter: run > "
