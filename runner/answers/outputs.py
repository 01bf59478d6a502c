"""The run's results: the JSON report (format 2, `mode: answers`, graded) and the JUnit XML
that CI systems read, made from that report by `labrunner grade`'s own writer
(runner/grade/junit.py): one testcase per task, a failure for each task not credited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from runner.report.json_report import JsonReport
from runner.run import events as ev


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

    handles = {**JsonReport.handles, ev.LabFinished: on_lab_finished}


def junit_xml(report: dict[str, Any], path: Path, language: str) -> str:
    """The report as JUnit XML, exactly as `labrunner grade --junit` writes it (a task the
    answers tried without earning it is a failure there too)."""
    from runner.grade.classroom import build_classroom
    from runner.grade.junit import classroom_junit
    from runner.grade.report import parse_report

    classroom = build_classroom([parse_report(report, path)], None, None)
    return classroom_junit(classroom, language)
