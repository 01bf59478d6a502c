"""The README documents the lab format from the same source as the code: its reference is
generated from the models, and every check type and every key appears in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from runner.checks.registry import CHECK_MODULES, check_model
from runner.lab.model import Lab, Step
from runner.lab.reference import BEGIN, END, SHARED, format_reference, replace_section

README = Path(__file__).resolve().parents[2] / "README.md"
STALE = (
    "README.md's format reference is stale: run python -m runner.lab.reference --write README.md")


@pytest.fixture(scope="module")
def reference() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)]


def test_the_readme_reference_is_the_generated_one(reference):
    assert reference.strip() == format_reference().strip(), STALE


def test_replacing_the_section_keeps_the_rest_of_the_readme():
    text = f"before\n{BEGIN}\nold\n{END}\nafter\n"
    assert replace_section(text, "new") == f"before\n{BEGIN}\n\nnew\n{END}\nafter\n"


@pytest.mark.parametrize("name", CHECK_MODULES)
def test_every_check_type_has_its_section_with_every_key(reference, name):
    section = reference.split(f"#### `{name}`\n", 1)[1].split("\n#### ", 1)[0]
    model = check_model(name)
    shared = (*SHARED, "negate", "type")  # `not` is the alias of the field `negate`
    for field, info in model.model_fields.items():
        if field not in shared:
            assert f"| `{info.alias or field}` |" in section, (name, field)


@pytest.mark.parametrize("model", [Lab, Step])
def test_every_key_of_a_lab_and_a_step_is_documented(reference, model):
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", reference, re.MULTILINE))
    assert set(model.model_fields) <= documented


def test_the_keys_every_check_shares_are_documented_once_by_their_yaml_names(reference):
    shared = reference.split("#### `output`", 1)[0]
    for key in ("description", "retry", "only_on", "not", "pre", "pre_reason"):
        assert f"| `{key}` |" in shared
    assert "`negate`" not in reference


def test_the_readme_names_every_built_in_variable():
    from runner.lab.variables import BUILTINS

    readme = README.read_text(encoding="utf-8")
    assert [name for name in BUILTINS if f"`{{{name}}}`" not in readme] == []


def test_the_readme_engine_table_is_current():
    from runner.lab import engine_table

    text = README.read_text(encoding="utf-8")
    assert replace_section(text, engine_table.engine_table(), engine_table.BEGIN,
                           engine_table.END) == text, (
        "README.md's engine table is stale: run python -m runner.lab.engine_table --write "
        "README.md")
