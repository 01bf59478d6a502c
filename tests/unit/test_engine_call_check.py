"""The `engine_call` check on guard records (runner/checks/engine_call.py, engine_actions.py):
every action of the vocabulary is proved by the request the docker CLI really sends (as the
guard recorded it, see tests/docker/test_check_engine_call.py) and not by a near miss; names,
counts, refusals, failures, `not` and the problem's text."""

from __future__ import annotations

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.engine_actions import ACTIONS, action_of
from runner.checks.engine_call import SHOWN_CALLS, EngineCallCheck

WEB_ID = "de0c3c312a4c4f037fbe0eedbc0caa7cb4951545cda37592567ffb4960ac81ce"


def call(method: str, endpoint: str, query: str = "", object: str = "", status: int = 200,
         decision: str = "forwarded", shell: str = "student") -> dict:
    """A guard record (runner/guard/record.py Call.as_dict)."""
    return {"time": 1.0, "shell": shell, "method": method, "endpoint": endpoint, "query": query,
            "action": "", "object": object, "decision": decision, "status": status}


def check(action, **keys) -> EngineCallCheck:
    return EngineCallCheck(type="engine_call", action=action, **keys)


def context(*calls: dict, values: dict | None = None) -> CheckContext:
    return CheckContext([], None, values or {}, lambda: None, engine_calls=list(calls))


def passes(action, *calls: dict, **keys) -> bool:
    return evaluate(check(action, **keys), context(*calls)).passed


PULL = call("POST", "/images/create", "fromImage=docker.io%2Flibrary%2Fmemcached&tag=latest",
            "memcached:latest")
CREATE_WEB = call("POST", "/containers/create", "name=web", WEB_ID, 201)
PRUNE_IMAGES = call("POST", "/images/prune",
                    "filters=%7B%22dangling%22%3A%7B%22true%22%3Atrue%7D%7D", decision="sandbox")
PRUNE_CONTAINERS = call("POST", "/containers/prune", decision="sandbox")
PRUNE_NETWORKS = call("POST", "/networks/prune", decision="sandbox")

