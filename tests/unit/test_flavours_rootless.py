"""The rootless flavour's safety checks: offline engine, files root touches in the user's home."""

import subprocess

import pytest

from runner.errors import SandboxError
from runner.sandbox import rootless


def _ip(answers: dict[str, tuple[int, str]]):
    """A fake `_run`: the answer whose key is in the command line, and the commands seen."""
    seen = []

    def run(command):
        seen.append(command)
        line = " ".join(command)
        code, out = next(answer for key, answer in answers.items() if key in line)
        return subprocess.CompletedProcess(command, code, out, "" if code == 0 else out)
    return run, seen


def test_the_engine_goes_offline_when_no_default_route_is_left(monkeypatch):
    run, seen = _ip({"del default": (0, ""), "show default": (0, "[]\n")})
    monkeypatch.setattr(rootless, "_run", run)
    rootless.go_offline(1234)
    assert seen[0][:5] == ["nsenter", "--target", "1234", "--net", "ip"]
    assert [command[-3:] for command in seen] == [
        ["route", "del", "default"], ["route", "show", "default"], ["route", "show", "default"]]


def test_a_failed_route_delete_fails_up(monkeypatch):
    run, _ = _ip({"del default": (2, "RTNETLINK answers: Operation not permitted"),
                  "show default": (0, "[]")})
    monkeypatch.setattr(rootless, "_run", run)
    with pytest.raises(SandboxError) as raised:
        rootless.go_offline(1234)
    assert raised.value.key == "flavour.rootless_not_offline"
    assert "Operation not permitted" in raised.value.params["detail"]


def test_a_default_route_left_behind_fails_up(monkeypatch):
    route = '[{"dst":"default","gateway":"10.0.2.2","dev":"tap0"}]'
    run, _ = _ip({"del default": (0, ""), "-4 -j route show": (0, route),
                  "-6 -j route show": (0, "[]")})
    monkeypatch.setattr(rootless, "_run", run)
    with pytest.raises(SandboxError) as raised:
        rootless.go_offline(1234)
    assert "10.0.2.2" in raised.value.params["detail"]


def test_no_routes_reads_ip_json():
    assert rootless.no_routes("[]\n")
    assert rootless.no_routes("")
    assert not rootless.no_routes('[{"dst":"default"}]')
    assert not rootless.no_routes("garbage")
