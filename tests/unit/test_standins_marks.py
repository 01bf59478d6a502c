"""Which stand-ins `up` builds: never one over a tag that `sandbox import` filled with a real image.

Unit-level: a fake registry storage folder holding the record files, no Docker at all.
"""

from __future__ import annotations

from pathlib import Path

from runner.sandbox import marks, mirror, standins


def built_storage(folder: Path, *, stale: tuple[str, ...] = ()) -> Path:
    """A storage whose records say every stand-in was built from today's files, but `stale`."""
    marks.write(folder, marks.STANDINS, {standin.name: standin.fingerprint()
                                         for standin in standins.all_standins()
                                         if standin.name not in stale})
    return folder


def every_tag() -> list[str]:
    return sorted(standins.all_tags())


def todo(served: list[str], storage: Path) -> dict[str, tuple[str, ...]]:
    return {standin.name: standin.tags for standin in standins.missing(served, storage)}


def test_the_nginx_stand_ins_are_two_images_with_their_tags():
    tags = {standin.name: standin.tags for standin in standins.all_standins()}
    assert tags["nginx"] == ("nginx:latest",) and tags["nginx-alpine"] == ("nginx:alpine",)


def test_both_nginx_stand_ins_run_the_same_nginx_script():
    # Each stand-in folder is its own build context, so the script is copied, never shared.
    script = (standins.STANDINS / "nginx" / "nginx").read_bytes()
    assert (standins.STANDINS / "nginx-alpine" / "nginx").read_bytes() == script
    assert script.startswith(b"#!/bin/sh\n") and b"trap " in script


def test_nothing_is_built_when_the_mirror_serves_every_stand_in_from_todays_files(tmp_path):
    assert todo(every_tag(), built_storage(tmp_path)) == {}


def test_a_stand_in_whose_files_changed_is_rebuilt(tmp_path):
    assert todo(every_tag(), built_storage(tmp_path, stale=("nginx",))) == {
        "nginx": ("nginx:latest",)}


def test_an_imported_tag_is_never_rebuilt_even_when_its_stand_in_changed(tmp_path):
    storage = built_storage(tmp_path, stale=("nginx",))
    marks.merge(storage, marks.IMPORTED, {"nginx:latest": "sha256:" + "a" * 64})
    assert todo(every_tag(), storage) == {}


def test_a_fresh_mirror_builds_every_stand_in_but_the_imported_tags(tmp_path):
    marks.merge(tmp_path, marks.IMPORTED, {"nginx:latest": "sha256:1", "python:3.9": "sha256:2"})
    names = set(todo(["nginx:latest", "python:3.9"], tmp_path))
    assert names == {s.name for s in standins.all_standins()} - {"nginx", "python"}


def test_importing_one_tag_of_a_stand_in_keeps_its_other_tags_served_by_it(tmp_path):
    storage = built_storage(tmp_path)
    marks.merge(storage, marks.IMPORTED, {"httpd:2": "sha256:" + "b" * 64})
    served = [tag for tag in every_tag() if tag != "httpd:2-alpine"]
    assert todo(served, storage) == {"httpd": ("httpd:2-alpine",)}


def test_records_are_merged_and_a_damaged_record_reads_as_empty(tmp_path):
    marks.merge(tmp_path, marks.IMPORTED, {"a:1": "sha256:1"})
    marks.merge(tmp_path, marks.IMPORTED, {"b:2": "sha256:2"})
    assert marks.imported(tmp_path) == {"a:1": "sha256:1", "b:2": "sha256:2"}
    (tmp_path / marks.IMPORTED).write_text("[not json", encoding="utf-8")
    assert marks.imported(tmp_path) == {}
    assert not list(tmp_path.glob(".*")), "no temporary file left behind"


def test_status_tells_stand_ins_from_imported_images(tmp_path):
    marks.merge(tmp_path, marks.IMPORTED, {"python:3.9": "sha256:1", "me/app:1": "sha256:2"})
    served = ["me/app:1", "mine/other:2", "nginx:latest", "python:3.9"]
    assert mirror.origins(served, tmp_path) == {
        "me/app:1": "imported", "mine/other:2": "other", "nginx:latest": "standin",
        "python:3.9": "imported"}
