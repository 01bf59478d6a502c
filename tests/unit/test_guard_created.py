"""What the guard learns from the engine's answers about the objects a run created
(runner/guard/created.py)."""

from __future__ import annotations

import json

import pytest

from runner.guard.created import Collector, Created, Creation, creation_of, references_written
from runner.guard.http1 import parse_target


def body(*messages: object, split_at: int = 7) -> Collector:
    """A collector fed the answer in arbitrary pieces, as the network delivers it."""
    data = b"".join(json.dumps(message).encode() + b"\r\n" for message in messages)
    collector = Collector()
    for start in range(0, len(data), split_at):
        collector.feed(data[start:start + split_at])
    return collector


@pytest.mark.parametrize(("method", "target", "creation"), [
    ("POST", "/v1.47/containers/create?name=web", Creation.CONTAINER),
    ("POST", "/volumes/create", Creation.VOLUME), ("POST", "/networks/create", Creation.NETWORK),
    ("POST", "/commit?container=web", Creation.COMMIT),
    ("POST", "/images/create?fromImage=nginx&tag=latest", Creation.PULL),
    ("POST", "/images/create?fromSrc=-&repo=x", Creation.IMPORT),
    ("POST", "/build?t=x", Creation.BUILD), ("POST", "/images/a/b:1/tag?repo=c", Creation.TAG),
    ("POST", "/images/load?quiet=1", Creation.LOAD),
    ("GET", "/containers/create", None), ("POST", "/containers/web/start", None),
])
def test_requests_that_create_objects_are_recognised(method, target, creation):
    assert creation_of(method, parse_target(target)) == creation


@pytest.mark.parametrize(("creation", "target", "refs"), [
    (Creation.PULL, "/images/create?fromImage=docker.io%2Flibrary%2Fnginx&tag=latest",
     ["nginx:latest"]),
    (Creation.PULL, "/images/create?fromImage=nginx%40sha256%3Aab&tag=", ["nginx@sha256:ab"]),
    (Creation.TAG, "/images/busybox/tag?repo=mine&tag=", ["mine:latest"]),
    (Creation.BUILD, "/build?t=app&t=app%3A2", ["app:latest", "app:2"]),
    (Creation.COMMIT, "/commit?container=w", []),
])
def test_the_tags_a_request_writes_are_known_before_it_runs(creation, target, refs):
    assert references_written(creation, parse_target(target)) == refs


def test_a_create_records_the_id_or_name_the_engine_answered():
    created = Created()
    assert created.learn(Creation.CONTAINER, body({"Id": "c1", "Warnings": []}), []) == "c1"
    created.learn(Creation.NETWORK, body({"Id": "n1", "Warning": ""}), [])
    created.learn(Creation.VOLUME, body({"Name": "data", "Driver": "local"}), [])
    created.learn(Creation.COMMIT, body({"Id": "sha256:i1"}), ["mine:1"])
    assert created.as_dict() == {"containers": ["c1"], "images": ["sha256:i1"],
                                 "references": ["mine:1"], "volumes": ["data"],
                                 "networks": ["n1"]}


def test_an_existing_volume_answered_by_a_create_stays_the_users():
    created = Created()
    created.learn(Creation.VOLUME, body({"Name": "data"}), [], frozenset({"data"}))
    assert created.volumes == set()


def test_a_build_records_its_tags_and_the_image_id_from_the_stream():
    created = Created()
    stream = body({"stream": "Step 1/2 : FROM busybox\n"}, {"aux": {"ID": "sha256:b1"}},
                  {"stream": "Successfully built b1\n"})
    created.learn(Creation.BUILD, stream, ["app:latest"])
    assert (created.images, created.references) == ({"sha256:b1"}, {"app:latest"})


def test_a_load_records_the_tags_it_names_except_those_the_user_had():
    created = Created()
    stream = body({"stream": "Loaded image: busybox:latest\n"},
                  {"stream": "Loaded image: docker.io/library/mine:1\n"},
                  {"stream": "Loaded image ID: sha256:l1\n"})
    created.learn(Creation.LOAD, stream, [], frozenset({"busybox:latest"}))
    assert (created.images, created.references) == ({"sha256:l1"}, {"mine:1"})


def test_a_pull_of_a_tag_the_user_had_does_not_make_it_the_runs():
    created = Created()
    created.learn(Creation.PULL, body({"status": "Pulling"}), ["nginx:latest"],
                  frozenset({"nginx:latest"}))
    created.learn(Creation.PULL, body({"status": "Pulling"}), ["busybox:latest"])
    assert created.references == {"busybox:latest"}


def test_the_collector_keeps_only_the_lines_that_matter_from_a_long_stream():
    noise = [{"stream": "x" * 1000}] * 200
    collector = body(*noise, {"aux": {"ID": "sha256:z"}}, split_at=4096)
    assert [json.loads(line) for line in collector.finish()] == [{"aux": {"ID": "sha256:z"}}]
    assert len(collector.whole) == 64 * 1024
