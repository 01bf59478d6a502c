"""Each rule that reads one report alone, one tamper at a time: the exact sentences it gives,
and the honest cases it must leave alone (automatic modes, tasks with no engine check)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.grade.reading import read_report
from runner.grade.report import Report
from runner.grade.rules import report_flags
from tests.unit.grade.report_factory import LAB_SHA, report, tampered, write


def flags_of(tmp_path: Path, data: dict) -> list[tuple[str, str]]:
    parsed = read_report(write(tmp_path, "r", data))
    assert isinstance(parsed, Report)
    return [(flag.code.value, flag.key.removeprefix("grade.flag_"))
            for flag in report_flags(parsed, LAB_SHA)]


def _result(data: dict, index: int) -> dict:
    return data["steps"][index]["result"]


def _attempt(data: dict, index: int) -> dict:
    return _result(data, index)["attempts"][0]


TAMPERS = {
    "duration": (lambda d: d.update(duration=d["duration"] + 600), "time_duration"),
    "attempts longer than the run": (
        lambda d: d.update(duration=30, finished=d["started"].replace(":00Z", ":30Z")),
        "time_sum"),
    "attempt backwards": (
        lambda d: _attempt(d, 1).update(closed=_attempt(d, 1)["opened"].replace(
            "T09", "T08")), "time_attempt_backwards"),
    "command outside its attempt": (
        lambda d: _attempt(d, 2)["commands"][0].update(at="2026-11-29T12:00:00Z"),
        "time_command"),
    "unreadable time": (lambda d: _attempt(d, 0).update(opened="yesterday"),
                        "time_unreadable"),
    "time without zone": (lambda d: d.update(started="2026-11-29T09:00:00"),
                          "time_unreadable"),
    "total": (lambda d: d["grade"].update(total=9, percent=round(500 / 9, 1)), "sum_total"),
    "passed below the mark": (lambda d: d["grade"].update(pass_mark=100, passed=True)
                              or _result(d, 4).update(how="skipped", credited=False,
                                                      earned=0, reason="x")
                              or d["grade"].update(earned=4, percent=80.0)
                              or d.update(status="incomplete"), "passed"),
    "percent null": (lambda d: d["grade"].update(percent=None), "percent"),
    "status passed with a task skipped": (
        lambda d: _result(d, 4).update(how="skipped", credited=False, earned=0, reason="x")
        or d["grade"].update(earned=4, percent=80.0), "status_passed"),
    "earned more than points": (
        lambda d: _result(d, 0).update(earned=3) or d["grade"].update(
            earned=7, percent=140.0), "task_points"),
    "hints without a hint": (lambda d: _result(d, 0).update(how="hints"), "task_how"),
    "student with the solution shown": (lambda d: _result(d, 0).update(solution="shown"),
                                        "task_how"),
}


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_each_tamper_gives_its_sentence(tmp_path, name):
    change, key = TAMPERS[name]
    found = flags_of(tmp_path, tampered(report("alice", 0), change, True))
    assert key in [found_key for _, found_key in found], found


def test_an_honest_report_earns_no_flag(tmp_path):
    assert flags_of(tmp_path, report("alice", 0, tries=3)) == []


def test_an_interrupted_task_and_a_command_without_a_time_are_honest(tmp_path):
    def interrupted(data: dict) -> None:
        result = _result(data, 4)
        result.update(how="not_reached", credited=False, earned=0, reason="not reached",
                      hints=1)
        result["attempts"][0]["commands"].append({"text": "docker rmi x", "exit_code": None,
                                                  "at": None})
        data["grade"].update(earned=4, percent=80.0)
        data["status"] = "interrupted"

    assert flags_of(tmp_path, tampered(report("alice", 0), interrupted, True)) == []


def test_no_evidence_names_only_tasks_checked_on_the_engine(tmp_path):
    def silent(data: dict) -> None:
        data["engine_calls"] = []
        for step in data["steps"]:
            for attempt in step["result"]["attempts"]:
                attempt["engine_calls"] = []

    data = tampered(report("alice", 0), silent, True)
    parsed = read_report(write(tmp_path, "r", data))
    (flag,) = report_flags(parsed, LAB_SHA)
    assert flag.params == {"tasks": "pull-cache, list-images, disk-usage, remove-both"}
    assert "write-notes" not in flag.text("en")  # a `path` check needs no engine call


def test_the_teachers_check_needs_no_student_shell_nor_human_speed(tmp_path):
    def teacher_check(data: dict) -> None:
        data["mode"] = "check"
        data["engine_calls"] = []
        for step in data["steps"]:
            for attempt in step["result"]["attempts"]:
                attempt["engine_calls"] = []
                attempt["closed"] = attempt["opened"]
                for command in attempt["commands"]:
                    command["at"] = attempt["opened"]

    assert flags_of(tmp_path, tampered(report("alice", 0), teacher_check, True)) == []


def test_a_digest_that_is_not_a_string_counts_as_missing(tmp_path):
    data = report("alice", 0)
    data["digest"] = {"sha256": "x"}
    assert flags_of(tmp_path, data) == [("digest", "digest_missing")]


def test_a_lone_surrogate_cannot_match_a_digest(tmp_path):
    data = tampered(report("alice", 0), lambda d: d.update(host="\ud800"), False)
    path = tmp_path / "r.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII escapes: \ud800 stays
    parsed = read_report(path)
    assert [flag.key for flag in report_flags(parsed, LAB_SHA)] == ["grade.flag_digest_wrong"]
