"""The run's results: the JSON report (format 2, `mode: answers`, graded) and the JUnit XML
that CI systems read, made from that report by `labrunner grade`'s own writer
(runner/grade/junit.py): one testcase per task, a failure for each task not credited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runner.report.digest import report_digest
from runner.report.json_report import JsonReport
from runner.run import events as ev

MODE = "answers"


class AnswersReport(JsonReport):
    """The JSON report of a grade-answers run, kept in memory (`data`) and written to `path`
    when there is one."""

    def __init__(self, path: Path | None, language: str, student: str | None) -> None:
        super().__init__(path or Path(), language, student)
        self.wanted = path is not None
        self.result: dict[str, Any] = {}

    def on_lab_finished(self, event: ev.LabFinished) -> None:
        self.result = self.report(event)
        if self.wanted:
            self.path.write_text(json.dumps(self.result, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")

    def report(self, event: ev.LabFinished) -> dict[str, Any]:
        # The core knows interactive and unattended runs; an answers run is graded like an
        # interactive one (runner/run/grade.py) and is named for what it is here.
        data = super().report(event)
        data.update(mode=MODE, graded=True)
        data["digest"] = report_digest(data)
        return data

    handles = {**JsonReport.handles, ev.LabFinished: on_lab_finished}


def junit_xml(report: dict[str, Any], path: Path, language: str) -> str:
    """The report as JUnit XML, as `labrunner grade --junit` writes it, except that a task
    the student answered without earning it is a failure, not "skipped" (grade's writer
    reads `how: skipped`, "left without passing", as a skip): a CI must show it red."""
    import xml.etree.ElementTree as ET

    from runner.grade.classroom import build_classroom
    from runner.grade.junit import classroom_junit
    from runner.grade.report import parse_report

    classroom = build_classroom([parse_report(report, path)], None, None)
    root = ET.fromstring(classroom_junit(classroom, language))
    _answered_as_failures(root, _answered_not_credited(report))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _answered_not_credited(report: dict[str, Any]) -> dict[str, str]:
    """Task id -> why it earned nothing, for each task the answers tried (an attempt)."""
    return {step["id"]: step["result"]["reason"] for step in report.get("steps", [])
            if step.get("result") and step["result"]["attempts"]
            and not step["result"]["credited"]}


def _answered_as_failures(root: Any, reasons: dict[str, str]) -> None:
    import xml.etree.ElementTree as ET

    for suite in root.iter("testsuite"):
        for case in suite.iter("testcase"):
            skipped = case.find("skipped")
            if skipped is not None and case.get("name") in reasons:
                case.remove(skipped)
                ET.SubElement(case, "failure", type="not_credited",
                              message=reasons[case.get("name")])
        _recount(suite)
    _recount(root, suites=True)


def _recount(element: Any, suites: bool = False) -> None:
    """The failures and skipped counts of a testsuite (of all of them, for testsuites)."""
    for count, tag in (("failures", "failure"), ("skipped", "skipped")):
        if suites:
            total = sum(int(suite.get(count, "0")) for suite in element.iter("testsuite"))
        else:
            total = sum(case.find(tag) is not None for case in element.iter("testcase"))
        element.set(count, str(total))