# action -> (the requests the docker CLI sends for it, a near miss that must not prove it)
CASES: dict[str, tuple[list[dict], list[dict]]] = {
    "image pull": ([PULL], [call("POST", "/images/create", "fromSrc=-&repo=memcached")]),
    "image import": ([call("POST", "/images/create", "fromSrc=-&repo=mine&tag=v1", "mine:v1")],
                     [PULL]),
    "image ls": ([call("GET", "/images/json")], [call("GET", "/images/memcached/json")]),
    "image inspect": ([call("GET", "/images/memcached/json")], [call("GET", "/images/json")]),
    "image history": ([call("GET", "/images/memcached/history")],
                      [call("GET", "/images/memcached/json")]),
    "image tag": ([call("POST", "/images/memcached/tag", "repo=docker.io%2Flibrary%2Fmine&tag=v1",
                        "mine:v1", 201, "sandbox")],
                  [call("POST", "/images/mine/push", "tag=v1")]),
    "image rm": ([call("DELETE", "/images/memcached", object="memcached", decision="sandbox")],
                 [call("DELETE", "/containers/memcached", decision="sandbox", status=204)]),
    "image prune": ([PRUNE_IMAGES], [PRUNE_CONTAINERS]),
    "image build": ([call("POST", "/build", "dockerfile=Dockerfile&t=built%3A1&version=1",
                          "built:1", decision="sandbox")],
                    [call("POST", "/build/prune", "filters=", decision="sandbox")]),
    "image save": ([call("GET", "/images/get", "names=busybox")],
                   [call("GET", "/images/busybox/json")]),
    "image load": ([call("POST", "/images/load", "quiet=1", "busybox:latest", 200, "sandbox")],
                   [PULL]),
    "image push": ([call("POST", "/images/docker.io/library/mine/push", "tag=v1")],
                   [call("POST", "/images/mine/tag", "repo=mine&tag=v2", status=201)]),
    "container create": ([CREATE_WEB], [call("POST", f"/containers/{WEB_ID}/start", status=204)]),
    "container run": ([CREATE_WEB, call("POST", f"/containers/{WEB_ID}/start", status=204)],
                      [CREATE_WEB]),
    "container start": ([call("POST", "/containers/web/start", status=204)],
                        [call("POST", "/containers/web/restart", "t=1", "web", 204, "sandbox")]),
    "container stop": ([call("POST", "/containers/web/stop", "t=1", "web", 204, "sandbox")],
                       [call("POST", "/containers/web/kill", "", "web", 204, "sandbox")]),
    "container restart": ([call("POST", "/containers/web/restart", "t=1", "web", 204, "sandbox")],
                          [call("POST", "/containers/web/start", status=204)]),
    "container kill": ([call("POST", "/containers/web/kill", "", "web", 204, "sandbox")],
                       [call("POST", "/containers/web/stop", "t=1", "web", 204, "sandbox")]),
    "container pause": ([call("POST", "/containers/web/pause", status=204)],
                        [call("POST", "/containers/web/unpause", status=204)]),
    "container unpause": ([call("POST", "/containers/web/unpause", status=204)],
                          [call("POST", "/containers/web/pause", status=204)]),
    "container rename": ([call("POST", "/containers/web/rename", "name=www", status=204)],
                         [call("GET", "/containers/web/json")]),
    "container rm": ([call("DELETE", "/containers/web", object="web", status=204,
                           decision="sandbox")],
                     [call("DELETE", "/images/web", object="web", decision="sandbox")]),
    "container exec": ([call("GET", "/containers/web/json"),
                        call("POST", "/containers/web/exec", status=201)],
                       [call("POST", "/exec/66f5e30e71b2/start", status=101)]),
    "container commit": ([call("POST", "/commit", "author=&comment=&container=web&repo=docker.io"
                               "%2Flibrary%2Fsnap&tag=v1", "sha256:848e53a45bab", 201, "sandbox")],
                         [call("POST", "/images/web/tag", "repo=snap&tag=v1", status=201)]),
    "container inspect": ([call("GET", "/containers/web/json")], [call("GET", "/containers/json")]),
    "container ls": ([call("GET", "/containers/json", "all=1")],
                     [call("GET", "/containers/web/json")]),
    "container logs": ([call("GET", f"/containers/{WEB_ID}/logs", "stderr=1&stdout=1&tail=all")],
                       [call("GET", "/containers/web/top")]),
    "container top": ([call("GET", "/containers/web/top")],
                      [call("GET", "/containers/web/logs", "stdout=1")]),
    "container stats": ([call("GET", "/containers/web/stats", "stream=0")],
                        [call("GET", "/containers/web/top")]),
    "container diff": ([call("GET", "/containers/web/changes")],
                       [call("GET", "/containers/web/export")]),
    "container export": ([call("GET", "/containers/web/export")],
                         [call("GET", "/containers/web/changes")]),
    "container cp": ([call("HEAD", "/containers/web/archive", "path=%2Fetc"),
                      call("GET", "/containers/web/archive", "path=%2Fetc%2Fhosts")],
                     [call("HEAD", "/containers/web/archive", "path=%2Fetc")]),
    "container prune": ([PRUNE_CONTAINERS], [PRUNE_IMAGES]),
    "volume create": ([call("POST", "/volumes/create", object="v1", status=201)],
                      [call("POST", "/networks/create", status=201)]),
    "volume rm": ([call("DELETE", "/volumes/v1", object="v1", status=204, decision="sandbox")],
                  [call("DELETE", "/networks/v1", object="v1", status=204, decision="sandbox")]),
    "volume ls": ([call("GET", "/volumes")], [call("GET", "/networks")]),
    "volume inspect": ([call("GET", "/volumes/v1")], [call("GET", "/volumes")]),
    "volume prune": ([call("POST", "/volumes/prune", decision="sandbox")], [PRUNE_NETWORKS]),
    "network create": ([call("POST", "/networks/create", object="9f8e7d6c5b4a", status=201)],
                       [call("POST", "/volumes/create", object="n1", status=201)]),
    "network rm": ([call("GET", "/networks/n1"),
                    call("DELETE", "/networks/n1", object="n1", status=204, decision="sandbox")],
                   [call("DELETE", "/volumes/n1", object="n1", status=204, decision="sandbox")]),
    "network ls": ([call("GET", "/networks")], [call("GET", "/networks/n1")]),
    "network inspect": ([call("GET", "/networks/n1")], [call("GET", "/networks")]),
    "network connect": ([call("POST", "/networks/n1/connect")],
                        [call("POST", "/networks/n1/disconnect")]),
    "network disconnect": ([call("POST", "/networks/n1/disconnect")],
                           [call("POST", "/networks/n1/connect")]),
    "network prune": ([PRUNE_NETWORKS], [call("POST", "/volumes/prune", decision="sandbox")]),
    "system df": ([call("GET", "/system/df")], [call("GET", "/info")]),
    "system info": ([call("GET", "/info")], [call("GET", "/version")]),
    "system events": ([call("GET", "/events", "since=1")], [call("GET", "/system/df")]),
    "system prune": ([PRUNE_CONTAINERS, PRUNE_NETWORKS, PRUNE_IMAGES,
                      call("POST", "/build/prune", "filters=", decision="sandbox")],
                     [PRUNE_CONTAINERS, PRUNE_IMAGES]),
    "builder prune": ([call("POST", "/build/prune", "filters=", decision="sandbox")],
                      [call("POST", "/build", "t=x")]),
}
PING = call("HEAD", "/_ping")


