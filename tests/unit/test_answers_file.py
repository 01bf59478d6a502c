"""The answers file of `grade-answers`: what it may hold, and every mistake placed at its
line and column, all at once, in the user's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.answers.file import read_answers
from runner.errors import LabError, LabErrors
from runner.lab.loader import load_lab, resolve_lab

LAB = load_lab(resolve_lab("manage-images-exercise"))
TASKS = ["pull-cache", "pull-web", "list", "disk-space", "remove", "verify"]


def answers_in(tmp_path: Path, text: str):
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return read_answers(path, LAB)


def errors_in(tmp_path: Path, text: str, language: str = "en") -> list[str]:
    with pytest.raises(LabError) as caught:
        answers_in(tmp_path, text)
    error = caught.value
    errors = error.errors if isinstance(error, LabErrors) else [error]
    return [item.message(language) for item in errors]


def test_the_lab_tasks_are_those_of_the_bundled_exercise():
    assert [step.id for step in LAB.steps if step.is_task] == TASKS


def test_a_command_a_list_of_commands_or_nothing_for_each_task(tmp_path):
    answers = answers_in(tmp_path, (
        "lab: manage-images-exercise\nstudent: ' alice '\nanswers:\n"
        "  pull-cache: docker pull memcached\n"
        "  pull-web:\n    - cd /tmp\n    - docker pull httpd:2-alpine\n"
        "  list:\n  disk-space: []\n  remove: ''\n"
        "  verify: |\n    cat > f <<'EOF'\n    x\n    EOF\n"))
    assert answers.lab_id == "manage-images-exercise" and answers.student == "alice"
    assert answers.for_task("pull-cache") == ("docker pull memcached",)
    assert answers.for_task("pull-web") == ("cd /tmp", "docker pull httpd:2-alpine")
    # a block of several lines is one command (a heredoc stays whole)
    assert answers.for_task("verify") == ("cat > f <<'EOF'\nx\nEOF\n",)
    for unanswered in ("list", "disk-space", "remove"):
        assert answers.for_task(unanswered) == ()


def test_a_file_without_answers_for_any_task_is_valid_and_answers_nothing(tmp_path):
    answers = answers_in(tmp_path, "lab: manage-images-exercise\nanswers:\n")
    assert all(answers.for_task(task) == () for task in TASKS) and answers.student == ""


def test_a_typo_in_a_task_id_is_an_error_at_the_key_naming_the_real_tasks(tmp_path):
    [message] = errors_in(tmp_path, "lab: manage-images-exercise\nanswers:\n"
                                    "  pull-cache: docker pull memcached\n"
                                    "  pul-web: docker pull httpd:2-alpine\n")
    assert message.startswith(f"{tmp_path / 'answers.yaml'}:4:3: ")
    assert "'pul-web' is not a task of this lab" in message and "pull-web" in message


def test_every_mistake_is_reported_at_once_in_file_order(tmp_path):
    messages = errors_in(tmp_path, "extra: 1\nlab: manage-images-exercise\nstudent: [a]\n"
                                   "answers:\n  list: [docker image ls, 3]\n  nope: x\n")
    places = [message.split(": ", 1)[0].rsplit(":", 2)[1:] for message in messages]
    assert places == [["1", "1"], ["3", "1"], ["5", "27"], ["6", "3"]]
    assert "unknown key 'extra'" in messages[0] and "list:" in messages[2]


def test_answers_for_another_lab_or_with_no_lab_are_refused(tmp_path):
    [other] = errors_in(tmp_path, "lab: image-layers\nanswers:\n")
    assert other.endswith(":1:6: these answers are for the lab 'image-layers', not "
                          "'manage-images-exercise'")
    [missing] = errors_in(tmp_path, "answers:\n  list: docker images\n")
    assert ":1:1: lab: is missing" in missing


@pytest.mark.parametrize(("text", "expected"), [
    ("", "the answers file is empty"),
    ("# nothing\n", "the answers file is empty"),
    ("- a\n", "an answers file is a mapping"),
    ("lab: manage-images-exercise\n", "answers: is missing"),
    ("lab: manage-images-exercise\nanswers: docker images\n", "answers: must map each task"),
    ("lab: manage-images-exercise\nanswers:\n  list: {a: 1}\n", "list: a command is a line"),
    ("lab: manage-images-exercise\nlab: x\nanswers:\n", "appears twice"),
    ("lab: [manage-images-exercise\n", "not valid YAML"),
    ("lab: &a [*a]\nanswers:\n", "contains itself"),
])
def test_a_bad_file_is_a_placed_error_never_a_traceback(tmp_path, text, expected):
    messages = errors_in(tmp_path, text)
    assert any(expected in message for message in messages), messages
    assert all(message.startswith(str(tmp_path / "answers.yaml") + ":") for message in messages)


def test_a_huge_file_is_refused_from_its_size_before_it_is_read(tmp_path):
    text = "lab: manage-images-exercise\n" + "#" * (1024 * 1024)
    [message] = errors_in(tmp_path, text)
    assert "KiB" in message and ":1:1:" in message
    assert "an answers file may be at most 1024 KiB" in message and "lab file" not in message
    [french] = errors_in(tmp_path, text, "fr")
    assert "un fichier de réponses ne peut pas dépasser 1024 Kio" in french


@pytest.mark.parametrize("text", [
    'lab: manage-images-exercise\nanswers:\n  "pul\\e[2Jl\\e]8;;http://x\\a": x\n',
    'lab: manage-images-exercise\n"ex\\e[2Jtra": 1\nanswers:\n',
    'lab: "other\\e[31m\\x9b2J"\nanswers:\n',
])
def test_escape_sequences_in_the_file_are_not_echoed_to_the_terminal(tmp_path, text):
    messages = errors_in(tmp_path, text)
    assert messages and not any(c in m for m in messages for c in "\x1b\x07\x9b")
    assert any("[2J" in message or "[31m" in message for message in messages)  # the rest


def test_errors_are_in_french_too(tmp_path):
    [message] = errors_in(tmp_path, "lab: manage-images-exercise\nanswers:\n  pul-web: x\n",
                          "fr")
    assert message.endswith("« pul-web » n'est pas une tâche de ce lab (ses tâches : "
                            + ", ".join(TASKS) + ")")
