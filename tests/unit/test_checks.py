"""Each check type passes and fails on hand-made state (fakes stand in for the engine here;
tests/docker/test_checks_engine.py runs every type against the real engine)."""

from __future__ import annotations

import os
import stat
from types import SimpleNamespace

import pytest

from runner.checks import evaluate
from runner.checks.base import CheckContext
from runner.checks.container import ContainerCheck
from runner.checks.container_layer import ContainerLayerCheck
from runner.checks.image import ImageCheck
from runner.checks.output import OutputCheck
from runner.checks.path import PathCheck
from runner.engines.profile import EngineProfile
from runner.shell.session import CommandResult


def profile(docker_root: str = "/nonexistent", visible: bool = True, kind: str = "linux"):
    return EngineProfile(kind, "unix:///fake.sock", docker_root, "overlay2", "20.10", visible)


def context(results=(), docker=None, **profile_args) -> CheckContext:
    return CheckContext(list(results), profile(**profile_args), {"name": "www"},
                        lambda: docker)


def result(output: str, exit_code: int | None = 0, timed_out: bool = False) -> CommandResult:
    return CommandResult("cmd", exit_code, output, timed_out, 0.1)


class TestOutput:
    def test_passes_when_everything_matches(self):
        check = OutputCheck(type="output", exit_code=0, contains=["Pull complete", "nginx"],
                            not_contains="Error", regex=r"^Digest: sha256:[0-9a-f]{4}")
        out = result("abc: Pull complete\nDigest: sha256:1234\nnginx:latest\n")
        assert evaluate(check, context([out])).status == "pass"

    def test_reports_every_problem_with_expected_and_actual(self):
        check = OutputCheck(type="output", exit_code=0, contains="hello", not_contains="Error",
                            regex="^done$")
        outcome = evaluate(check, context([result("Error: boom\n", exit_code=1)]))
        assert outcome.status == "fail"
        assert [(p.expected, p.actual) for p in outcome.problems] == [
            ("0", "1"), ("hello", "Error: boom"), ("Error", "Error: boom"),
            ("^done$", "Error: boom")]

    def test_picks_the_numbered_command_and_strips_colour_codes(self):
        check = OutputCheck(type="output", command=1, contains="first")
        results = [result("\x1b[32mfirst\x1b[0m\n"), result("second\n")]
        assert evaluate(check, context(results)).status == "pass"
        assert evaluate(OutputCheck(type="output", contains="first"),
                        context(results)).status == "fail"

    def test_a_timed_out_command_fails_even_without_exit_code(self):
        check = OutputCheck(type="output", contains="x")
        outcome = evaluate(check, context([result("x", exit_code=None, timed_out=True)]))
        assert outcome.status == "fail"

    def test_variables_are_substituted_in_expectations(self):
        check = OutputCheck(type="output", contains="{name} started")
        assert evaluate(check, context([result("www started\n")])).status == "pass"


class TestPath:
    def test_glob_exists_and_absent(self, tmp_path):
        (tmp_path / "abc" / "diff").mkdir(parents=True)
        (tmp_path / "abc" / "diff" / "MYFILE").write_text("hi there")
        ctx = context(docker_root=str(tmp_path))
        found = PathCheck(type="path", path=f"{tmp_path}/*/diff/MYFILE", contains="there")
        assert evaluate(found, ctx).status == "pass"
        gone = PathCheck(type="path", path=f"{tmp_path}/*/diff/MYFILE", state="absent")
        outcome = evaluate(gone, ctx)
        assert outcome.status == "fail"
        assert str(tmp_path / "abc/diff/MYFILE") in outcome.problems[0].actual

    def test_missing_path_and_wrong_contents_fail(self, tmp_path):
        (tmp_path / "f").write_text("abc")
        assert evaluate(PathCheck(type="path", path=f"{tmp_path}/nope*"),
                        context()).status == "fail"
        assert evaluate(PathCheck(type="path", path=f"{tmp_path}/f", contains="zzz"),
                        context()).status == "fail"

    def test_skips_inside_a_docker_root_this_machine_cannot_see(self, tmp_path):
        ctx = context(docker_root=str(tmp_path), visible=False, kind="desktop")
        outcome = evaluate(PathCheck(type="path", path=f"{tmp_path}/overlay2/*"), ctx)
        assert outcome.status == "skip"
        assert outcome.note.key == "check.docker_root_invisible"


class FakeApi:
    def __init__(self, containers: dict[str, dict], diffs: dict[str, list] | None = None,
                 images: dict[str, str] | None = None):
        self.containers = containers
        self.diffs = diffs or {}
        self.images = images or {}  # reference -> image id

    def inspect_image(self, name):
        from docker.errors import ImageNotFound

        if name not in self.images:
            raise ImageNotFound(name)
        return {"Id": self.images[name]}

    def inspect_container(self, name):
        from docker.errors import NotFound

        if name not in self.containers:
            raise NotFound(name)
        return self.containers[name]

    def diff(self, name):
        return self.diffs.get(name, [])


def fake_docker(images=None, containers=None, diffs=None):
    return SimpleNamespace(api=FakeApi(containers or {}, diffs, images))


