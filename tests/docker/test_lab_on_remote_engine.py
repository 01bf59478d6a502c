"""The find-MYFILE lab on an engine whose files are not on this machine (the sandbox reached
through tcp://127.0.0.1, as Docker Desktop or a remote engine is): with --host-helper the
storage steps run their `remote` form and every path check reads the engine host's files
through the helper container; without consent those checks skip, saying why. The helper is
gone when the run ends."""

from __future__ import annotations

import json

from tcp_forward import tcp_to_unix

from runner.cli import main
from runner.storage.helper_container import LABEL


def run_lab(url: str, report, *extra: str) -> int:
    return main(["run", "inspect-overlay2", "--auto", "--lang", "en", "--engine", url,
                 "--reporter", "plain", "--report", str(report), *extra])


def test_find_myfile_through_the_helper_on_a_remote_engine(sandbox_engine, clean_engine,
                                                             tmp_path, capsys):
    import docker

    with tcp_to_unix(sandbox_engine.docker_host) as url:
        code = run_lab(url, tmp_path / "r.json", "--host-helper")
        captured = capsys.readouterr()
        out = captured.out + captured.err
        leftover = docker.DockerClient(base_url=url).containers.list(
            all=True, filters={"label": LABEL})
    assert code == 0, out
    steps = {step["id"]: step for step in json.loads((tmp_path / "r.json").read_text())["steps"]}
    find = steps["find"]
    assert find["status"] == "passed" and find["variant"] == "remote", find
    path_checks = [check for check in find["checks"] if check["type"] == "path"]
    assert path_checks and all(check["status"] == "pass" for check in path_checks), find
    assert leftover == []
    calls = json.loads((tmp_path / "r.json").read_text())["engine_calls"]
    assert any(call["shell"] == "lab" and call["method"] == "POST"
               and "/containers/create" in call["endpoint"] for call in calls), calls[:5]


def test_without_consent_the_engine_files_are_not_read(sandbox_engine, clean_engine, tmp_path,
                                                       capsys):
    with tcp_to_unix(sandbox_engine.docker_host) as url:
        run_lab(url, tmp_path / "r.json")
    capsys.readouterr()
    steps = {step["id"]: step for step in json.loads((tmp_path / "r.json").read_text())["steps"]}
    skipped = [check for step in steps.values() for check in step["checks"]
               if check["type"] == "path" and check["status"] == "skip"]
    assert skipped, steps
