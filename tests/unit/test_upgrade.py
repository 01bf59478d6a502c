"""Format 1 -> format 2: each rule on plain data, and `labrunner upgrade` on real files,
where comments stay next to their keys and the diff touches only the lines of the rules."""

from __future__ import annotations

import copy
import difflib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from runner.lab.upgrade import is_format_1, upgrade
from runner.lab.yaml_roundtrip import RoundTripYaml, guess_indentation

ROOT = Path(__file__).resolve().parents[2]
FORMAT1 = Path(__file__).parent / "data" / "format1"
EVERY_RULE = FORMAT1 / "every-rule.yaml"
BUNDLED = sorted(path for path in FORMAT1.glob("*.yaml") if path != EVERY_RULE)
CHECK = ("steps", 0, "checks", 0)


def lab_with(check: dict | None = None, **step: object) -> dict:
    """A small format-1 lab: one step with `step`'s keys and, if given, one check."""
    body = {"id": "s", "run": "true", **step}
    if check is not None:
        body["checks"] = [check]
    return {"id": "lab", "title": {"fr": "t", "en": "t"}, "steps": [body]}


def upgraded_check(check: dict) -> tuple[list[tuple[str, object]], list]:
    """The check after the upgrade as an ordered list of items, and the moves, made relative
    to the check."""
    lab = lab_with(check)
    moves = upgrade(lab)
    relative = [(old[len(CHECK):], new[len(CHECK):]) for old, new in moves]
    return list(lab["steps"][0]["checks"][0].items()), relative


# --- each rule on plain dicts ---------------------------------------------------------------

@pytest.mark.parametrize(("check", "expected", "moves"), [
    pytest.param(
        {"type": "image", "name": "a", "same_id_as": "b", "state": "present"},
        [("type", "image"), ("name", "a"), ("same_as", "b"), ("state", "present")],
        [(("same_id_as",), ("same_as",))], id="image same_id_as"),
    pytest.param(
        {"type": "path", "path": "/x", "state": "exists", "contains": "y"},
        [("type", "path"), ("path", "/x"), ("state", "present"), ("contains", "y")],
        [(("state",), ("state",))], id="path exists"),
    pytest.param(
        {"type": "path", "path": "/x", "state": "absent"},
        [("type", "path"), ("path", "/x"), ("state", "absent")], [], id="path absent"),
    pytest.param(
        {"type": "container_change", "container": "c", "path": "/f", "change": "added",
         "state": "present", "pre": "skip"},
        [("type", "container_layer"), ("name", "c"), ("path", "/f"), ("change", "added"),
         ("pre", "skip")],
        [(("type",), ("type",)), (("container",), ("name",))], id="container_change present"),
    pytest.param(
        {"type": "container_change", "container": "c", "path": "/f", "change": "deleted",
         "state": "absent"},
        [("type", "container_layer"), ("name", "c"), ("path", "/f"), ("change", "deleted"),
         ("not", True)],
        [(("type",), ("type",)), (("container",), ("name",)), (("state",), ("not",))],
        id="container_change absent"),
    pytest.param(
        {"type": "container_change", "container": "c", "path": "/f"},
        [("type", "container_layer"), ("name", "c"), ("path", "/f")],
        [(("type",), ("type",)), (("container",), ("name",))], id="container_change no state"),
    pytest.param(
        {"type": "container_storage", "container": "c", "description": {"fr": "d", "en": "d"}},
        [("type", "container_layer"), ("name", "c"), ("folders", True),
         ("description", {"fr": "d", "en": "d"})],
        [(("type",), ("type",)), (("container",), ("name",))], id="container_storage"),
    pytest.param(
        {"type": "image_layers", "image": "a", "same_as": "b", "pre": "skip"},
        [("type", "image"), ("name", "a"), ("layers", {"same_as": "b"}), ("pre", "skip")],
        [(("type",), ("type",)), (("image",), ("name",)),
         (("same_as",), ("layers", "same_as"))], id="image_layers same_as"),
    pytest.param(
        {"type": "image_layers", "image": "a", "extends": "b", "new_layers": 2},
        [("type", "image"), ("name", "a"), ("layers", {"extends": "b", "new": 2})],
        [(("type",), ("type",)), (("image",), ("name",)),
         (("extends",), ("layers", "extends")), (("new_layers",), ("layers", "new"))],
        id="image_layers extends new_layers"),
    pytest.param(
        {"type": "image_layers", "image": "a", "retry": {"attempts": 2}},
        [("type", "image"), ("name", "a"), ("retry", {"attempts": 2})],
        [(("type",), ("type",)), (("image",), ("name",))], id="image_layers bare"),
    pytest.param(
        {"type": "layer_db", "image": "a"},
        [("type", "layer_store"), ("name", "a")],
        [(("type",), ("type",)), (("image",), ("name",))], id="layer_db"),
    pytest.param(
        {"type": "output", "exit_code": 0, "retry": {"attempts": 2}},
        [("type", "output"), ("exit_code", 0), ("retry", {"attempts": 2})], [],
        id="output unchanged, a check's retry stays"),
    pytest.param(
        {"type": "imagee", "image": "a", "same_id_as": "b"},
        [("type", "imagee"), ("image", "a"), ("same_id_as", "b")], [],
        id="unknown type left for the validator"),
])
def test_each_check_rule(check, expected, moves):
    assert upgraded_check(check) == (expected, moves)