def test_every_action_of_the_vocabulary_has_its_case():
    assert sorted(CASES) == sorted(ACTIONS)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_the_clis_requests_prove_the_action(action):
    proof, _ = CASES[action]
    assert passes(action, PING, *proof)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_near_miss_does_not(action):
    _, near_miss = CASES[action]
    assert not passes(action, PING, *near_miss)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_request_the_engine_failed_or_the_guard_refused_proves_nothing(action):
    proof, _ = CASES[action]
    failed = [dict(c, status=404 if c["method"] != "GET" else 500) for c in proof]
    refused = [dict(c, status=403, decision="refused") for c in proof]
    said_no = [dict(c, status=403, decision="no") for c in proof]
    assert not any(passes(action, *calls) for calls in (failed, refused, said_no))


@pytest.mark.parametrize("action", sorted(a for a, parts in ACTIONS.items() if len(parts) == 1))
def test_each_single_request_is_named_in_the_clis_words(action):
    proof, _ = CASES[action]
    assert action in [found[0] for found in map(action_of, proof) if found]


class TestNames:
    @pytest.mark.parametrize("name", ["memcached", "memcached:latest",
                                      "docker.io/library/memcached:latest", "library/memcached"])
    def test_an_image_is_named_as_the_student_names_it(self, name):
        assert passes("image pull", PULL, name=name)

    @pytest.mark.parametrize("name", ["memcached:1.6", "httpd", "mem"])
    def test_another_image_is_not(self, name):
        assert not passes("image pull", PULL, name=name)

    def test_a_tag_is_not_a_pull_of_the_image_it_names(self):
        tag = call("POST", "/images/python:3.9/tag", "repo=docker.io%2Flibrary%2Fmemcached&"
                   "tag=latest", "memcached:latest", 201, "sandbox")
        assert not passes("image pull", tag, name="memcached")
        assert passes("image tag", tag, name="memcached")
        assert passes("image tag", tag, name="python:3.9")

    def test_a_pull_names_its_tag_and_its_digest(self):
        web = call("POST", "/images/create", "fromImage=docker.io%2Flibrary%2Fhttpd&tag=2-alpine")
        pinned = call("POST", "/images/create", "fromImage=docker.io%2Flibrary%2Fhttpd&tag="
                      "sha256%3A" + "a" * 64)
        assert passes("image pull", web, name="httpd:2-alpine")
        assert not passes("image pull", web, name="httpd")
        assert passes("image pull", pinned, name="httpd@sha256:" + "a" * 64)

    def test_a_removal_names_the_image_removed(self):
        removed = call("DELETE", "/images/httpd:2-alpine", object="httpd:2-alpine",
                       decision="sandbox")
        assert passes("image rm", removed, name="httpd:2-alpine")
        assert not passes("image rm", removed, name="memcached")

    def test_a_container_run_by_name_is_started_by_its_id(self):
        start = call("POST", f"/containers/{WEB_ID}/start", status=204)
        assert passes("container run", CREATE_WEB, start, name="web")
        assert passes("container start", CREATE_WEB, start, name="web")
        assert not passes("container run", CREATE_WEB, start, name="db")
        assert passes("container start", CREATE_WEB, call("POST", "/containers/de0c3c312a4c/start",
                                                          status=204), name="web")

    def test_logs_looked_up_by_name_are_asked_by_id(self):
        logs = call("GET", f"/containers/{WEB_ID}/logs", "stdout=1")
        assert passes("container logs", call("GET", "/containers/web/json"), logs, name="web")
        assert not passes("container logs", call("GET", "/containers/db/json"), logs, name="web")
        assert not passes("container logs", logs, name="web")

    def test_a_commit_names_its_container_and_the_image_it_writes(self):
        commit = CASES["container commit"][0][0]
        assert passes("container commit", commit, name="web")
        assert passes("container commit", commit, name="snap:v1")
        assert not passes("container commit", commit, name="snap")

    def test_a_volume_and_a_build_are_named_too(self):
        assert passes("volume create", *CASES["volume create"][0], name="v1")
        assert not passes("volume create", *CASES["volume create"][0], name="v2")
        assert passes("image build", *CASES["image build"][0], name="built:1")
        assert passes("image save", *CASES["image save"][0], name="busybox")

    def test_the_name_takes_the_labs_variables(self):
        ctx = context(PULL, values={"cache_image": "memcached"})
        assert evaluate(check("image pull", name="{cache_image}"), ctx).passed


