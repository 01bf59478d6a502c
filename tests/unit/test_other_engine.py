"""`validate` refuses commands that talk to another engine than the lab's, unless the step
(or the lab, for setup and cleanup) says why in `other_engine`."""

from __future__ import annotations

import textwrap

import pytest

from runner.errors import LabErrors, LabFileError
from runner.lab.loader import load_lab
from runner.lab.other_engine import other_engine_forms


@pytest.mark.parametrize(("command", "forms"), [
    ("docker -H tcp://127.0.0.1:2375 ps", ["-H"]),
    ("docker --host=unix:///a.sock ps", ["--host", "--host=unix:///a.sock"]),
    ("DOCKER_HOST=tcp://h docker ps", ["DOCKER_HOST="]),
    ("export DOCKER_HOST=unix:///x", ["DOCKER_HOST="]),
    ("unset DOCKER_HOST; docker ps", ["unset DOCKER_HOST"]),
    ("docker context use colima", ["docker context use"]),
    ("docker ps && docker -c other ps", ["--context"]),
    ("curl --unix-socket /run/other.sock http://d/_ping", ["--unix-socket", "/run/other.sock"]),
    ("docker run -v /var/run/docker.sock:/s busybox", ["/var/run/docker.sock:/s"]),
])
def test_each_spelling_of_another_engine_is_seen(command, forms):
    assert other_engine_forms(command) == forms


@pytest.mark.parametrize("command", [
    "docker ps", "docker commit -c 'CMD x' www image", "echo $DOCKER_HOST",
    'podman --url "$DOCKER_HOST" commit www image', "docker --log-level debug ps",
    "docker build -t x .", "ls -d $layers/MYFILE",
])
def test_the_labs_own_engine_is_not_another(command):
    assert other_engine_forms(command) == []


LAB = """\
format: 2
id: demo
title: {fr: Démo, en: Demo}
setup:
  - docker -H tcp://127.0.0.1:2375 ps
steps:
  - id: one
    title: {fr: Un, en: One}
    explain: {fr: Explication, en: Explanation}
    run:
      - docker ps
      - DOCKER_HOST=unix:///var/run/docker.sock docker ps
  - id: two
    title: {fr: Deux, en: Two}
    explain: {fr: Explication, en: Explanation}
    other_engine: {fr: "on montre l'autre moteur", en: "we show the other engine"}
    run: docker --context desktop-linux ps
"""


def errors(tmp_path, text: str) -> list[LabFileError]:
    path = tmp_path / "lab.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises((LabErrors, LabFileError)) as caught:
        load_lab(path, lambda notice: None, cached=False)
    return caught.value.errors if isinstance(caught.value, LabErrors) else [caught.value]


def test_each_command_is_refused_at_its_line_unless_the_step_says_why(tmp_path):
    found = [(e.key, e.pos.line, e.pos.column) for e in errors(tmp_path, LAB)]
    assert found == [("rules.other_engine", 5, 5), ("rules.other_engine", 12, 9)]


def test_the_lab_may_say_why_its_setup_does(tmp_path):
    text = LAB.replace("setup:", "other_engine: {fr: raison, en: reason}\nsetup:")
    assert [e.pos.line for e in errors(tmp_path, text)] == [13]
