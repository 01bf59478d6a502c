"""Every bundled lab's storage steps adapt to every engine instead of skipping: on the
containerd image store, vfs, Podman, rootless, Docker Desktop and remote engines each storage
step has a form that runs there, its commands and checks name folders through the built-in
variables (never a hard-coded `/var/lib/docker` or `overlay2/`), and where the engine's files
are not on this machine its commands read them through a helper container."""

from __future__ import annotations

import re
from functools import cache

import pytest

from runner.lab.engine_table import lab_on_engine
from runner.lab.loader import bundled_labs, load_lab
from runner.lab.model import Lab, Step
from runner.lab.step_forms import step_forms

# The names each engine answers to (runner.engines.tags), as students meet them.
ENGINES: dict[str, frozenset[str]] = {
    "Docker 29 (containerd image store)": frozenset({"containerd", "overlayfs"}),
    "Docker 29 rootless": frozenset({"rootless", "containerd", "overlayfs"}),
    "Docker rootless, overlay2": frozenset({"rootless", "overlay2"}),
    "Docker, vfs": frozenset({"linux", "vfs"}),
    "Docker, btrfs": frozenset({"linux", "btrfs"}),
    "Docker, zfs": frozenset({"linux", "zfs"}),
    "Docker, fuse-overlayfs": frozenset({"linux", "fuse-overlayfs"}),
    "Podman": frozenset({"podman", "overlay"}),
    "Podman rootless, vfs": frozenset({"podman", "rootless", "vfs"}),
    "Docker Desktop (containerd image store)": frozenset({"desktop", "containerd", "overlayfs"}),
    "Docker Desktop (overlay2)": frozenset({"desktop", "overlay2"}),
    "remote engine (overlay2)": frozenset({"remote", "overlay2"}),
    "remote engine (vfs)": frozenset({"remote", "vfs"}),
}
FILES_ELSEWHERE = ("desktop", "remote")  # the engine's files are not on this machine
STORAGE_VARIABLES = ("{layer_files}", "{layer_root}", "{merged_files}", "{layer_db}",
                     "{containerd_root}", "{layerdb}", "{docker_root}")
STORAGE_MARKS = (*STORAGE_VARIABLES, "GraphDriver", "mountinfo")  # a step reading storage
HARD_CODED = re.compile(r"/var/lib/(docker|containerd|containers)|overlay2/|/snapshots/")
HELPER = re.compile(r"^docker run --rm --pid=host .*\bnsenter -t \$PPID -m\b", re.DOTALL)


@cache
def labs() -> tuple[Lab, ...]:
    return tuple(load_lab(path, lambda notice: None) for path in bundled_labs())


def form_texts(step: Step) -> list[str]:
    """What a form types and where its checks look: commands, check paths and patterns."""
    texts = list(step.commands)
    for check in step.checks:
        texts += [str(getattr(check, key)) for key in ("path", "regex", "run")
                  if getattr(check, key, None)]
    return texts


def is_storage_step(lab: Lab, step: Step) -> bool:
    """A step that reads the engine's storage folders, in any of its forms."""
    forms = [form.step for form in step_forms(lab) if form.step.id == step.id]
    return any(mark in text for form in forms for text in form_texts(form)
               for mark in STORAGE_MARKS) or any(
        check.type == "layer_store" for form in forms for check in form.checks)


def storage_steps() -> list[tuple[str, str]]:
    return [(lab.id, step.id) for lab in labs() for step in lab.steps if is_storage_step(lab, step)]


def test_the_layer_lesson_is_among_the_storage_steps():
    steps = storage_steps()
    assert {("inspect-overlay2", "find"), ("inspect-overlay2", "stop"),
            ("inspect-overlay2", "rm"), ("image-layers", "layerdb"),
            ("image-layers", "storage")} <= set(steps), steps


@pytest.mark.parametrize("engine", ENGINES)
def test_no_storage_step_is_skipped_on(engine):
    names = ENGINES[engine]
    storage = set(storage_steps())
    for lab in labs():
        skipped = {(lab.id, step) for step, _ in lab_on_engine(lab, names).skipped}
        assert not skipped & storage, (engine, skipped & storage)


@pytest.mark.parametrize("engine", ["Docker 29 (containerd image store)", "Docker, vfs",
                                    "Docker Desktop (containerd image store)",
                                    "remote engine (overlay2)"])
def test_the_find_myfile_step_has_a_form_of_its_own_on(engine):
    lab = next(lab for lab in labs() if lab.id == "inspect-overlay2")
    find = next(step for step in lab.steps if step.id == "find")
    form, key = find.variant_for(ENGINES[engine])
    assert key is not None and form.commands != find.commands, engine


def test_every_form_names_folders_through_the_variables():
    for lab in labs():
        for form in step_forms(lab):
            for text in form_texts(form.step):
                assert not HARD_CODED.search(text), (lab.id, form.step.id, form.commands_at, text)


@pytest.mark.parametrize("engine", [name for name, tags in ENGINES.items()
                                    if not tags.isdisjoint(FILES_ELSEWHERE)])
def test_where_the_files_are_elsewhere_commands_read_them_through_a_helper(engine):
    for lab in labs():
        for step in lab.steps:
            if (lab.id, step.id) not in storage_steps():
                continue
            form, _ = step.variant_for(ENGINES[engine])
            for command in form.commands:
                if any(name in command for name in STORAGE_VARIABLES):
                    assert HELPER.search(command), (engine, lab.id, step.id, command)


def test_a_storage_form_with_a_variable_in_a_check_path_keeps_it_for_pre_skip():
    """A path check that finds MYFILE present already holds before its step: pre: skip."""
    for lab in labs():
        for form in step_forms(lab):
            for check in form.step.checks:
                if check.type == "path" and getattr(check, "state", "") == "present" and any(
                        name in check.path for name in STORAGE_VARIABLES):
                    assert check.pre == "skip" and check.pre_reason, (lab.id, form.step.id)