class TestImage:
    def test_present_absent_and_same_id(self):
        docker = fake_docker(images={"nginx:latest": "sha256:a", "nginx:blog": "sha256:a",
                                     "alpine:latest": "sha256:b"})
        ctx = context(docker=docker)
        assert evaluate(ImageCheck(type="image", name="nginx:latest"), ctx).status == "pass"
        assert evaluate(ImageCheck(type="image", name="nginx:blog", same_as="nginx:latest"),
                        ctx).status == "pass"
        wrong = evaluate(ImageCheck(type="image", name="alpine:latest", same_as="nginx:latest"),
                         ctx)
        assert wrong.status == "fail" and wrong.problems[0].actual == "sha256:a"
        absent = evaluate(ImageCheck(type="image", name="httpd:2", state="present"), ctx)
        assert absent.status == "fail" and absent.problems[0].actual == "absent"


class TestContainer:
    @pytest.mark.parametrize(("wanted", "actual", "status"), [
        ("running", "running", "pass"), ("exited", "running", "fail"),
        ("present", "exited", "pass"), ("absent", "absent", "pass"), ("running", "absent", "fail"),
    ])
    def test_states(self, wanted, actual, status):
        containers = {} if actual == "absent" else {"www": {"State": {"Status": actual}}}
        ctx = context(docker=fake_docker(containers=containers))
        assert evaluate(ContainerCheck(type="container", name="{name}", state=wanted),
                        ctx).status == status

    def test_retry_counts_attempts_and_still_fails(self):
        ctx = context(docker=fake_docker(containers={"www": {"State": {"Status": "exited"}}}))
        check = ContainerCheck(type="container", name="www", retry={"attempts": 3, "delay": 0})
        outcome = evaluate(check, ctx)
        assert outcome.status == "fail" and outcome.attempts == 3

    def test_only_on_skips_other_engines(self):
        check = ContainerCheck(type="container", name="www", only_on=["desktop"])
        assert evaluate(check, context()).status == "skip"


class TestContainerLayer:
    def layer(self, tmp_path):
        upper, lower = tmp_path / "upper", tmp_path / "lower"
        upper.mkdir()
        (lower / "etc").mkdir(parents=True)
        (lower / "etc" / "motd").write_text("image")
        (lower / "gone").write_text("image")
        (upper / "MYFILE").write_text("")
        (upper / "etc").mkdir()
        (upper / "etc" / "motd").write_text("changed")
        details = {"GraphDriver": {"Data": {"UpperDir": str(upper), "LowerDir": str(lower)}}}
        return upper, details

    @pytest.mark.parametrize(("path", "change"), [("/MYFILE", "added"),
                                                  ("/etc/motd", "changed")])
    def test_reads_the_upper_dir_on_disk(self, tmp_path, path, change):
        _, details = self.layer(tmp_path)
        ctx = context(docker=fake_docker(containers={"www": details}))
        outcome = evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                                path=path, change=change), ctx)
        assert outcome.status == "pass"
        assert outcome.note.key == "check.change_via_upperdir"
        other = "deleted"
        assert evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                             path=path, change=other), ctx).status == "fail"

    @pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a whiteout needs root")
    def test_a_whiteout_is_a_deletion(self, tmp_path):
        upper, details = self.layer(tmp_path)
        os.mknod(upper / "gone", stat.S_IFCHR | 0o600, os.makedev(0, 0))
        ctx = context(docker=fake_docker(containers={"www": details}))
        check = ContainerLayerCheck(type="container_layer", name="www", path="/gone",
                                     change="deleted")
        assert evaluate(check, ctx).status == "pass"

    def test_falls_back_to_the_diff_api_when_the_layer_is_not_visible(self, tmp_path):
        _, details = self.layer(tmp_path)
        docker = fake_docker(containers={"www": details},
                             diffs={"www": [{"Path": "/MYFILE", "Kind": 1}]})
        ctx = context(docker=docker, visible=False, kind="desktop")
        outcome = evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                                path="MYFILE"), ctx)
        assert outcome.status == "pass" and outcome.note.key == "check.change_via_api"
        absent = ContainerLayerCheck(type="container_layer", name="www", path="/MYFILE",
                                      **{"not": True})
        assert evaluate(absent, ctx).status == "fail"

    def test_missing_container_fails(self):
        ctx = context(docker=fake_docker())
        outcome = evaluate(ContainerLayerCheck(type="container_layer", name="www",
                                                path="/MYFILE"), ctx)
        assert outcome.status == "fail" and outcome.problems[0].actual == "absent"


def test_typed_reads_what_was_typed_else_the_commands_run():
    from dataclasses import replace

    from runner.checks.typed import TypedCheck

    check = TypedCheck(type="typed", regex=r"docker\s+system\s+df")
    ctx = context()
    assert evaluate(check, replace(ctx, typed=["docker images", "docker system df -v"])).passed
    assert not evaluate(check, replace(ctx, typed=["docker images"])).passed
    ran = [CommandResult("docker system df", 0, "", False, 0.1)]
    assert evaluate(check, replace(ctx, results=ran)).passed