def test_step_solution_becomes_a_task_and_retry_rerun_in_place():
    lab = lab_with(solution="docker ps", timeout=5, retry={"attempts": 3}, destructive=False)
    del lab["steps"][0]["run"]
    moves = upgrade(lab)
    step = lab["steps"][0]
    assert list(step.items()) == [("id", "s"), ("task", {"solution": "docker ps"}),
                                  ("timeout", 5), ("rerun", {"attempts": 3}),
                                  ("destructive", False)]
    assert moves == [(("steps", 0, "solution"), ("steps", 0, "task", "solution")),
                     (("steps", 0, "retry"), ("steps", 0, "rerun"))]


def test_a_solution_list_moves_whole():
    lab = lab_with(solution=["a", "b"])
    upgrade(lab)
    assert lab["steps"][0]["task"] == {"solution": ["a", "b"]}


def test_format_2_becomes_the_first_key():
    lab = lab_with()
    assert is_format_1(lab)
    upgrade(lab)
    assert list(lab)[:2] == ["format", "id"] and lab["format"] == 2
    assert not is_format_1(lab)


def test_a_format_2_lab_is_left_alone():
    lab = {"format": 2, **lab_with({"type": "layer_db", "image": "a"}, retry={"attempts": 2})}
    before = copy.deepcopy(lab)
    assert upgrade(lab) == []
    assert lab == before


def test_upgrading_twice_is_upgrading_once():
    data = yaml.safe_load(EVERY_RULE.read_text(encoding="utf-8"))
    upgrade(data)
    once = copy.deepcopy(data)
    assert upgrade(data) == []
    assert data == once


def test_malformed_parts_are_left_to_the_validator():
    lab = {"id": "x", "steps": [None, "text", {"id": "s", "checks": "none"},
                                {"id": "t", "checks": [7, {"type": ["list"]}]}]}
    assert upgrade(lab) == []
    assert lab["format"] == 2 and lab["steps"][3]["checks"] == [7, {"type": ["list"]}]


def test_a_key_already_taken_is_not_overwritten():
    lab = lab_with({"type": "layer_db", "image": "a", "name": "b"}, retry={}, rerun={})
    upgrade(lab)
    check, step = lab["steps"][0]["checks"][0], lab["steps"][0]
    assert check == {"type": "layer_store", "image": "a", "name": "b"}
    assert step["retry"] == {} and step["rerun"] == {}


# --- the round trip, in process --------------------------------------------------------------

def upgrade_text(text: str) -> str:
    document = RoundTripYaml(text, "lab.yaml")
    data = document.load()
    return document.dump(data, upgrade(data))


def test_comments_inside_a_nested_block_move_with_it():
    before = """\
id: b
steps:
  - id: a
    checks:
      - type: container_change
        container: c
        state: present

  - id: b
    solution:  # on the key
      # first command
      - one
      - two  # two
    # before retry
    retry: {attempts: 3}
    checks:
      - type: image_layers
        image: x
        extends: y  # e
        # between
        new_layers: 1
        # after new
        pre: skip
"""
    assert upgrade_text(before) == """\
format: 2
id: b
steps:
  - id: a
    checks:
      - type: container_layer
        name: c

  - id: b
    task:
      solution:  # on the key
        # first command
        - one
        - two  # two
    # before retry
    rerun: {attempts: 3}
    checks:
      - type: image
        name: x
        layers:
          extends: y  # e
          # between
          new: 1
        # after new
        pre: skip
"""


