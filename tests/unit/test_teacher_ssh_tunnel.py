"""The ssh forward of `labrunner check --engine ssh://…` when the ssh command itself is wrong:
a translated error and its exit code, never a traceback; no ssh server is needed for these."""

from __future__ import annotations

import tempfile

import pytest

from runner.errors import EngineUnreachable, UsageError
from runner.teacher.ssh_tunnel import SshTunnel

URL = "ssh://teacher@127.0.0.1:1/var/run/docker.sock"


def test_a_missing_ssh_command_is_an_unreachable_engine(monkeypatch, tmp_path):
    monkeypatch.setenv("LABRUNNER_SSH", "nonexistent-ssh -F cfg")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(EngineUnreachable) as caught, SshTunnel(URL) as tunnel:
        tunnel.open()
    assert caught.value.exit_code == 3
    assert caught.value.message("en").startswith(
        f"cannot reach the engine over ssh at {URL}: nonexistent-ssh: ")
    assert "impossible de joindre le moteur par ssh" in caught.value.message("fr")
    assert not list(tmp_path.iterdir())  # the socket's folder is removed


@pytest.mark.parametrize("setting", ["ssh -F 'my config", "ssh \\", "   "])
def test_a_setting_a_shell_cannot_read_is_bad_input(monkeypatch, setting):
    monkeypatch.setenv("LABRUNNER_SSH", setting)
    with pytest.raises(UsageError) as caught, SshTunnel(URL) as tunnel:
        tunnel.open()
    assert caught.value.exit_code == 2
    assert caught.value.message("en").startswith("LABRUNNER_SSH is not a command a shell")
    assert setting in caught.value.message("fr") and "guillemet" in caught.value.message("fr")


@pytest.mark.parametrize(("setting", "status"), [("nonexistent-ssh", 3), ("ssh 'open", 2)])
def test_check_over_ssh_with_a_bad_ssh_exits_with_its_code(monkeypatch, capsys, setting,
                                                            status):
    from runner.cli import main

    monkeypatch.setenv("LABRUNNER_SSH", setting)
    assert main(["check", "build-image-exercise", "--engine", URL, "--lang", "en"]) == status
    err = capsys.readouterr().err
    assert "ssh" in err.lower() and "Traceback" not in err and "internal" not in err.lower()