class TestCountsAndChoices:
    def test_count_is_a_minimum(self):
        listing = call("GET", "/images/json")
        assert not passes("image ls", listing, count=2)
        assert passes("image ls", listing, listing, count=2)

    def test_an_action_of_several_requests_counts_its_rarest_one(self):
        prunes = CASES["system prune"][0]
        assert passes("system prune", *prunes, *prunes, count=2)
        assert not passes("system prune", *prunes, PRUNE_IMAGES, PRUNE_CONTAINERS, count=2)

    def test_a_list_of_actions_takes_any_of_them(self):
        assert passes(["system df", "image ls"], call("GET", "/images/json"))
        assert not passes(["system df", "image ls"], call("GET", "/info"))

    def test_the_model_refuses_an_action_outside_the_vocabulary(self):
        from pydantic import ValidationError

        for wrong in ("docker pull", "image pul", [], 3):
            with pytest.raises(ValidationError):
                check(wrong)
        with pytest.raises(ValidationError):
            check("image ls", count=0)


class TestNot:
    def test_not_passes_when_no_such_request_was_made(self):
        negated = check("image pull", name="memcached", **{"not": True})
        assert evaluate(negated, context(call("GET", "/images/json"))).passed
        assert not evaluate(negated, context(PULL)).passed

    def test_without_the_guards_record_it_fails_even_under_not(self):
        unrecorded = CheckContext([], None, {}, lambda: None, engine_calls=None)
        for negate in (False, True):
            result = evaluate(check("image pull", **{"not": negate}), unrecorded)
            assert not result.passed
            assert result.problems[0].what.key == "check.engine_call_unrecorded"


class TestText:
    def test_the_summary_says_what_was_expected_in_both_languages(self):
        result = evaluate(check("image pull", name="memcached"), context())
        assert result.summary.text("en") == "the engine was asked for `image pull` of memcached"
        assert result.summary.text("fr") == ("le moteur a reçu une demande `image pull` pour "
                                             "memcached")
        several = evaluate(check(["system df", "image ls", "image inspect"], count=2), context())
        assert several.summary.text("en") == ("the engine was asked for `system df`, `image ls` "
                                              "or `image inspect`, at least 2 times")
        assert "ou `image inspect`, au moins 2 fois" in several.summary.text("fr")

    def test_the_problem_lists_the_requests_seen_instead(self):
        tag = call("POST", "/images/python:3.9/tag", "repo=memcached&tag=latest", status=201)
        refused = call("DELETE", "/images/memcached", status=403, decision="refused")
        result = evaluate(check("image pull", name="memcached"),
                          context(PING, tag, refused, call("GET", "/version")))
        problem = result.problems[0]
        assert problem.expected == "image pull memcached"
        assert problem.actual == ("image tag python:3.9 memcached:latest → 201\n"
                                  "image rm memcached:latest → 403 refused\nGET /version → 200")

    def test_only_the_last_requests_are_shown(self):
        calls = [call("GET", f"/images/img{i}/json") for i in range(SHOWN_CALLS + 3)]
        actual = evaluate(check("image ls"), context(*calls)).problems[0].actual.splitlines()
        assert actual[0] == "… (+3)" and len(actual) == SHOWN_CALLS + 1
        assert actual[-1] == f"image inspect img{SHOWN_CALLS + 2}:latest → 200"

    def test_no_request_at_all_is_a_dash(self):
        assert evaluate(check("system df"), context()).problems[0].actual == "-"