def test_the_files_own_indentation_is_kept():
    before = "id: x\nsteps:\n- id: s\n  retry:\n      attempts: 2\n  run:\n  - 'true'\n"
    assert guess_indentation(before) == (4, 2, 0)
    assert upgrade_text(before) == "format: 2\n" + before.replace("retry", "rerun")


def test_what_surrounds_the_document_markers_is_kept_as_written():
    before = "# schema\n---  # start\n# about id\nid: x  # the id\nsteps: []\n...\n# end\n"
    assert upgrade_text(before) == before.replace("# about id\n", "# about id\nformat: 2\n")


def test_indentation_is_guessed_past_block_scalars():
    text = "a: |\n  b:\n       c\nd:\n   e:\n      - f\n"
    assert guess_indentation(text) == (3, 5, 3)


# --- the command -----------------------------------------------------------------------------

def labrunner(*args: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LABRUNNER_LANG"}
    return subprocess.run([sys.executable, "-m", "runner", *args], capture_output=True,
                          text=True, cwd=ROOT, env=environ, stdin=subprocess.DEVNULL, timeout=60)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines the diff removes and adds."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return ([line[2:] for line in diff if line.startswith("- ")],
            [line[2:] for line in diff if line.startswith("+ ")])


@pytest.fixture
def every_rule(tmp_path: Path) -> Path:
    copied = tmp_path / "every-rule.yaml"
    shutil.copy(EVERY_RULE, copied)
    return copied


def test_the_command_keeps_comments_next_to_their_renamed_keys(every_rule):
    done = labrunner("upgrade", str(every_rule))
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"{every_rule}: upgraded to format 2"
                           " (23 keys renamed, moved or rewritten)\n")
    lines = every_rule.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# yaml-language-server: $schema=")
    assert lines[2] == "format: 2"
    for line in [
        "    # The registry may be slow to answer.",
        "    rerun: {attempts: 3, delay: 5}  # step retry: the pull runs again",
        '        same_as: "alpine"  # same id: a tag of the same image',
        '        name: "{image}"  # every layer in the layer database',
        '          same_as: "{image}"  # same list of layers',
        "      solution:  # what the student types",
        "        - docker run --name {container} {image} sh -c 'touch /new.txt && rm /etc/motd'"
        "  # two changes",
        '        name: "{container}"  # the container that wrote the file',
        "        # A full-line comment under a key the upgrade drops.",
        "        not: true  # absent: the layer must not record this",
        '        name: "{container}"  # its overlay2 folders exist',
        '          extends: "{image}"  # starts with every layer of the image',
        "          new: 1  # docker commit adds exactly one",
        '        name: "{image}"  # no same_as, no extends: the image is still here',
        "        state: present  # exists is present in format 2",
        "      solution: docker image ls  # a task with one command",
    ]:
        assert line in lines


