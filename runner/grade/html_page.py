"""The roll-up as one self-contained HTML page: inline CSS, no script, nothing fetched; printable
(A4 landscape, colours kept, header rows repeated). Every value from a report or the roster
goes through `escape`: a student named `<script>` is shown as those characters."""

from __future__ import annotations

from html import escape

from runner import __version__
from runner.grade.cells import cell, legend, number, percent_text, result_text, total_text
from runner.grade.classroom import Classroom, Result, Row
from runner.grade.html_style import STYLE
from runner.grade.summary import TaskSummary
from runner.i18n import t


def classroom_html(classroom: Classroom, summaries: list[TaskSummary], language: str,
                   generated: str) -> str:
    title = escape(t("grade.page_title", language, lab=_lab_name(classroom)))
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{language}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        f"<header><h1>{title}</h1>{_meta(classroom, language, generated)}</header>",
        _students(classroom, language), _tasks(summaries, language),
        f"<footer>{escape(t('grade.page_footer', language, version=__version__))}</footer>",
        "</body>", "</html>", ""])


def _lab_name(classroom: Classroom) -> str:
    return classroom.lab_title or classroom.lab_id or "?"


def _meta(classroom: Classroom, language: str, generated: str) -> str:
    counts = {result: sum(row.result is result for row in classroom.rows) for result in Result}
    source = "grade.page_sha_given" if classroom.lab_given else "grade.page_sha_common"
    lines = [
        t("grade.page_lab", language, id=classroom.lab_id or "?", generated=generated),
        t(source, language, sha=classroom.lab_sha256 or "?"),
        t("grade.page_counts", language, students=len(classroom.rows),
          passed=counts[Result.PASSED], failed=counts[Result.FAILED],
          not_graded=counts[Result.NOT_GRADED], missing=counts[Result.MISSING],
          unreadable=counts[Result.UNREADABLE],
          flagged=sum(bool(row.flags) for row in classroom.rows))]
    return "".join(f'<p class="meta">{escape(line)}</p>' for line in lines)


def _students(classroom: Classroom, language: str) -> str:
    heads = [t("grade.col_student", language), t("grade.col_name", language)]
    tails = [t(key, language) for key in ("grade.col_total", "grade.col_percent",
                                          "grade.col_result", "grade.col_flags")]
    head = "".join(f"<th>{escape(text)}</th>" for text in heads) + "".join(
        f'<th class="task" title="{escape(column.title)}">{escape(column.id)}</th>'
        for column in classroom.tasks) + "".join(f"<th>{escape(text)}</th>" for text in tails)
    body = "\n".join(_student_row(row, classroom, language) for row in classroom.rows)
    return (f"<section><h2>{escape(t('grade.students_title', language))}</h2>"
            f'<table class="students"><thead><tr>{head}</tr></thead><tbody>\n{body}\n'
            f'</tbody></table><p class="legend">{escape(legend(language))}</p></section>')


def _student_row(row: Row, classroom: Classroom, language: str) -> str:
    cells = [cell(row, column, language) for column in classroom.tasks]
    task_cells = "".join(f'<td class="cell {item.kind.value}">{escape(item.text())}</td>'
                         for item in cells)
    flagged = " flagged" if row.flags else ""
    return (f'<tr class="{row.result.value}{flagged}"><th scope="row">{escape(row.student)}</th>'
            f"<td>{escape(row.name)}</td>{task_cells}<td class=\"num\">{total_text(row)}</td>"
            f'<td class="num">{percent_text(row)}</td>'
            f'<td class="result">{escape(result_text(row, language))}</td>'
            f"<td>{_flags(row, language)}</td></tr>")


def _flags(row: Row, language: str) -> str:
    if not row.flags:
        return ""
    items = "".join(f"<li><code>{flag.code.value}</code> {escape(flag.text(language))}</li>"
                    for flag in row.flags)
    return f'<ul class="flags">{items}</ul>'


def _tasks(summaries: list[TaskSummary], language: str) -> str:
    keys = ("grade.col_task", "grade.col_title", "grade.col_points", "grade.col_credited",
            "grade.col_solution", "grade.col_skipped", "grade.col_attempts", "grade.col_hints")
    head = "".join(f"<th>{escape(t(key, language))}</th>" for key in keys)
    rows = "\n".join(
        f"<tr><th scope=\"row\">{escape(item.task.id)}</th><td>{escape(item.task.title)}</td>"
        f'<td class="num">{number(item.task.points)}</td>'
        f'<td class="num">{item.credited}/{item.reports}</td>'
        f'<td class="num">{item.solution}</td><td class="num">{item.skipped}</td>'
        f'<td class="num">{"" if item.median_attempts is None else number(item.median_attempts)}'
        f'</td><td class="num">{item.hints}</td></tr>' for item in summaries)
    return (f"<section><h2>{escape(t('grade.tasks_title', language))}</h2>"
            f'<table class="tasks"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n'
            "</tbody></table></section>")
