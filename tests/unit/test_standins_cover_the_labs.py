"""Every image a bundled lab pulls (commands, solutions, selftest.prepare, Dockerfile FROM)
has an offline stand-in, so every lab runs with no internet on the sandbox engine."""

from __future__ import annotations

import re

from runner.lab.loader import bundled_labs, load_lab
from runner.lab.variables import substitute
from runner.sandbox.standins import all_standins

PULL = re.compile(r"docker\s+(?:image\s+)?pull\s+(?:-q\s+)?([^\s;|&'\"`]+)")
FROM = re.compile(r"^FROM\s+(\S+)", re.MULTILINE)


def reference(name: str) -> str:
    return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"


def pulled_by(path) -> set[str]:
    lab = load_lab(path)
    commands = [*lab.setup, *lab.cleanup, *lab.selftest.prepare,
                *(command for step in lab.steps for command in step.commands)]
    texts = [substitute(command, lab.variables) for command in commands]
    texts += [p.read_text(encoding="utf-8") for p in path.parent.joinpath(path.stem).glob("*")
              if p.name.startswith("Dockerfile")]
    names = {match for text in texts for match in PULL.findall(text) + FROM.findall(text)}
    return {reference(substitute(name, lab.variables)) for name in names}


def test_the_scan_finds_the_images_of_the_course():
    found = set().union(*(pulled_by(path) for path in bundled_labs()))
    assert {"python:3.9", "alpine:latest", "nginx:latest", "memcached:latest",
            "httpd:2-alpine", "nginx:alpine"} <= found


def test_every_image_a_bundled_lab_pulls_has_a_stand_in():
    served = {tag for standin in all_standins() for tag in standin.tags}
    missing = {path.stem: sorted(pulled_by(path) - served) for path in bundled_labs()}
    assert {lab: images for lab, images in missing.items() if images} == {}, (
        "add a stand-in folder under runner/sandbox/standins/ (see its README)")