def test_the_diff_touches_only_the_lines_of_the_rules(every_rule):
    before = every_rule.read_text(encoding="utf-8")
    assert labrunner("upgrade", str(every_rule)).returncode == 0
    removed, added = changed_lines(before, every_rule.read_text(encoding="utf-8"))
    assert sorted(removed) == sorted([
        "    retry: {attempts: 3, delay: 5}  # step retry: the pull runs again",
        '        same_id_as: "alpine"  # same id: a tag of the same image',
        "      - type: layer_db",
        '        image: "{image}"  # every layer in the layer database',
        "      - type: image_layers",
        "        image: alpine",
        '        same_as: "{image}"  # same list of layers',
        "    solution:  # what the student types",
        "      - docker run --name {container} {image} sh -c 'touch /new.txt && rm /etc/motd'"
        "  # two changes",
        "      - docker commit {container} {derived}",
        "      - type: container_change",
        '        container: "{container}"  # the container that wrote the file',
        "        state: present  # the default: format 2 drops it",
        "      - type: container_change",
        '        container: "{container}"',
        "        state: absent  # absent: the layer must not record this",
        "      - type: container_storage",
        '        container: "{container}"  # its overlay2 folders exist',
        "      - type: image_layers",
        '        image: "{derived}"',
        '        extends: "{image}"  # starts with every layer of the image',
        "        new_layers: 1  # docker commit adds exactly one",
        "      - type: image_layers",
        '        image: "{image}"  # no same_as, no extends: the image is still here',
        "        state: exists  # exists is present in format 2",
        "    solution: docker image ls  # a task with one command",
    ])
    assert sorted(added) == sorted([
        "format: 2",
        "    rerun: {attempts: 3, delay: 5}  # step retry: the pull runs again",
        '        same_as: "alpine"  # same id: a tag of the same image',
        "      - type: layer_store",
        '        name: "{image}"  # every layer in the layer database',
        "      - type: image",
        "        name: alpine",
        "        layers:",
        '          same_as: "{image}"  # same list of layers',
        "    task:",
        "      solution:  # what the student types",
        "        - docker run --name {container} {image} sh -c 'touch /new.txt && rm /etc/motd'"
        "  # two changes",
        "        - docker commit {container} {derived}",
        "      - type: container_layer",
        '        name: "{container}"  # the container that wrote the file',
        "      - type: container_layer",
        '        name: "{container}"',
        "        not: true  # absent: the layer must not record this",
        "      - type: container_layer",
        '        name: "{container}"  # its overlay2 folders exist',
        "        folders: true",
        "      - type: image",
        '        name: "{derived}"',
        "        layers:",
        '          extends: "{image}"  # starts with every layer of the image',
        "          new: 1  # docker commit adds exactly one",
        "      - type: image",
        '        name: "{image}"  # no same_as, no extends: the image is still here',
        "        state: present  # exists is present in format 2",
        "    task:",
        "      solution: docker image ls  # a task with one command",
    ])


def test_the_file_says_what_the_loader_would_read(every_rule):
    """Both callers of upgrade() agree: the rewritten file holds the upgraded plain data."""
    expected = yaml.safe_load(every_rule.read_text(encoding="utf-8"))
    upgrade(expected)
    assert labrunner("upgrade", str(every_rule)).returncode == 0
    assert yaml.safe_load(every_rule.read_text(encoding="utf-8")) == expected


def test_check_writes_nothing_and_exits_1_until_upgraded(every_rule):
    before = every_rule.read_text(encoding="utf-8")
    done = labrunner("upgrade", "--check", str(every_rule))
    assert done.returncode == 1
    assert "would be upgraded" in done.stdout and "still in format 1" in done.stderr
    assert every_rule.read_text(encoding="utf-8") == before
    assert labrunner("upgrade", str(every_rule)).returncode == 0
    done = labrunner("upgrade", "--check", str(every_rule))
    assert done.returncode == 0 and "already in format 2" in done.stdout


