"""The published schema is current; both catalogs say the same things; bundled labs are valid."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import jsonschema
import pytest
import yaml

from runner.i18n import catalog, detect_language
from runner.lab.loader import bundled_labs, load_lab
from runner.lab.model import json_schema

ROOT = Path(__file__).resolve().parents[2]


def test_published_schema_is_current():
    published = json.loads((ROOT / "schema" / "lab.schema.json").read_text(encoding="utf-8"))
    assert published == json_schema(), (
        "run: python -m runner.lab.model > schema/lab.schema.json")
    jsonschema.Draft202012Validator.check_schema(published)


@pytest.mark.parametrize("path", bundled_labs(), ids=lambda p: p.stem)
def test_bundled_labs_validate_with_both_the_loader_and_the_json_schema(path):
    load_lab(path)
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), json_schema())


def test_the_json_schema_rejects_an_unknown_check_type():
    lab = yaml.safe_load((ROOT / "labs" / "inspect-overlay2.yaml").read_text(encoding="utf-8"))
    lab["steps"][0]["checks"].append({"type": "imagee", "name": "x"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(lab, json_schema())


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_catalogs_have_the_same_keys_and_placeholders():
    english, french = catalog("en"), catalog("fr")
    assert sorted(english) == sorted(french)
    for key, text in english.items():
        assert text.strip() and french[key].strip(), key
        # `described` and `note` pick the text of their own language from the parameters.
        if key not in ("check.described", "engine.note"):
            assert placeholders(text) == placeholders(french[key]), key


def test_every_literal_key_used_in_the_code_exists():
    areas = {path.stem for path in (ROOT / "i18n" / "en").glob("*.toml")}
    known = catalog("en")
    # Whole keys only: a prefix completed at run time ("report.status_" + status) ends in _.
    area = "|".join(areas)
    pattern = re.compile(rf"""["']((?:{area})\.[a-z0-9_]*[a-z0-9])["']""")
    used = {match for path in (ROOT / "runner").rglob("*.py")
            for match in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no key at all"
    assert sorted(used - set(known)) == []


@pytest.mark.parametrize(("explicit", "environ", "expected"), [
    ("fr", {"LABRUNNER_LANG": "en"}, "fr"),
    (None, {"LABRUNNER_LANG": "fr", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"LANGUAGE": "fr:en", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"LC_ALL": "fr_FR.UTF-8"}, "fr"),
    (None, {"LANG": "de_DE.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_language_detection(explicit, environ, expected):
    assert detect_language(explicit, environ) == expected


def test_keys_built_at_run_time_exist():
    from typing import get_args

    from runner.lab.model import (
        ContainerChangeCheck,
        ContainerCheck,
        EngineKind,
        ImageCheck,
        PathCheck,
    )

    def values(model, field):
        return get_args(model.model_fields[field].annotation)

    built = [f"check.path_{s}" for s in values(PathCheck, "state")]
    built += [f"check.image_{s}" for s in values(ImageCheck, "state")]
    built += [f"check.container_{s}" for s in values(ContainerCheck, "state")]
    built += [f"check.change_{s}" for s in values(ContainerChangeCheck, "state")]
    built += [f"check.word_{c}" for c in values(ContainerChangeCheck, "change")]
    built += [f"report.kind_{k}" for k in get_args(EngineKind)]
    built += [f"report.final_{s}" for s in ("passed", "failed", "interrupted", "aborted")]
    built += [f"report.status_{s}" for s in ("passed", "failed", "skipped", "not_run")]
    built += [f"report.{phase}_failed" for phase in ("setup", "cleanup")]
    built += [f"engine.source_{s}" for s in ("option", "docker_host")]
    built += [f"sandbox.help_{a}" for a in ("up", "down", "status", "env")]
    assert sorted(set(built) - set(catalog("en"))) == []
