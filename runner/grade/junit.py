"""The roll-up as JUnit XML, the format CI systems and LMS tools read: one testsuite per
student, one testcase per task; a failure for a task not credited, skipped for a task skipped,
not reached or for another engine; the student, the lab's sha256 and the flags as properties.

A student with no report fails every task ("missing"); an unreadable file errs on every
task. ElementTree escapes; characters XML 1.0 cannot hold are dropped first."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from runner.grade.cells import number, task_of
from runner.grade.classroom import Classroom, Result, Row, TaskColumn
from runner.grade.report import How, Task
from runner.grade.timing import BadTime, instant
from runner.i18n import t

NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value: object) -> str:
    return NOT_XML.sub("", str(value))


def classroom_junit(classroom: Classroom, language: str) -> str:
    root = ET.Element("testsuites", name="labrunner grade")
    for row in classroom.rows:
        root.append(_suite(row, classroom, language))
    for count in ("tests", "failures", "errors", "skipped"):
        root.set(count, str(sum(int(suite.get(count, "0")) for suite in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(row: Row, classroom: Classroom, language: str) -> ET.Element:
    suite = ET.Element("testsuite", name=clean(row.student))
    _properties(ET.SubElement(suite, "properties"), row, classroom)
    cases = [_case(row, column, classroom, language) for column in classroom.tasks]
    suite.extend(cases)
    for count, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(count, str(sum(case.find(tag) is not None for case in cases)))
    suite.set("tests", str(len(cases)))
    if row.flags:
        ET.SubElement(suite, "system-out").text = clean("\n".join(
            f"{flag.code.value}: {flag.text(language)}" for flag in row.flags))
    return suite


def _properties(properties: ET.Element, row: Row, classroom: Classroom) -> None:
    report = row.report
    values = {"student": row.student, "name": row.name, "result": row.result.value,
              "lab": report.lab_id if report else classroom.lab_id,
              "lab_sha256": report.lab_sha256 if report else "",
              "engine": report.engine_id if report else "",
              "earned": number(report.grade.earned) if report else "",
              "total": number(report.grade.total) if report else "",
              "flags": " ".join(row.codes()),
              "report": str(report.path if report else row.unreadable.path
                            if row.unreadable else "")}
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=clean(value))


def _case(row: Row, column: TaskColumn, classroom: Classroom, language: str) -> ET.Element:
    case = ET.Element("testcase", name=clean(column.id),
                      classname=clean(f"{classroom.lab_id}.{row.student}"))
    task = task_of(row.report, column.id)
    if row.result is Result.UNREADABLE:
        ET.SubElement(case, "error", type="unreadable", message=clean(
            row.flags[0].text(language) if row.flags else ""))
    elif task is None:
        ET.SubElement(case, "failure", type="missing", message=t("grade.junit_missing", language))
    else:
        case.set("time", f"{_seconds(task):.1f}")
        _verdict(case, task, language)
    return case


def _verdict(case: ET.Element, task: Task, language: str) -> None:
    if not task.applies:
        ET.SubElement(case, "skipped", message=t("grade.junit_not_applicable", language))
    elif task.how in (How.NOT_REACHED, How.NOT_CHECKED) or (task.how is How.SKIPPED
                                                             and not task.attempts):
        # Never tried. A task tried and left without passing is a failure, not a skip.
        ET.SubElement(case, "skipped", type=task.how.value, message=task.how.value)
    elif not (task.credited or 0 < task.points == task.earned):
        ET.SubElement(case, "failure", type=task.how.value, message=clean(
            task.reason or t("grade.junit_not_credited", language)))


def _seconds(task: Task) -> float:
    try:
        return sum(max(0.0, instant(item.closed) - instant(item.opened))
                   for item in task.attempts)
    except BadTime:
        return 0.0