def test_bad_yaml_is_file_line_col_and_exit_2(tmp_path, every_rule):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nsteps: [\n", encoding="utf-8")
    done = labrunner("upgrade", str(bad), str(every_rule), "--lang", "fr")
    assert done.returncode == 2
    assert re.search(rf"^{re.escape(str(bad))}:3:1: ce n'est pas du YAML valide", done.stderr,
                     re.MULTILINE)
    assert "Traceback" not in done.stderr
    assert bad.read_text(encoding="utf-8") == "id: x\nsteps: [\n"
    assert "mis à niveau au format 2" in done.stdout  # the good file is still upgraded


def test_a_file_that_is_not_a_lab_or_not_there_is_exit_2(tmp_path):
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n", encoding="utf-8")
    done = labrunner("upgrade", str(listed), str(tmp_path / "missing.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{listed}:1:1: this is not a lab" in done.stderr
    assert f"{tmp_path / 'missing.yaml'}: no such file or folder" in done.stderr


def test_no_file_is_a_usage_error():
    done = labrunner("upgrade")
    assert done.returncode == 2
    assert "usage: labrunner upgrade" in done.stderr and "name the lab files" in done.stderr


def test_a_folder_upgrades_the_labs_in_it_and_keeps_the_file_mode(tmp_path, every_rule):
    every_rule.chmod(0o640)
    done = labrunner("upgrade", str(tmp_path))
    assert done.returncode == 0 and str(every_rule) in done.stdout
    assert every_rule.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["every-rule.yaml"]  # no temporary left


# --- the bundled labs, as they were in format 1 -----------------------------------------------

FORMAT_1_LINE = re.compile(
    r"^\s*(- )?(format: 2$|type: (image_layers|layer_db|container_change|container_storage)$"
    r"|image: |container: |retry: |solution:|same_id_as: |same_as: |extends: |new_layers: "
    r"|state: (exists|present|absent)$)")
FORMAT_2_LINE = re.compile(
    r"^\s*(- )?(format: 2$|type: (image|layer_store|container_layer)$|name: |rerun: |task:$"
    r"|solution: |layers:$|same_as: |extends: |new: |not: true$|folders: true$"
    r"|state: present$)")


def test_the_bundled_labs_are_format_1():
    assert len(BUNDLED) == 5
    for path in BUNDLED:
        assert "format" not in yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("original", BUNDLED, ids=lambda path: path.stem)
def test_each_bundled_lab_upgrades_once_and_only_where_the_rules_say(tmp_path, original):
    copied = tmp_path / original.name
    shutil.copy(original, copied)
    before = original.read_text(encoding="utf-8")
    expected = yaml.safe_load(before)
    moves = upgrade(expected)
    assert moves

    assert labrunner("upgrade", str(copied)).returncode == 0
    after = copied.read_text(encoding="utf-8")
    assert yaml.safe_load(after) == expected
    removed, added = changed_lines(before, after)
    assert [line for line in removed if not FORMAT_1_LINE.match(line)] == []
    assert [line for line in added if not FORMAT_2_LINE.match(line)] == []

    done = labrunner("upgrade", str(copied))
    assert done.returncode == 0 and "already in format 2" in done.stdout
    assert copied.read_text(encoding="utf-8") == after


@pytest.mark.parametrize("original", [*BUNDLED, FORMAT1 / "every-rule.yaml"],
                         ids=lambda path: path.stem)
def test_a_format_1_lab_loads_as_format_2_with_one_notice(original):
    from runner.lab.loader import load_lab

    heard = []
    lab = load_lab(original, heard.append)
    assert lab.format == 2 and [notice.key for notice in heard] == ["lab.format_1"]
    assert (heard[0].pos.line, heard[0].pos.column) == (1, 1)


@pytest.mark.parametrize("original", BUNDLED, ids=lambda path: path.stem)
def test_what_upgrade_writes_loads_as_the_same_lab_the_notice_promised(tmp_path, original):
    from runner.lab.loader import load_lab

    copied = Path(shutil.copy(original, tmp_path / original.name))
    in_memory = load_lab(original)
    assert labrunner("upgrade", str(copied)).returncode == 0
    heard = []
    assert load_lab(copied, heard.append) == in_memory and heard == []


def test_format_1_written_out_is_format_1():
    data = {"id": "x", "format": 1, "steps": [{"id": "s", "solution": "true"}]}
    assert is_format_1(data) and upgrade(data)
    assert list(data) == ["id", "format", "steps"] and data["format"] == 2
    assert data["steps"][0] == {"id": "s", "task": {"solution": "true"}}
    assert not is_format_1({"format": 2}) and not is_format_1({"format": True})


@pytest.mark.parametrize(("name", "text", "words"), [
    ("deep.yaml", "a: " + "[" * 3000 + "\n", "nested here more than 64 levels"),
    ("tag.yaml", "id: x\nsteps:\n  - !!int type: output\n", "cannot rewrite this file"),
], ids=["nested too deep", "a tag ruamel cannot read"])
def test_what_validate_refuses_upgrade_refuses_without_a_traceback(tmp_path, name, text, words):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    done = labrunner("upgrade", str(path))
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr
    assert path.read_text(encoding="utf-8") == text


def test_a_fifo_is_refused_at_once(tmp_path):
    import os

    fifo = tmp_path / "lab.yaml"
    os.mkfifo(fifo)
    done = labrunner("upgrade", str(fifo))
    assert done.returncode == 2 and "not a regular file" in done.stderr
