"""Reports written by hand to break the teacher's run: numbers no run writes, escape sequences
meant for the teacher's terminal, files too big to read. Each is one row, never a crash."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from runner.cli import main
from runner.grade import reading
from runner.grade.reading import MAX_REPORT_BYTES, Unreadable, read_report
from tests.unit.grade.report_factory import report, seal, write


def _grade_en(tmp_path: Path, capsys) -> tuple[int, str, str]:
    status = main(["grade", str(tmp_path), "--lang", "en"])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN", "1e400", "9" * 400])
def test_a_number_no_run_writes_makes_one_unreadable_row(tmp_path, capsys, number):
    write(tmp_path, "alice", report("alice"))
    text = json.dumps(seal(report("bob", 1))).replace('"duration": ', f'"duration": {number}, '
                                                       '"old_duration": ', 1)
    (tmp_path / "bob.json").write_text(text, encoding="utf-8")
    assert isinstance(read_report(tmp_path / "bob.json"), Unreadable)
    status, out, err = _grade_en(tmp_path, capsys)
    assert status == 0 and "Traceback" not in err
    assert "bob.json:" in err and "alice" in out and "unreadable" in out


def test_an_infinite_points_value_is_named_where_it_is(tmp_path):
    data = seal(report("bob"))
    data["steps"][0]["result"]["points"] = 10 ** 30
    path = write(tmp_path, "bob", data)
    result = read_report(path)
    assert isinstance(result, Unreadable)
    assert "steps[0].result.points should be number, |x| < 1e+15" in result.message("en")


ESCAPES = "\x1b[2J\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\x9b31m\x00"


def test_escape_sequences_from_a_report_reach_no_output(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    bob = report("bob", 1)
    bob["student"] = "bob" + ESCAPES
    bob["steps"][0]["result"]["reason"] = "line\nbreak" + ESCAPES
    bob["engine"] = report("alice")["engine"]  # a shared engine: alice's flag names bob
    write(tmp_path, "bob", seal(bob))
    csv_path, html_path, xml_path = (tmp_path / name for name in ("g.csv", "g.html", "g.xml"))
    status = main(["grade", str(tmp_path), "--lang", "en", "--csv", str(csv_path),
                   "--html", str(html_path), "--junit", str(xml_path)])
    captured = capsys.readouterr()
    outputs = [captured.out, captured.err] + [path.read_text(encoding="utf-8")
                                              for path in (csv_path, html_path, xml_path)]
    assert status in (0, 1)
    assert "bob[2J]8;;http://evil.example/click]8;;31m" in captured.out
    for text in outputs:
        assert not any(char in text for char in "\x1b\x07\x9b\x00")


def test_a_task_id_that_looks_like_a_formula_stays_text_in_the_csv(tmp_path):
    data = report("mallory")
    data["steps"][0]["id"] = '=HYPERLINK("http://evil.example","x")'
    write(tmp_path, "mallory", seal(data))
    csv_path = tmp_path / "g.csv"
    main(["grade", str(tmp_path), "--lang", "en", "--csv", str(csv_path)])
    header = next(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in header
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in header)


def test_a_report_past_the_size_cap_is_an_unreadable_row(tmp_path, capsys):
    write(tmp_path, "alice", report("alice"))
    with (tmp_path / "huge.json").open("wb") as handle:
        handle.truncate(MAX_REPORT_BYTES + 1)  # sparse: costs no disk
    result = read_report(tmp_path / "huge.json")
    assert isinstance(result, Unreadable)
    assert "larger than 16 MiB" in result.message("en") and "16 Mio" in result.message("fr")
    status, out, err = _grade_en(tmp_path, capsys)
    assert status == 0 and "huge.json:1:1: not a labrunner report: larger than 16" in err


def test_a_report_is_read_no_further_than_the_cap(tmp_path, monkeypatch):
    path = write(tmp_path, "alice", report("alice"))
    monkeypatch.setattr(reading, "MAX_REPORT_BYTES", path.stat().st_size - 1)
    assert isinstance(read_report(path), Unreadable)
    monkeypatch.setattr(reading, "MAX_REPORT_BYTES", path.stat().st_size)
    assert not isinstance(read_report(path), Unreadable)


def test_a_fifo_named_like_a_report_does_not_block_grade(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    assert isinstance(read_report(tmp_path / "pipe.json"), Unreadable)
