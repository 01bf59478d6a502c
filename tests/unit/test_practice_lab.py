"""practice_lab: every bundled lab, turned into practice, is still a lab labrunner accepts;
the student types exactly the commands the demonstration ran; the hints lead to them."""

from __future__ import annotations

import json

import pytest

from runner.errors import LabErrors
from runner.lab.loader import bundled_labs, load_lab
from runner.lab.model import Lab, Step
from runner.lab.practice import (
    blanked_command,
    family,
    generated_hints,
    practice_lab,
    practice_step,
    preparation,
)

LABS = {path.stem: load_lab(path) for path in bundled_labs()}


def step(**keys) -> Step:
    return Step.model_validate({"id": "s", "title": {"fr": "t", "en": "t"},
                                "explain": {"fr": "x", "en": "x"}, **keys})


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_every_converted_lab_validates_except_for_the_output_checks_practice_captures(
        lab_id, tmp_path):
    practice = practice_lab(LABS[lab_id])
    data = practice.model_dump(by_alias=True, exclude_unset=True)
    Lab.model_validate(data)  # the schema
    path = tmp_path / f"{lab_id}.yaml"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML
    try:
        load_lab(path)  # the rules too
    except LabErrors as errors:
        assert {error.key for error in errors.errors} == {"rules.output_in_task"}


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_solutions_are_the_original_commands_and_nothing_else_changes(lab_id):
    lab = LABS[lab_id]
    before = lab.model_dump()
    practice = practice_lab(lab)
    assert lab.model_dump() == before, "the lab itself is untouched (labrunner test runs it)"
    assert [s.id for s in practice.steps] == [s.id for s in lab.steps]
    for original, converted in zip(lab.steps, practice.steps, strict=True):
        assert converted.commands == original.commands
        # The original checks, in order, then only the engine evidence practice adds.
        assert converted.checks[:len(original.checks)] == original.checks
        assert {c.type for c in converted.checks[len(original.checks):]} <= {"engine_call"}
        for key, variant in original.variants.items():
            if converted.is_task and variant.run is not None:  # a demonstration keeps its own
                assert converted.variants[key].task.solution == variant.run


def test_manage_images_every_docker_step_is_a_task_the_folder_step_a_demonstration():
    practice = practice_lab(LABS["manage-images"])
    kinds = {s.id: s.is_task for s in practice.steps}
    assert kinds.pop("dockerfile") is False  # mkdir, cp, cat: the lab's files, shown
    assert all(kinds.values())


def test_a_destructive_step_stays_a_demonstration():
    clean = next(s for s in practice_lab(LABS["inspect-overlay2"]).steps if s.id == "clean")
    assert clean.destructive and not clean.is_task


def test_the_commands_before_the_first_docker_command_are_preparation():
    build = next(s for s in practice_lab(LABS["image-commit"]).steps if s.id == "build")
    assert preparation(build) == 3  # mkdir, the here-document, cat
    assert build.commands[3].startswith("docker build")
    history = next(s for s in practice_lab(LABS["manage-images"]).steps if s.id == "history")
    assert preparation(history) == 0
    assert preparation(LABS["manage-images"].steps[0]) == 0  # not a practice step


def test_generated_hints_name_the_family_then_blank_the_arguments():
    history = next(s for s in LABS["manage-images"].steps if s.id == "history")
    nudge, blanks = practice_step(history.model_copy(update={"hints": []})).task.hints
    assert nudge.en == "You need a `docker history …` command here."
    assert nudge.fr == "Il vous faut ici une commande `docker history …`."
    assert blanks.en.endswith("    docker history ____")
    assert "{image}" not in blanks.en and "nginx" not in blanks.en


def test_two_commands_are_named_in_order_and_preparation_is_not_hinted():
    nudge, blanks = generated_hints(["mkdir x", "docker tag a b", "docker image ls a"])
    assert nudge.en == "You need a `docker tag …` command, then a `docker image …` command here."
    assert blanks.fr.splitlines()[-2:] == ["    docker tag ____ ____", "    docker image ls ____"]


@pytest.mark.parametrize(("command", "named", "blanked"), [
    ("docker image history nginx", "docker image", "docker image history ____"),
    ("docker run -dit --name web img", "docker run", "docker run -dit --name ____ ____"),
    ("docker system df", "docker system", "docker system df"),
    ("docker image prune --filter=label=x", "docker image", "docker image prune --filter=____"),
    ("docker image inspect --format '{{.Id}}' $(docker ps -q)", "docker image",
     "docker image inspect --format ____ ____"),
    ("docker inspect x | python3 -m json.tool", "docker inspect",
     "docker inspect ____ | python3 -m ____"),
])
def test_families_and_blanks(command, named, blanked):
    assert family(command) == named
    assert blanked_command(command) == blanked


def test_authored_hints_win_over_generated_ones():
    authored = [{"fr": "Regardez l'historique", "en": "Look at the history"}]
    converted = practice_step(step(run="docker history nginx", hints=authored))
    assert [hint.en for hint in converted.task.hints] == ["Look at the history"]


def test_a_step_without_an_engine_command_and_a_task_stay_as_they_are():
    shown = step(run=["mkdir -p d", "cp a d/"])
    task = step(task={"solution": "docker ps"})
    assert practice_step(shown) is shown and practice_step(task) is task


def test_a_variant_stays_a_practice_step_with_its_own_solution():
    converted = practice_step(step(run="docker pull x", variants={"podman": {
        "run": ["pid=1", "podman --url u pull x"]}}))
    variant, key = converted.variant_for(frozenset({"podman"}))
    assert key == "podman" and variant.task.solution == ["pid=1", "podman --url u pull x"]
    assert preparation(variant) == 1


@pytest.mark.parametrize(("command", "action"), [
    ("docker history nginx", "image history"), ("docker image ls", "image ls"),
    ("docker images", "image ls"), ("docker run -d --name www nginx", "container run"),
    ("docker system df -v", "system df"), ("podman ps -a", "container ls"),
    ("docker container list", "container ls"), ("docker image rm a b", "image rm"),
    ("docker inspect x", None), ("ls -la", None), ("docker", None)])
def test_each_engine_command_names_the_action_its_evidence_check_asks_for(command, action):
    from runner.lab.practice import engine_action

    assert engine_action(command) == action


def test_a_converted_step_asks_for_engine_evidence_of_what_the_student_types_only():
    from runner.lab.practice import practice_step

    converted = practice_step(step(run=["mkdir -p x", "docker pull alpine", "docker images"],
                                   checks=[{"type": "image", "name": "alpine"}]))
    evidence = [c.action for c in converted.checks if c.type == "engine_call"]
    assert evidence == ["image pull", "image ls"]
    own = practice_step(step(run=["docker pull alpine"], checks=[
        {"type": "engine_call", "action": "image pull", "name": "alpine"}]))
    assert [c.type for c in own.checks] == ["engine_call"]  # its own evidence, alone
