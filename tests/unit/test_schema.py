"""schema/lab.schema.json is current and valid, and agrees with the loader on the bundled labs."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from runner.lab.loader import bundled_labs, load_lab
from runner.lab.model import CHECK_TYPES, json_schema
from runner.resources import data_dir

PUBLISHED = data_dir("schema") / "lab.schema.json"
REGENERATE = (
    "schema/lab.schema.json is stale: run python -m runner.lab.model > schema/lab.schema.json")


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(PUBLISHED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema)


def data_of(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_published_schema_is_current(schema):
    assert schema == json_schema(), REGENERATE


def test_the_published_schema_is_a_valid_draft_2020_12_schema(schema):
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_the_five_labs_of_the_course_are_bundled():
    assert {"image-layers", "inspect-overlay2", "manage-images", "manage-images-exercise",
            "image-commit"} <= {path.stem for path in bundled_labs()}


@pytest.mark.parametrize("path", bundled_labs(), ids=lambda path: path.stem)
def test_a_bundled_lab_validates_against_the_schema(path, validator):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data_of(path))]
    assert errors == []


@pytest.mark.parametrize("path", bundled_labs(), ids=lambda path: path.stem)
def test_a_bundled_lab_loads(path):
    lab = load_lab(path)
    assert lab.steps
    assert lab.id == path.stem, "resolve_lab finds a bundled lab by file name: keep id == stem"


@pytest.mark.parametrize("path", bundled_labs(), ids=lambda path: path.stem)
def test_a_bundled_lab_points_editors_at_the_schema(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, "first line: # yaml-language-server: $schema=../schema/lab.schema.json"
    assert (data_dir("labs") / match.group(1)).resolve() == PUBLISHED.resolve()


@pytest.fixture
def lab_data() -> dict:
    return copy.deepcopy(data_of(data_dir("labs") / "inspect-overlay2.yaml"))


def test_the_schema_rejects_an_unknown_check_type(lab_data, validator):
    validator.validate(lab_data)
    lab_data["steps"][0]["checks"].append({"type": "imagee", "name": "nginx"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)


def test_the_schema_rejects_an_unknown_key(lab_data, validator):
    lab_data["steps"][0]["comands"] = "echo hi"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)


def test_the_schema_rejects_a_missing_translation(lab_data, validator):
    del lab_data["title"]["en"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)


def test_the_check_types_named_in_messages_are_the_schema_s(schema):
    # schema.unknown_check lists model.CHECK_TYPES; it must match the union's real tags.
    items = schema["$defs"]["Step"]["properties"]["checks"]["items"]
    assert sorted(items["discriminator"]["mapping"]) == sorted(CHECK_TYPES)


def test_the_loader_rejects_a_quoted_timeout_like_the_schema(lab_data, validator, tmp_path):
    lab_data["steps"][0]["timeout"] = "5"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)
    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(lab_data, allow_unicode=True), encoding="utf-8")
    from runner.errors import LabFileError

    with pytest.raises(LabFileError):
        load_lab(path)


@pytest.mark.parametrize("keys", [("run", "task"), ()], ids=["both", "neither"])
def test_the_schema_itself_wants_exactly_one_of_run_and_task(lab_data, validator, keys):
    step = lab_data["steps"][1]
    step.pop("run", None)
    step.pop("task", None)
    step.update({"run": "echo hi", "task": {"solution": "echo hi"}} if keys else {})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)
    step.pop("task", None) if keys else step.update(task={"solution": "echo hi"})
    validator.validate(lab_data)


def test_the_schema_refuses_a_lab_without_format_2(lab_data, validator):
    lab_data["format"] = 1
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)
    del lab_data["format"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(lab_data)
