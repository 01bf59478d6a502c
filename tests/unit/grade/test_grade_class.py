"""A generated class of 30 reports, honest students of every kind and each tamper at least
once: `grade` flags exactly the tampered ones, with the right codes, and no honest one."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from runner.grade.classroom import Classroom, Result, build_classroom
from runner.grade.reading import read_report, report_paths
from runner.grade.roster import Member
from runner.grade.summary import task_summaries
from tests.unit.grade.report_factory import (
    LAB_SHA,
    OTHER_LAB_SHA,
    TASKS,
    report,
    tampered,
    unattended,
    write,
)

HONEST_KINDS = [
    {}, {"pull-cache": "hints"}, {"disk-usage": "solution"}, {"remove-both": "skipped"},
    {"write-notes": "not_reached", "remove-both": "not_reached"}, {"list-images": "not_applies"},
    {"pull-cache": "hints", "list-images": "hints"}, dict.fromkeys((t[0] for t in TASKS),
                                                                   "skipped"),
]


def _step(data: dict, task_id: str) -> dict:
    return next(step for step in data["steps"] if step["id"] == task_id)


def _earn_skipped_task(data: dict) -> None:
    _step(data, "remove-both")["result"]["earned"] = 1


def _forge_full_marks(data: dict) -> None:
    """A careful forger: the skipped task made credited everywhere, sums and status too."""
    result = _step(data, "remove-both")["result"]
    result.update(how="student", credited=True, earned=1, reason="")
    data["grade"].update(earned=5, percent=100.0, passed=True)
    data["status"] = "passed"


def _other_lab(data: dict) -> None:
    data["lab"]["sha256"] = OTHER_LAB_SHA


def _zero_seconds(data: dict) -> None:
    for step in data["steps"]:
        for attempt in step["result"]["attempts"]:
            attempt["closed"] = attempt["opened"]
            for command in attempt["commands"]:
                command["at"] = attempt["opened"]


def _no_engine_calls(data: dict) -> None:
    data["engine_calls"] = []
    for step in data["steps"]:
        for attempt in step["result"]["attempts"]:
            attempt["engine_calls"] = []


def _no_digest(data: dict) -> None:
    del data["digest"]


def _ends_before_start(data: dict) -> None:
    data["started"], data["finished"] = data["finished"], data["started"]


def _percent_raised(data: dict) -> None:
    data["grade"]["percent"] = 90.0


def _forged_evidence(data: dict) -> None:
    """Engine calls pasted into a skipped task's attempts, not into the run's record."""
    step = _step(data, "remove-both")
    step["result"].update(how="student", credited=True, earned=1, reason="")
    call = {"time": 0, "shell": "student", "method": "DELETE", "endpoint": "/images/x",
            "query": "", "action": "", "object": "x", "decision": "forwarded", "status": 200}
    step["result"]["attempts"][0]["engine_calls"] = [call]
    data["grade"].update(earned=5, percent=100.0, passed=True)
    data["status"] = "passed"


# name -> (report, the codes grade must find)
def tampered_class() -> dict[str, tuple[dict, set[str]]]:
    skipped_last = {"remove-both": "skipped"}
    return {
        "t-earned": (tampered(report("t-earned", 40, skipped_last), _earn_skipped_task, False),
                     {"digest", "inconsistent"}),
        "t-earned-sealed": (tampered(report("t-earned-sealed", 41, skipped_last),
                                     _earn_skipped_task, True), {"inconsistent"}),
        "t-forged": (tampered(report("t-forged", 42, skipped_last), _forge_full_marks, True),
                     {"no_evidence"}),
        "t-lab": (tampered(report("t-lab", 43), _other_lab, True), {"lab_changed"}),
        "t-fast": (tampered(report("t-fast", 44), _zero_seconds, True), {"impossible_time"}),
        "t-silent": (tampered(report("t-silent", 45), _no_engine_calls, True), {"no_evidence"}),
        "t-nodigest": (tampered(report("t-nodigest", 46), _no_digest, False), {"digest"}),
        "t-backwards": (tampered(report("t-backwards", 47), _ends_before_start, True),
                        {"impossible_time"}),
        "t-percent": (tampered(report("t-percent", 48, skipped_last), _percent_raised, True),
                      {"inconsistent"}),
        "t-evidence": (tampered(report("t-evidence", 49, skipped_last), _forged_evidence, True),
                       {"inconsistent"}),
        "t-auto": (unattended("t-auto", 50), {"not_graded"}),
        "t-share-a": (report("t-share-a", 51, engine_id="SAME-ENGINE"), {"shared_engine"}),
        "t-share-b": (report("t-share-b", 52, engine_id="SAME-ENGINE"), {"shared_engine"}),
    }


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class")
    for index in range(15):  # 15 honest students, every kind of honest work
        kind = HONEST_KINDS[index % len(HONEST_KINDS)]
        write(folder, f"s{index:02d}", report(f"s{index:02d}", index, kind, tries=1 + index % 3))
    for name, (data, _) in tampered_class().items():
        write(folder, name, data)
    # t-dup ran twice: the earlier report is kept apart, the later one kept and flagged
    write(folder, "t-dup-first", report("t-dup", 53, {"remove-both": "skipped"}))
    write(folder, "t-dup-again", report("t-dup", 54))
    return folder


EXPECTED = {name: codes for name, (_, codes) in tampered_class().items()} | {
    "t-dup": {"duplicate"}}


def grade_folder(folder: Path, roster=None) -> Classroom:
    readings = [read_report(path) for path in report_paths([str(folder)])]
    return build_classroom(readings, roster, LAB_SHA)


def test_the_class_has_thirty_reports(class_folder):
    assert len(report_paths([str(class_folder)])) == 30


def test_exactly_the_tampered_reports_are_flagged_with_their_codes(class_folder):
    classroom = grade_folder(class_folder)
    flagged = {row.student: set(row.codes()) for row in classroom.rows if row.flags}
    assert flagged == EXPECTED
    honest = [row for row in classroom.rows if row.student.startswith("s")]
    assert len(honest) == 15 and all(row.flags == [] for row in honest)


def test_every_flag_kind_is_exercised(class_folder):
    from runner.grade.flag import FlagCode

    found = set().union(*EXPECTED.values())
    assert found == set(FlagCode) - {FlagCode.NOT_ON_ROSTER, FlagCode.UNREADABLE}


def test_the_duplicate_keeps_the_latest_report(class_folder):
    row = next(row for row in grade_folder(class_folder).rows if row.student == "t-dup")
    assert row.report.path.name == "t-dup-again.json"
    assert row.report.grade.earned == 5
    assert "t-dup-first.json" in row.flags[0].text("en")


def test_without_the_teachers_copy_the_odd_lab_file_is_still_flagged(class_folder):
    readings = [read_report(path) for path in report_paths([str(class_folder)])]
    classroom = build_classroom(readings, None, None)
    lab_flagged = [row.student for row in classroom.rows if "lab_changed" in row.codes()]
    assert lab_flagged == ["t-lab"] and classroom.lab_sha256 == LAB_SHA
    assert not classroom.lab_given


def test_a_roster_lists_the_missing_and_flags_the_unknown(class_folder):
    roster = [Member("S00", "Ada Lovelace"), Member("nobody", "Absent Student")] + [
        Member(f"s{index:02d}", "") for index in range(1, 15)]
    classroom = grade_folder(class_folder, roster)
    first, second = classroom.rows[:2]
    assert (first.student, first.name, first.result) == ("s00", "Ada Lovelace", Result.PASSED)
    assert (second.student, second.result, second.report) == ("nobody", Result.MISSING, None)
    unknown = {row.student for row in classroom.rows if "not_on_roster" in row.codes()}
    assert unknown == set(EXPECTED)


def test_the_task_summary_counts_graded_reports_only(class_folder):
    classroom = grade_folder(class_folder)
    summary = {item.task.id: item for item in task_summaries(classroom)}
    graded = sum(row.result in (Result.PASSED, Result.FAILED) for row in classroom.rows)
    assert graded == len(classroom.rows) - 1  # t-auto is not graded
    pull = summary["pull-cache"]
    assert pull.reports == graded
    assert pull.hints == 2 * sum(
        1 for index in range(15) if "hints" in HONEST_KINDS[index % 8].get("pull-cache", ""))
    assert summary["list-images"].reports == graded - 2  # two honest students: not applicable
    assert summary["disk-usage"].solution == 2
    assert summary["write-notes"].median_attempts is not None


def test_thirty_reports_are_graded_well_under_a_second(class_folder):
    from runner.grade.csv_out import classroom_csv
    from runner.grade.html_page import classroom_html
    from runner.grade.junit import classroom_junit

    start = time.perf_counter()
    classroom = grade_folder(class_folder)
    summaries = task_summaries(classroom)
    outputs = (classroom_csv(classroom, "en"), classroom_junit(classroom, "fr"),
               classroom_html(classroom, summaries, "fr", "now"))
    elapsed = time.perf_counter() - start
    assert all(outputs) and len(classroom.rows) == 29
    assert elapsed < 0.5, f"{elapsed:.3f} s"


def test_the_factory_writes_what_the_published_schema_describes():
    """Its honest reports are ones the run could write (schema/report.schema.json); a task
    for another engine is left out: the schema wants a result the writer leaves out."""
    import json

    import jsonschema

    from runner.resources import data_dir

    schema = json.loads((data_dir("schema") / "report.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    kinds = [kind for kind in HONEST_KINDS if "not_applies" not in kind.values()]
    reports = [report(f"s{index}", index, kind, tries=2) for index, kind in enumerate(kinds)]
    reports += [unattended("bot", 20), report("shared", 21, engine_id="SAME-ENGINE")]
    errors = [f"{data['student']}: {error.json_path} {error.message}"
              for data in reports for error in validator.iter_errors(data)]
    assert errors == []
