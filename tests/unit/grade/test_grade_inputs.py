"""What grade is given: report files and directories (a file that is not a format-2 report is
named, `file:line:col: message`, never a traceback), the roster, the teacher's lab file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.cli import main
from runner.errors import UsageError
from runner.grade.reading import Unreadable, read_report, report_paths
from runner.grade.report import Report
from runner.grade.roster import Member, read_roster
from tests.unit.grade.report_factory import LAB_TEXT, report, seal, write


def unreadable(tmp_path: Path, text: str | bytes) -> Unreadable:
    path = tmp_path / "bad.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    result = read_report(path)
    assert isinstance(result, Unreadable)
    return result


def test_a_report_of_format_2_is_read(tmp_path):
    result = read_report(write(tmp_path, "alice", report("alice")))
    assert isinstance(result, Report)
    assert (result.student, len(result.tasks), result.grade.total) == ("alice", 5, 5)


def test_broken_json_is_named_with_its_line_and_column(tmp_path):
    message = unreadable(tmp_path, '{\n  "format": 2,\n  "student": ,\n}').message("en")
    assert message.startswith(f"{tmp_path / 'bad.json'}:3:14: not a labrunner report: ")


@pytest.mark.parametrize(("text", "english", "french"), [
    ('["a list"]', "no \"format\" key", "pas de clé « format »"),
    ('{"lab": "x"}', "no \"format\" key", "pas de clé « format »"),
    ('{"format": 1, "lab": "x"}', "a labrunner report of format 1; grade reads format 2",
     "au format 1 ; grade lit le format 2"),
    (b"\xff\xfe{}", "not UTF-8", "pas du texte UTF-8"),
    ("[" * 100000, "not valid JSON", "JSON invalide"),
])
def test_what_is_not_a_report_says_so_in_both_languages(tmp_path, text, english, french):
    result = unreadable(tmp_path, text)
    assert english in result.message("en") and french in result.message("fr")


@pytest.mark.parametrize(("change", "where"), [
    (lambda data: data.pop("student"), "student: string"),
    (lambda data: data["steps"][0]["result"].update(earned="1"),
     "steps[0].result.earned: number"),
    (lambda data: data["steps"][1]["result"].update(how="cheated"), "steps[1].result.how"),
    (lambda data: data["steps"][2].update(result=None), "steps[2].result: object"),
    (lambda data: data["grade"].update(passed=1), "grade.passed: boolean"),
    (lambda data: data.update(steps={}), "steps: array"),
])
def test_a_format_2_report_of_the_wrong_shape_names_the_value(tmp_path, change, where):
    data = report("alice")
    change(data)
    message = unreadable(tmp_path, json.dumps(seal(data))).message("en")
    assert "not a labrunner report of format 2" in message
    assert where.split(":")[0] in message and where.split(": ")[-1] in message


def test_a_directory_stands_for_its_json_files(tmp_path):
    write(tmp_path, "b", report("b"))
    write(tmp_path, "a", report("a"))
    (tmp_path / "notes.txt").write_text("not a report")
    assert [path.name for path in report_paths([str(tmp_path)])] == ["a.json", "b.json"]


# --- the roster ---------------------------------------------------------------------------------

def roster(tmp_path: Path, text: str) -> list[Member]:
    path = tmp_path / "class.csv"
    path.write_text(text, encoding="utf-8")
    return read_roster(path)


def test_a_roster_with_a_comma_header_and_extra_columns(tmp_path):
    members = roster(tmp_path, "group,student,name\nA,alice,Alice Martin\n\nB, bob ,Bob\n")
    assert members == [Member("alice", "Alice Martin"), Member("bob", "Bob")]


def test_a_roster_saved_by_a_french_spreadsheet(tmp_path):
    members = roster(tmp_path, "\ufeffStudent;Name\nzoé;Zoé Durand, dite « Zozo »\n")
    assert members == [Member("zoé", "Zoé Durand, dite « Zozo »")]


def test_a_roster_without_names(tmp_path):
    assert roster(tmp_path, "student\nalice\n") == [Member("alice", "")]


@pytest.mark.parametrize(("text", "position", "english"), [
    ("id,name\nalice,Alice\n", "1:1", "must name a 'student' column"),
    ("", "1:1", "the roster is empty"),
    ("student,name\nalice,A\n,Nobody\n", "3:1", "has no student id"),
    ("student,name\nalice,A\nbob,B\nALICE ,A2\n", "4:1", "already on line 2"),
])
def test_a_bad_roster_is_named_file_line_col(tmp_path, text, position, english):
    with pytest.raises(UsageError) as raised:
        roster(tmp_path, text)
    message = raised.value.message("en")
    assert message.startswith(f"{tmp_path / 'class.csv'}:{position}: ") and english in message
    assert raised.value.message("fr") != message


# --- the command ------------------------------------------------------------------------------

def test_nothing_to_grade_is_exit_2_with_each_file_named(tmp_path, capsys):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "b.json").write_text("not json")
    assert main(["grade", str(tmp_path), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'a.json'}:1:1: not a labrunner report" in err
    assert f"{tmp_path / 'b.json'}:1:1: not a labrunner report: not valid JSON" in err
    assert "Nothing to grade" in err and "Traceback" not in err


def test_an_unreadable_file_beside_good_ones_is_a_flagged_row(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    (tmp_path / "junk.json").write_text('{"format": 1}')
    csv_path = tmp_path / "out.csv"
    assert main(["grade", str(tmp_path), "--csv", str(csv_path), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "junk.json:1:1: a labrunner report of format 1" in captured.err
    assert "alice" in captured.out and "unreadable" in captured.out
    assert "junk.json,,unreadable," in csv_path.read_text(encoding="utf-8")


def test_a_missing_report_file_is_named(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    assert main(["grade", str(tmp_path / "alice.json"), str(tmp_path / "gone.json")]) == 0
    assert f"{tmp_path / 'gone.json'}:1:1: no such file" in capsys.readouterr().err


def test_the_teachers_lab_file_is_hashed_and_a_missing_one_is_bad_input(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    lab = tmp_path / "lab.yaml"
    lab.write_bytes(LAB_TEXT)
    assert main(["grade", str(tmp_path), "--lab", str(lab)]) == 0
    assert "lab_changed" not in capsys.readouterr().out
    lab.write_bytes(LAB_TEXT + b"\n")
    assert main(["grade", str(tmp_path), "--lab", str(lab), "--lang", "en"]) == 0
    assert "lab_changed" in capsys.readouterr().out
    assert main(["grade", str(tmp_path), "--lab", str(tmp_path / "nope.yaml")]) == 2
    assert f"{tmp_path / 'nope.yaml'}:1:1: " in capsys.readouterr().err


def test_a_bad_roster_stops_the_command_with_exit_2(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    (tmp_path / "class.csv").write_text("who,name\n")
    assert main(["grade", str(tmp_path), "--roster", str(tmp_path / "class.csv")]) == 2
    assert f"{tmp_path / 'class.csv'}:1:1: " in capsys.readouterr().err


def test_grade_imports_no_heavy_module_before_it_runs():
    import subprocess
    import sys

    code = ("import sys, runner.cli as c; c.build_parser('en'); "
            "print(sorted(m for m in ('rich', 'pydantic', 'docker', 'ruamel') "
            "if any(n == m or n.startswith(m + '.') for n in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "rich" not in out


def test_reports_without_a_student_are_not_taken_for_one_student(tmp_path):
    from runner.grade.classroom import build_classroom

    paths = [write(tmp_path, name, report("", index)) for index, name in enumerate("ab")]
    rows = build_classroom([read_report(path) for path in paths], None, None).rows
    assert [(row.student, row.codes()) for row in rows] == [("a.json", []), ("b.json", [])]
