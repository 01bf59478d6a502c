"""A step's `variants`: the step as it is on another engine, chosen by the engine's names
(kind or storage driver), and every form of the step checked when the lab loads."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from runner.engines.profile import EngineProfile
from runner.engines.tags import engine_tags, matches
from runner.errors import LabErrors, LabFileError
from runner.lab.loader import load_lab

VARIANT_LAB = """\
format: 2
id: demo
title: {fr: Démo, en: Demo}
steps:
  - id: find
    title: {fr: Trouver, en: Find}
    explain: {fr: overlay2, en: overlay2}
    run: ls {docker_root}/overlay2
    checks:
      - type: output
        exit_code: 0
    variants:
      overlayfs:
        explain: {fr: instantanés, en: snapshots}
        run: [ls /snapshots, ls /rootfs]
      podman:
        checks:
          - type: output
            regex: 'diff$'
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "lab.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_lab(path, lambda notice: None, cached=False)


def errors_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises((LabErrors, LabFileError)) as caught:
        load(tmp_path, text)
    found = caught.value.errors if isinstance(caught.value, LabErrors) else [caught.value]
    return [error.message("en") for error in found]


def profile(kind: str, driver: str) -> EngineProfile:
    return EngineProfile(kind=kind, endpoint="unix:///x", docker_root="/var/lib/docker",
                         storage_driver=driver, server_version="28.5", host_paths_visible=True)


def test_an_engine_answers_to_its_kind_and_its_storage_driver():
    docker29 = profile("containerd", "overlayfs")
    assert engine_tags(docker29) == {"containerd", "overlayfs"}
    assert matches(["overlayfs"], docker29) and matches(["containerd"], docker29)
    assert not matches(["overlay2", "linux"], docker29)


def test_the_variant_naming_the_engine_replaces_only_the_keys_it_gives(tmp_path):
    step = load(tmp_path, VARIANT_LAB).steps[0]
    form, key = step.variant_for(frozenset({"containerd", "overlayfs"}))
    assert key == "overlayfs"
    assert form.commands == ["ls /snapshots", "ls /rootfs"]
    assert form.explain.en == "snapshots"
    assert form.title.en == "Find" and form.checks == step.checks  # not given: the step's


def test_without_a_matching_variant_the_step_is_as_written(tmp_path):
    step = load(tmp_path, VARIANT_LAB).steps[0]
    form, key = step.variant_for(frozenset({"linux", "overlay2"}))
    assert key is None and form is step


def test_the_first_variant_in_file_order_wins(tmp_path):
    step = load(tmp_path, VARIANT_LAB).steps[0]
    _, key = step.variant_for(frozenset({"podman", "overlayfs"}))
    assert key == "overlayfs"


def test_an_unknown_engine_name_is_refused_at_its_line(tmp_path):
    text = VARIANT_LAB.replace("      podman:", "      windows:")
    messages = errors_of(tmp_path, text)
    assert any(m.startswith(f"{tmp_path / 'lab.yaml'}:16:") and "windows" in m
               for m in messages), messages


def test_a_variant_cannot_turn_a_demonstration_into_a_task(tmp_path):
    text = VARIANT_LAB.replace("        run: [ls /snapshots, ls /rootfs]",
                               "        task: {solution: ls /snapshots}")
    messages = errors_of(tmp_path, text)
    assert any("variant keeps the step's kind" in m for m in messages), messages


def test_a_bad_command_index_in_a_variant_is_placed_in_the_variant(tmp_path):
    # The podman variant keeps the step's single command; its own check names command 2.
    text = VARIANT_LAB.replace("            regex: 'diff$'", "            command: 2")
    messages = errors_of(tmp_path, text)
    assert any(m.startswith(f"{tmp_path / 'lab.yaml'}:19:") for m in messages), messages


def test_an_inherited_check_wrong_for_the_variant_is_reported_once(tmp_path):
    # command: 2 is right for the overlayfs variant (two commands), wrong for the step's one.
    text = VARIANT_LAB.replace("      - type: output\n        exit_code: 0",
                               "      - type: output\n        command: 2")
    messages = errors_of(tmp_path, text)
    assert len([m for m in messages if ":11:" in m]) == 1, messages


def test_a_remote_engine_is_remote_whatever_its_store():
    remote = EngineProfile(kind="containerd", endpoint="tcp://engine.example:2376",
                           docker_root="/var/lib/docker", storage_driver="overlayfs",
                           server_version="29.0", host_paths_visible=False,
                           containerd_store=True)
    assert engine_tags(remote) == {"remote", "containerd", "overlayfs"}
