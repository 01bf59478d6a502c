"""The JSON report (format 2) against its published schema, and its digest."""

from __future__ import annotations

import hashlib
import json

import jsonschema
import pytest

from runner.engines.profile import EngineProfile
from runner.lab.model import Lab
from runner.report.digest import report_digest
from runner.report.json_report import JsonReport
from runner.resources import data_dir
from runner.run import events as ev
from runner.run.credit import not_reached
from runner.run.status import LabStatus, RunMode

SCHEMA = json.loads((data_dir("schema") / "report.schema.json").read_text(encoding="utf-8"))
LAB = Lab.model_validate({
    "format": 2, "id": "demo", "title": {"fr": "Démo", "en": "Demo"},
    "steps": [{"id": "t", "title": {"fr": "t", "en": "t"}, "explain": {"fr": "t", "en": "t"},
               "task": {"solution": "docker pull nginx"}}]})
PROFILE = EngineProfile("linux", "unix:///x.sock", "/var/lib/docker", "overlay2", "28.5.0",
                        True, sandbox=True, engine_id="ABCD:EFGH", name="pc-12")


@pytest.fixture
def written(tmp_path) -> dict:
    lab_file = tmp_path / "demo.yaml"
    lab_file.write_bytes(b"id: demo\n")
    path = tmp_path / "report.json"
    report = JsonReport(path, "fr", student="alice")
    report.on_event(ev.LabStarted(LAB, "fr", PROFILE, str(tmp_path), str(lab_file),
                                  RunMode.INTERACTIVE))
    summary = ev.StepSummary("t", "t", "not_run", task=True, result=not_reached(1))
    report.on_event(ev.LabFinished(LAB, LabStatus.INTERRUPTED, (summary,), 3.5,
                                   mode=RunMode.INTERACTIVE, error="Boom", error_log="/x"))
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_published_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_a_report_validates_and_says_who_where_when_and_on_what(written):
    jsonschema.validate(written, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert written["student"] == "alice" and written["mode"] == "interactive"
    assert written["lab"]["sha256"] == hashlib.sha256(b"id: demo\n").hexdigest()
    assert written["engine"] == {"id": "ABCD:EFGH", "name": "pc-12", "version": "28.5.0",
                                 "kind": "linux", "storage": "overlay2", "sandbox": True}
    assert written["steps"][0]["result"]["reason"].startswith("non atteinte")
    assert written["error"] == {"message": "Boom", "log": "/x"}


def test_the_digest_covers_everything_but_itself(written):
    assert written["digest"] == report_digest(written)
    edited = dict(written, grade=dict(written["grade"], earned=1))
    assert report_digest(edited) != written["digest"]


@pytest.mark.parametrize(("path", "value"), [
    (("status",), "done"), (("grade", "percent"), 120), (("steps", 0, "result", "how"), "copied"),
    (("started",), "yesterday"), (("digest",), "md5:00")])
def test_the_schema_refuses_what_a_report_never_says(written, path, value):
    target = written
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(written, SCHEMA, cls=jsonschema.Draft202012Validator)
