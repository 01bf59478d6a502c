"""What grade writes: the terminal table, CSV, the HTML page and JUnit XML, each read back;
names and titles from students' files are hostile input and stay text everywhere."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from runner.grade.classroom import Classroom, build_classroom
from runner.grade.csv_out import classroom_csv
from runner.grade.html_page import classroom_html
from runner.grade.junit import classroom_junit
from runner.grade.reading import read_report
from runner.grade.roster import Member
from runner.grade.summary import task_summaries
from runner.grade.terminal import print_classroom
from tests.unit.grade.report_factory import LAB_SHA, TASKS, report, tampered, unattended, write

HOSTILE = '<script>alert("x")</script>&amp;[bold red]=1+2'


def _hostile_names(data: dict) -> None:
    data["lab"]["title"] = "<img src=x onerror=alert(1)> Lab"
    data["steps"][0]["title"] = "</td><script>steal()</script>"


@pytest.fixture
def classroom(tmp_path) -> Classroom:
    reports = [
        tampered(report("alice", 0), _hostile_names, True),  # the first report names things
        report(HOSTILE, 1, {"pull-cache": "hints", "disk-usage": "solution",
                            "remove-both": "skipped"}),
        report("carol", 2, {"write-notes": "not_reached", "remove-both": "not_reached"}),
        report("dave", 3, {"list-images": "not_applies"}, tries=3),
        tampered(report("eve", 4, {"remove-both": "skipped"}),
                 lambda data: data.update(host="elsewhere"), False),
        unattended("frank", 5),
    ]
    paths = [write(tmp_path, f"r{index}", data) for index, data in enumerate(reports)]
    (tmp_path / "junk.json").write_text("[]")
    readings = [read_report(path) for path in [*paths, tmp_path / "junk.json"]]
    roster = [Member(data["student"], f"Name {index}") for index, data in enumerate(reports)]
    return build_classroom(readings, [*roster, Member("ghost", "=HYPERLINK(\"x\")")], LAB_SHA)


def test_csv_has_a_row_per_student_and_a_column_per_task(classroom):
    rows = list(csv.DictReader(io.StringIO(classroom_csv(classroom, "en"))))
    assert len(rows) == 8  # six reports, one student missing, one unreadable file
    assert [task[0] for task in TASKS] == list(rows[0])[3:8]
    alice, hostile, carol, dave, eve, frank, ghost, junk = rows
    assert (alice["earned"], alice["total"], alice["percent"], alice["result"]) == (
        "5", "5", "100", "passed")
    assert (hostile["pull-cache"], hostile["disk-usage"], hostile["remove-both"]) == (
        "1", "0", "0")
    assert dave["list-images"] == "" and dave["total"] == "4"
    assert eve["flags"] == "digest" and "edited" in eve["details"]
    assert frank["result"] == "not_graded" and frank["flags"] == "not_graded"
    assert (ghost["result"], ghost["name"]) == ("missing", "'=HYPERLINK(\"x\")")
    assert junk["result"] == "unreadable" and junk["flags"] == "unreadable"
    assert hostile["student"] == HOSTILE  # starts with `<`: no formula, kept as is


def test_junit_parses_back_with_counts_that_match(classroom):
    root = ET.fromstring(classroom_junit(classroom, "en"))
    suites = root.findall("testsuite")
    assert len(suites) == 8
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases) == len(TASKS)
        for tag, count in (("failure", "failures"), ("skipped", "skipped"), ("error", "errors")):
            assert int(suite.get(count)) == sum(case.find(tag) is not None for case in cases)
    for count in ("tests", "failures", "skipped", "errors"):
        assert int(root.get(count)) == sum(int(suite.get(count)) for suite in suites)
    verdicts = {suite.get("name"): _verdicts(suite) for suite in suites}
    assert verdicts["alice"] == ["pass"] * 5
    assert verdicts[HOSTILE] == ["pass", "pass", "failure", "pass", "failure"]  # left after trying
    assert verdicts["carol"] == ["pass", "pass", "pass", "skipped", "skipped"]
    assert verdicts["dave"] == ["pass", "skipped", "pass", "pass", "pass"]
    assert verdicts["ghost"] == ["failure"] * 5 and verdicts["junk.json"] == ["error"] * 5


def _verdicts(suite: ET.Element) -> list[str]:
    return [next((child.tag for child in case), "pass") for case in suite.findall("testcase")]


def test_junit_properties_name_the_student_the_lab_file_and_the_flags(classroom):
    root = ET.fromstring(classroom_junit(classroom, "fr"))
    eve = next(suite for suite in root if suite.get("name") == "eve")
    properties = {item.get("name"): item.get("value") for item in eve.iter("property")}
    assert properties["student"] == "eve" and properties["lab_sha256"] == LAB_SHA
    assert properties["flags"] == "digest" and properties["name"] == "Name 4"
    assert "digest: l'empreinte ne correspond pas" in eve.find("system-out").text


def test_junit_drops_characters_xml_cannot_hold(tmp_path):
    path = write(tmp_path, "ctl", report("bell\x07\x00student"))
    classroom = build_classroom([read_report(path)], None, None)
    root = ET.fromstring(classroom_junit(classroom, "en"))
    assert root.find("testsuite").get("name") == "bellstudent"


def test_the_html_page_keeps_hostile_text_as_text(classroom):
    page = classroom_html(classroom, task_summaries(classroom), "en", "2026-11-29 10:00 UTC")
    assert "<script" not in page and "<img" not in page and "[bold red]" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in page
    assert "&lt;/td&gt;&lt;script&gt;steal()&lt;/script&gt;" in page
    assert page.count("<tr") == page.count("</tr>") == 1 + 8 + 1 + len(TASKS)


def test_the_html_page_is_self_contained_and_printable(classroom):
    page = classroom_html(classroom, task_summaries(classroom), "fr", "2026-11-29 10:00 UTC")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert "@media print" in page and "<style>" in page
    assert not re.search(r"""<[^>]*\s(src|href)\s*=|@import|url\(|<script|<link""", page)
    assert "Élèves" in page and "Tâches" in page and "absent" in page


def test_the_html_page_shows_every_flag_with_its_code_and_sentence(classroom):
    page = classroom_html(classroom, task_summaries(classroom), "en", "now")
    for row in classroom.rows:
        for flag in row.flags:
            assert f"<code>{flag.code.value}</code>" in page
    assert 'class="not_graded flagged"' in page and 'class="missing"' in page


def test_the_terminal_table_prints_names_as_typed_not_as_markup(classroom):
    out = io.StringIO()
    print_classroom(Console(file=out, width=200, color_system=None), classroom,
                    task_summaries(classroom), "en")
    text = out.getvalue()
    assert HOSTILE in text
    assert "1/1 h2" in text and "0/1 S" in text and "0/1 –" in text and "·" in text
    assert "eve: digest — the digest does not match" in text
    assert "ghost" in text and "missing" in text
    # list-images: for another engine at dave's, frank's run is not graded: 4 of 4 reports
    assert re.search(r"2 list-images\s+List the images\s+1\s+4/4\s+0\s+0\s+1\s+0", text)
    assert "<img src=x onerror=alert(1)> Lab" in text  # the lab's title, as typed


def test_the_terminal_speaks_french(classroom):
    out = io.StringIO()
    print_classroom(Console(file=out, width=200, color_system=None), classroom,
                    task_summaries(classroom), "fr")
    text = out.getvalue()
    assert "Élève" in text and "non noté" in text and "absent" in text and "illisible" in text
