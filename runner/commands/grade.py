"""`labrunner grade REPORT|DIR … [--roster FILE] [--lab LAB_FILE] [--csv F] [--html F]
[--junit F]`: a class's reports rolled up per student and per task, with flags.

Exit 0 when at least one report could be graded (unreadable files are then flagged rows and
named on stderr); 2 when nothing could be graded or an option's file is bad."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from runner.commands.common import add_lang_option
from runner.i18n import t

OPTIONS = (("--roster", "FILE", "grade.help_roster"), ("--lab", "LAB_FILE", "grade.help_lab"),
           ("--csv", "FILE", "grade.help_csv"), ("--html", "FILE", "grade.help_html"),
           ("--junit", "FILE", "grade.help_junit"))


FILE_WIDTH = 160


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("grade", help=t("grade.help", language),
                                   description=t("grade.help_description", language))
    parser.add_argument("reports", nargs="+", metavar="REPORT|DIR",
                        help=t("grade.help_reports", language))
    for option, metavar, key in OPTIONS:
        parser.add_argument(option, metavar=metavar, help=t(key, language))
    add_lang_option(parser, language)


def run(args: argparse.Namespace) -> int:
    from runner.grade.classroom import build_classroom
    from runner.grade.reading import Unreadable, read_report, report_paths
    from runner.grade.summary import task_summaries

    language = args.language
    roster, lab_sha256 = _roster(args.roster), _lab_sha256(args.lab)
    readings = [read_report(path) for path in report_paths(args.reports)]
    for item in readings:
        if isinstance(item, Unreadable):
            print(item.message(language), file=sys.stderr)
    if all(isinstance(item, Unreadable) for item in readings):
        print(t("grade.nothing_to_grade", language), file=sys.stderr)
        return 2
    classroom = build_classroom(readings, roster, lab_sha256)
    summaries = task_summaries(classroom)
    _print(classroom, summaries, language)
    _write_files(args, classroom, summaries, language)
    return 0


def _roster(path: str | None):
    from runner.grade.roster import read_roster

    return read_roster(Path(path)) if path else None


def _lab_sha256(path: str | None) -> str | None:
    """The teacher's copy of the lab file, hashed as a run hashes it (its bytes)."""
    from runner.errors import SourcePos, UsageError
    from runner.grade.rules import file_sha256

    if not path:
        return None
    try:
        return file_sha256(Path(path))
    except OSError as error:
        raise UsageError("grade.lab_unreadable", pos=SourcePos(path, 1, 1),
                         error=error.strerror or str(error)) from None


def _print(classroom, summaries, language: str) -> None:
    """On a terminal, its width; into a file or a pipe, room for a column per task."""
    from rich.console import Console

    from runner.grade.terminal import print_classroom

    width = None if sys.stdout.isatty() else FILE_WIDTH
    print_classroom(Console(highlight=False, width=width), classroom, summaries, language)


def _write_files(args: argparse.Namespace, classroom, summaries, language: str) -> None:
    from datetime import UTC, datetime

    from runner.grade.csv_out import classroom_csv
    from runner.grade.html_page import classroom_html
    from runner.grade.junit import classroom_junit

    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    outputs = ((args.csv, lambda: classroom_csv(classroom, language)),
               (args.html, lambda: classroom_html(classroom, summaries, language, generated)),
               (args.junit, lambda: classroom_junit(classroom, language)))
    for path, render in outputs:
        if path:
            _write(Path(path), render(), language)


def _write(path: Path, text: str, language: str) -> None:
    from runner.errors import SourcePos, UsageError

    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise UsageError("grade.cannot_write", pos=SourcePos(str(path), 1, 1),
                         error=error.strerror or str(error)) from None
    print(t("grade.written", language, path=path), file=sys.stderr)
