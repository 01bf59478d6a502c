"""Run records: written atomically while a run goes on, gone however it ends; a record whose
process is gone, or whose pid now belongs to another process, is a run killed outright."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from runner.run import records
from runner.shell.owner import process_start_time

GONE_PID = 4_194_999  # above Linux's largest pid_max: no process ever has it


def record(pid: int = GONE_PID, start: str = "12345", lab_id: str = "demo",
           endpoint: str = "unix:///sandbox.sock") -> records.RunRecord:
    return records.RunRecord(pid, start, lab_id, "/labs/demo.yaml", endpoint, "/tmp/work",
                             "2026-11-29 10:00:00")


def test_the_current_process_is_alive_and_a_missing_pid_is_dead():
    assert not records.this_run("demo", Path("demo.yaml"), "unix:///x", Path("w")).is_dead()
    assert record().is_dead()


def test_a_reused_pid_is_not_mistaken_for_the_earlier_run():
    # Our pid, but another start time: the process that wrote the record is gone.
    assert process_start_time(os.getpid())
    assert record(pid=os.getpid(), start="1").is_dead()


def test_the_record_is_written_atomically_and_read_back(tmp_path):
    written = records.write(tmp_path, record())
    assert written.path == tmp_path / f"{GONE_PID}.json"
    assert [p.name for p in tmp_path.iterdir()] == [f"{GONE_PID}.json"]  # no partial file left
    body = json.loads(written.path.read_text())
    assert body["lab_id"] == "demo" and body["process_start"] == "12345" and "path" not in body
    assert records.read_all(tmp_path) == [record()]


def test_the_default_folder_follows_xdg_state_home(tmp_path):
    assert records.runs_folder({"XDG_STATE_HOME": str(tmp_path)}) == tmp_path / "labrunner/runs"
    assert records.runs_folder({}) == Path.home() / ".local/state/labrunner/runs"


def test_killed_runs_are_this_lab_s_on_this_engine_and_dead_only(tmp_path):
    records.write(tmp_path, record())
    records.write(tmp_path, record(pid=GONE_PID + 1, lab_id="other"))
    records.write(tmp_path, record(pid=GONE_PID + 2, endpoint="unix:///other.sock"))
    alive = records.this_run("demo", Path("demo.yaml"), "unix:///sandbox.sock", Path("w"))
    records.write(tmp_path, alive)
    (tmp_path / "99.json").write_text("{not json")  # damaged: skipped, never fatal
    assert [r.pid for r in records.killed_runs(tmp_path, "demo", "unix:///sandbox.sock")] == [
        GONE_PID]


@pytest.mark.parametrize("ending", [None, RuntimeError, KeyboardInterrupt, SystemExit])
def test_the_record_is_gone_however_the_run_ends(tmp_path, ending):
    mine = records.this_run("demo", Path("demo.yaml"), "unix:///x", Path("w"))
    try:
        with records.recorded(tmp_path, mine) as written:
            assert written.path.exists()
            if ending is not None:
                raise ending()
    except (RuntimeError, KeyboardInterrupt, SystemExit):
        pass
    assert list(tmp_path.iterdir()) == []


def test_forgetting_an_earlier_run_spares_a_new_run_that_reused_its_pid(tmp_path):
    earlier = records.write(tmp_path, record())
    records.write(tmp_path, replace(record(), process_start="999"))  # same pid, another run
    records.forget(earlier)
    assert [r.process_start for r in records.read_all(tmp_path)] == ["999"]


def test_every_state_of_labrunner_lives_under_one_state_home(tmp_path, monkeypatch):
    from runner.resources import cache_home, state_home
    from runner.sandbox.paths import default_state_dir

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("LABRUNNER_SANDBOX_DIR", raising=False)
    assert state_home() == tmp_path / "state" / "labrunner"
    assert default_state_dir() == state_home() / "sandbox"
    assert records.runs_folder(os.environ) == state_home() / "runs"
    assert cache_home() == tmp_path / "cache" / "labrunner"
