"""A prune narrowed to the run's own objects, and the run's label on what it creates
(runner/guard/narrowing.py)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from runner.guard.http1 import parse_head, with_target
from runner.guard.narrowing import (
    labelled_body,
    labelled_build_target,
    narrowed_target,
    run_label,
    with_query_value,
)

LABEL = run_label("abc123")


def query(target: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(target).query, keep_blank_values=True)


@pytest.mark.parametrize(("target", "filters"), [
    ("/v1.41/containers/prune", {"label": {LABEL: True}}),
    ("/v1.41/containers/prune?filters=", {"label": {LABEL: True}}),
    ('/v1.41/images/prune?filters={"dangling":{"false":true}}',
     {"dangling": {"false": True}, "label": {LABEL: True}}),
    ('/v1.41/volumes/prune?filters={"label":{"keep=no":true}}',
     {"label": {"keep=no": True, LABEL: True}}),
    ('/v1.47/networks/prune?filters={"label":["a=b"]}', {"label": ["a=b", LABEL]}),
    ("/v1.41/containers/prune?filters=not-json", {"label": {LABEL: True}}),
])
def test_the_runs_label_joins_the_prunes_filters(target, filters):
    narrowed = narrowed_target(target, LABEL)
    assert narrowed.startswith(urlsplit(target).path + "?")
    assert json.loads(query(narrowed)["filters"][0]) == filters


def test_other_parameters_are_kept():
    narrowed = narrowed_target("/build/prune?all=1&keep-storage=0", LABEL)
    assert query(narrowed)["all"] == ["1"] and query(narrowed)["keep-storage"] == ["0"]


def test_a_build_gets_the_label_beside_its_own():
    target = labelled_build_target('/v1.41/build?t=app:1&labels={"owner":"me"}', LABEL)
    assert json.loads(query(target)["labels"][0]) == {"owner": "me",
                                                       "io.labrunner.run": "abc123"}
    assert query(target)["t"] == ["app:1"]


@pytest.mark.parametrize("config", [{"Image": "busybox"}, {"Labels": None},
                                    {"Labels": {"owner": "me"}}])
def test_a_create_gets_the_label_and_keeps_its_own(config):
    labelled = labelled_body(config, LABEL)
    assert labelled["Labels"] == {**(config.get("Labels") or {}), "io.labrunner.run": "abc123"}
    assert "io.labrunner.run" not in (config.get("Labels") or {})


def test_with_query_value_replaces_one_parameter():
    assert with_query_value("/x?a=1&b=2", "a", "3") == "/x?b=2&a=3"


def test_with_target_keeps_the_headers():
    head = parse_head(b"POST /v1.41/images/prune HTTP/1.1\r\nHost: docker\r\n"
                      b"Content-Length: 0\r\n\r\n")
    moved = with_target(head, "/v1.41/images/prune?filters=x")
    assert moved.raw == (b"POST /v1.41/images/prune?filters=x HTTP/1.1\r\nHost: docker\r\n"
                         b"Content-Length: 0\r\n\r\n")
    assert parse_head(moved.raw) == moved
