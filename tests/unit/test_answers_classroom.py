"""examples/classroom, the ready classroom repository: its CI files parse and call exactly the
command line its README documents; its answer templates name every task of their lab."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from runner.answers.file import read_answers
from runner.cli import build_parser
from runner.lab.loader import load_lab, resolve_lab

CLASSROOM = Path(__file__).resolve().parents[2] / "examples" / "classroom"
GITHUB = CLASSROOM / ".github" / "workflows" / "grade.yml"
GITLAB = CLASSROOM / ".gitlab-ci.yml"
LABS = sorted(path.stem for path in (CLASSROOM / "answers").glob("*.yaml"))


def documented_command() -> str:
    """The one `labrunner grade-answers` line of the README's shell block."""
    readme = (CLASSROOM / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    [line] = [line for block in blocks for line in block.splitlines()
              if line.startswith("labrunner grade-answers ")]
    return line


def github_runs() -> list[str]:
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return [step["run"] for step in workflow["jobs"]["grade"]["steps"] if "run" in step]


def gitlab_job() -> dict:
    return yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["grade"]


def test_the_templates_are_those_of_the_two_exercises():
    assert LABS == ["build-image-exercise", "manage-images-exercise"]


def test_the_documented_command_is_a_valid_grade_answers_command_line():
    words = shlex.split(documented_command().replace("$LAB", "manage-images-exercise")
                        .replace("$STUDENT", "alice"))
    args = build_parser("en").parse_args(words[1:])
    assert (args.command, args.lab, str(args.answers)) == (
        "grade-answers", "manage-images-exercise", "answers/manage-images-exercise.yaml")
    assert (str(args.report), str(args.junit), args.student) == (
        "results/manage-images-exercise.json", "results/manage-images-exercise.xml", "alice")


def test_github_runs_exactly_the_documented_command_for_each_exercise():
    command = documented_command()
    runs = github_runs()
    assert sum(command in line for run in runs for line in run.splitlines()) == 1
    workflow = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    job = workflow["jobs"]["grade"]
    assert sorted(job["strategy"]["matrix"]["lab"]) == LABS
    assert job["env"]["LAB"] == "${{ matrix.lab }}"
    uses = {step["uses"].split("@")[0]: step for step in job["steps"] if "uses" in step}
    assert {"actions/checkout", "actions/upload-artifact", "mikepenz/action-junit-report"} \
        <= set(uses)
    assert uses["actions/upload-artifact"]["with"]["path"] == "results/"
    assert uses["mikepenz/action-junit-report"]["with"]["report_paths"] == "results/*.xml"
    assert uses["actions/upload-artifact"]["if"] == "always()"


def test_gitlab_runs_exactly_the_documented_command_and_reports_junit():
    job = gitlab_job()
    assert job["script"].count(documented_command()) == 1
    assert sorted(job["parallel"]["matrix"][0]["LAB"]) == LABS
    assert job["artifacts"]["reports"]["junit"] == "results/*.xml"
    assert job["artifacts"]["when"] == "always" and "results/" in job["artifacts"]["paths"]


@pytest.mark.parametrize("lines", [
    pytest.param(lambda: [line for run in github_runs() for line in run.splitlines()],
                 id="github"),
    pytest.param(lambda: gitlab_job()["before_script"] + gitlab_job()["script"], id="gitlab"),
])
def test_both_install_the_sandbox_packages_and_labrunner_from_its_pinned_source(lines):
    text = "\n".join(lines())
    for package in ("docker-registry", "busybox-static", "python3-venv"):
        assert package in text
    assert 'pip" install -q "$LABRUNNER_SOURCE"' in text or \
        'pip install -q "$LABRUNNER_SOURCE"' in text
    assert text.index("LABRUNNER_SOURCE") < text.index("labrunner grade-answers")
    assert "mkdir -p results" in text  # the report's folder must exist beforehand


@pytest.mark.parametrize("lab_id", LABS)
def test_each_template_lists_every_task_of_its_lab_in_order_and_answers_none(lab_id):
    lab = load_lab(resolve_lab(lab_id))
    path = CLASSROOM / "answers" / f"{lab_id}.yaml"
    answers = read_answers(path, lab)
    assert answers.lab_id == lab_id and answers.commands == {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert list(data["answers"]) == [step.id for step in lab.steps if step.is_task]
