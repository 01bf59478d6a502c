"""The rootless flavour's safety checks: offline engine, files root touches in the user's home."""

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from runner.errors import SandboxError
from runner.sandbox import rootless
from runner.sandbox.state import MARKER


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


def _layout(tmp_path):
    from runner.sandbox.paths import Layout

    home = tmp_path / "homes" / "sandbox-1"
    (tmp_path / "homes").mkdir()
    (tmp_path / "state").mkdir()
    return Layout(tmp_path / "state", home / "run", None, "rootless", home)


def _user(tmp_path):
    from runner.sandbox.rootless_user import RootlessUser

    return RootlessUser("me", os.getuid(), os.getgid(), tmp_path / "homes")


def test_a_home_that_is_a_symlink_is_refused_and_its_target_untouched(tmp_path):
    layout = _layout(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    layout.home.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SandboxError) as raised:
        rootless._prepare_home(layout, _user(tmp_path))
    assert raised.value.key == "flavour.rootless_home_symlink"
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_stale_home_is_remade_and_no_symlink_in_it_is_followed(tmp_path):
    layout = _layout(tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (layout.home / ".config").mkdir(parents=True)
    (layout.home / ".config" / "docker").symlink_to(victim)
    (layout.home / MARKER).symlink_to(victim / "marker")
    home = rootless._prepare_home(layout, _user(tmp_path))
    assert list(victim.iterdir()) == []
    assert not (home / ".config" / "docker").is_symlink()
    assert json.loads((home / ".config" / "docker" / "daemon.json").read_text())
    assert layout.run_dir.is_dir() and (home / MARKER).is_file()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_the_tun_node_is_made_afresh_in_the_state_folder(tmp_path, monkeypatch):
    made = []
    monkeypatch.setattr(rootless.os, "mknod", lambda path, *args: made.append(path) or
                        Path(path).write_text(""))
    layout = _layout(tmp_path)
    (layout.state_dir / "tun").write_text("stale")
    node = rootless.tun_node(layout, _user(tmp_path))
    assert node == layout.state_dir / "tun" and made == [node]
    assert node.read_text() == ""


def test_cleanup_stops_only_the_user_s_processes_naming_this_home(tmp_path, monkeypatch):
    import pwd

    home = tmp_path / "sandbox-1"
    user = pwd.struct_passwd(("labrunner-rootless", "x", 990, 990, "", str(tmp_path), ""))
    monkeypatch.setattr(rootless.pwd, "getpwnam", lambda name: user)
    mentioning = {f"{home}/": [11, 12, 13]}
    monkeypatch.setattr(rootless.processes, "processes_mentioning", mentioning.__getitem__)
    monkeypatch.setattr(rootless, "process_uid", {11: 990, 12: 0, 13: 990}.get)
    stopped = []
    monkeypatch.setattr(rootless.processes, "stop", lambda pid, grace: stopped.append(pid))
    rootless.stop_strays(home)
    assert stopped == [11, 13]  # 12 is root's: never stopped by this search


def test_cleanup_stops_nothing_when_the_user_does_not_exist(tmp_path, monkeypatch):
    def missing(name):
        raise KeyError(name)

    monkeypatch.setattr(rootless.pwd, "getpwnam", missing)
    monkeypatch.setattr(rootless.processes, "processes_mentioning",
                        lambda text: pytest.fail("searched without a user"))
    rootless.stop_strays(tmp_path)


def test_the_mirror_on_the_link_is_read_only_and_the_push_registry_is_not(tmp_path):
    from runner.sandbox import registry

    registry.write_config(tmp_path / "s", tmp_path / "ro.yml", "10.213.0.1:5000", readonly=True)
    registry.write_config(tmp_path / "s", tmp_path / "rw.yml", "127.0.0.1:5001", readonly=False)
    assert "readonly:\n      enabled: true" in (tmp_path / "ro.yml").read_text()
    assert "readonly:\n      enabled: false" in (tmp_path / "rw.yml").read_text()


def test_listening_reads_the_namespace_s_own_tcp_table(tmp_path, monkeypatch):
    from runner.sandbox import registry

    table = ("  sl  local_address rem_address   st\n"
             "   0: 0100007F:C350 00000000:0000 0A 00000000:00000000\n"
             "   1: 0100007F:C351 0100007F:C350 01 00000000:00000000\n")
    real = Path

    def fake(path):
        return tmp_path / "tcp" if str(path).endswith("/net/tcp") else real(path)

    (tmp_path / "tcp").write_text(table)
    monkeypatch.setattr(registry, "Path", fake)
    assert registry.listening(1, "127.0.0.1:50000")  # 0xC350, LISTEN
    assert not registry.listening(1, "127.0.0.1:50001")  # only an established connection


def test_the_user_s_home_is_made_root_s_so_the_user_can_replace_nothing_in_it(tmp_path,
                                                                             monkeypatch):
    from runner.sandbox import rootless_user

    owners = []
    monkeypatch.setattr(rootless_user.os, "fchown", lambda fd, uid, gid: owners.append((uid, gid)))
    home = tmp_path / "home"
    home.mkdir()
    home.chmod(0o777)
    rootless_user.secure_home(home)
    assert owners == [(0, 0)] and stat.S_IMODE(home.stat().st_mode) == 0o755
    (tmp_path / "link").symlink_to(home)
    with pytest.raises(SandboxError) as raised:
        rootless_user.secure_home(tmp_path / "link")
    assert raised.value.key == "flavour.rootless_home_symlink"
