"""Destructive steps: which commands are, validation refuses them unmarked, unattended runs
refuse them outside the sandbox before anything starts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import yaml

from runner.errors import LabError, UsageError
from runner.lab.loader import load_lab
from runner.lab.model import Lab
from runner.run.destructive import deleted_kinds, unattended_refusal

TITLE = {"fr": "titre", "en": "title"}


@pytest.mark.parametrize(("command", "kinds"), [
    ("docker container rm $(docker container ls -aq)", {"containers"}),
    ("docker rm -f $(docker ps -aq)", {"containers"}),
    ("docker container stop $(docker container ls -q)", {"containers"}),
    ("docker image rm $(docker image ls -q)", {"images"}),
    ("docker rmi -f $( docker images -q )", {"images"}),
    ("docker system prune -a -f", {"containers", "images", "volumes"}),
    ("docker image prune -a", {"images"}),
    ("docker container prune -f", {"containers"}),
    ("docker volume prune", {"volumes"}),
    ("docker image prune", {"images"}),  # every dangling image, the student's too
    ("docker image prune -f", {"images"}),
    ("docker container ls -aq | xargs docker container rm -f", {"containers"}),
    ("docker images -q | xargs -r docker rmi", {"images"}),
    ("for c in $(docker ps -aq); do docker rm -f $c; done", {"containers"}),
    ("docker volume rm $(docker volume ls -q)", {"volumes"}),
])
def test_commands_that_delete_what_the_lab_did_not_create(command, kinds):
    assert deleted_kinds([command]) == kinds


@pytest.mark.parametrize("command", [
    "docker rm -f www", "docker rmi nginx:monblog_prod", "docker image prune -f --filter "
    "label=app=monblog", "docker container ls -aq", "docker image ls -q", "docker system df",
    "docker rm -f $(docker ps -aq --filter name=www)", "docker rmi mon_nginx",
    "docker image ls --format '{{.Repository}}' && docker rmi alpine-note",
])
def test_commands_on_named_objects_are_not_destructive(command):
    assert deleted_kinds([command]) == frozenset()


def lab_file(tmp_path, **step_fields):
    step = {"id": "wipe", "title": TITLE, "explain": TITLE,
            "run": "docker rm -f $(docker ps -aq)", **step_fields}
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump({"id": "w", "title": TITLE, "steps": [step]}),
                    encoding="utf-8")
    return path


def test_validation_refuses_an_unmarked_destructive_step_at_its_line(tmp_path):
    """One error, read in either language: the kinds it names are translated when shown."""
    path = lab_file(tmp_path)
    run_line = path.read_text().splitlines().index("  run: docker rm -f $(docker ps -aq)") + 1
    with pytest.raises(LabError) as raised:
        load_lab(path)
    for language, words in (("en", "(containers)"), ("fr", "(conteneurs)")):
        text = raised.value.message(language)
        assert text.startswith(f"{path}:{run_line}:8: ") and words in text
    assert load_lab(lab_file(tmp_path, destructive=True)).steps[0].destructive


def test_a_step_needs_run_or_solution_and_pre_skip_needs_a_reason(tmp_path):
    with pytest.raises(LabError) as raised:
        load_lab(lab_file(tmp_path, destructive=True, solution="docker ps"))
    assert "either 'run:'" in raised.value.message("en")
    with pytest.raises(LabError) as raised:
        load_lab(lab_file(tmp_path, destructive=True,
                          checks=[{"type": "engine_empty", "objects": ["containers"],
                                   "pre": "skip"}]))
    assert "pre_reason" in raised.value.message("en")


def test_a_task_cannot_have_an_output_check(tmp_path):
    path = tmp_path / "lab.yaml"
    step = {"id": "t", "title": TITLE, "explain": TITLE, "solution": "docker pull alpine",
            "checks": [{"type": "output", "exit_code": 0}]}
    path.write_text(yaml.safe_dump({"id": "w", "title": TITLE, "steps": [step]}),
                    encoding="utf-8")
    with pytest.raises(LabError) as raised:
        load_lab(path)
    assert "'output' check cannot prove a task" in raised.value.message("en")



def test_a_task_step_with_step_hints_is_refused_at_their_line(tmp_path):
    """A step's own `hints` serve --practice on a run step; on a task they would go unused."""
    path = tmp_path / "lab.yaml"
    path.write_text(
        "format: 2\nid: w\ntitle: {fr: t, en: t}\nsteps:\n  - id: one\n"
        "    title: {fr: t, en: t}\n    explain: {fr: t, en: t}\n"
        "    hints:\n      - {fr: a, en: a}\n    task:\n      solution: docker image ls\n"
        "    checks:\n      - {type: engine_call, action: image ls}\n", encoding="utf-8")
    with pytest.raises(LabError) as raised:
        load_lab(path)
    assert ":8:5: step one is a task: put its hints under `task:`" in raised.value.message("en")

WIPE = Lab.model_validate({"format": 2, "id": "w", "title": TITLE, "steps": [{
    "id": "wipe", "title": TITLE, "explain": TITLE, "destructive": True,
    "run": "docker rm -f $(docker ps -aq)"}]})
USERS_ENGINE = SimpleNamespace(sandbox=False, endpoint="unix:///var/run/docker.sock")


def test_unattended_runs_refuse_destructive_labs_outside_the_sandbox():
    refusal = unattended_refusal(WIPE, USERS_ENGINE, unattended=True, confirmed=False)
    assert isinstance(refusal, UsageError) and refusal.exit_code == 2
    assert "wipe" in refusal.message("en") and "--yes-destructive" in refusal.message("en")


@pytest.mark.parametrize(("profile", "unattended", "confirmed"), [
    (USERS_ENGINE, True, True),  # --yes-destructive
    (USERS_ENGINE, False, False),  # a person is there: asked at the step
    (SimpleNamespace(sandbox=True, endpoint="unix:///tmp/s.sock"), True, False),
])
def test_destructive_labs_start_when_someone_confirmed_or_on_the_sandbox(profile, unattended,
                                                                          confirmed):
    assert unattended_refusal(WIPE, profile, unattended, confirmed) is None
