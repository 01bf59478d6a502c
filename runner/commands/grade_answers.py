"""`labrunner grade-answers LAB ANSWERS.yaml [--report FILE.json] [--junit FILE.xml]
[--student NAME] [--engine sandbox[:FLAVOUR]|URL]`: autograding in CI.

Runs the lab with the student's answers file (the commands for each task, by task id:
runner/answers/file.py) typed for them, on a throwaway sandbox by default (started for this
run, always brought down), and grades it with the rules of a run: a task earns its points
only for a change its commands made. Writes the JSON report (format 2, `mode: answers`)
and JUnit XML (one testcase per task).
Exit 0 when every task is credited, 1 otherwise, 2 bad input, 3 no engine, 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from pathlib import Path

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import t

EXIT_NOT_ALL_CREDITED = 1
EXIT_INTERRUPTED = 130
EXIT_INTERNAL_ERROR = 70


def add_parser(subparsers, language: str) -> None:
    def help_(key: str) -> str:
        return t(key, language)

    parser = subparsers.add_parser("grade-answers", help=help_("answers.help"),
                                   description=help_("answers.help_description"))
    parser.add_argument("lab", metavar="LAB", help=help_("answers.help_lab"))
    parser.add_argument("answers", metavar="ANSWERS.yaml", type=Path,
                        help=help_("answers.help_answers"))
    parser.add_argument("--report", type=Path, metavar="FILE.json",
                        help=help_("answers.help_report"))
    parser.add_argument("--junit", type=Path, metavar="FILE.xml",
                        help=help_("answers.help_junit"))
    parser.add_argument("--student", metavar="NAME", help=help_("answers.help_student"))
    parser.add_argument("--engine", metavar="sandbox[:FLAVOUR]|URL",
                        help=help_("answers.help_engine"))
    add_lang_option(parser, language)


def run(args: argparse.Namespace) -> int:
    """Read and check everything first (exit 2 before any engine starts), then grade."""
    from runner.answers.file import read_answers
    from runner.commands.run import check_paths, run_to_the_end, said_internal_error
    from runner.errors import UsageError
    from runner.lab.loader import load_lab, resolve_lab

    path = resolve_lab(args.lab)
    lab = load_lab(path, notice_printer(args.language), cached=True)
    if not any(step.is_task for step in lab.steps):
        raise UsageError("answers.no_tasks", lab=lab.id)
    answers = read_answers(args.answers, lab)
    check_paths(args.report, None)
    check_paths(args.junit, None)
    (finished, report), signals = run_to_the_end(lambda: _grade(args, lab, path, answers))
    if said_internal_error(finished, args.language):
        return EXIT_INTERNAL_ERROR
    _write_junit(args, report)
    return _exit_status(finished, signals)


def _exit_status(finished, signals) -> int:
    from runner.run.status import LabStatus

    if finished.status == LabStatus.INTERRUPTED:
        return signals.exit_code(EXIT_INTERRUPTED)
    # passed: no step failed and every task credited (the credit rule, runner/run/grade.py)
    return 0 if finished.status == LabStatus.PASSED else EXIT_NOT_ALL_CREDITED


def _grade(args: argparse.Namespace, lab, path: Path, answers):
    """Run the lab with the answers on its engine; (LabFinished, the report's data)."""
    from runner.answers.outputs import AnswersReport
    from runner.answers.screen import AnswersScreen
    from runner.report import Fanout, make_reporter
    from runner.run.events import Notice

    language = args.language
    reporter = make_reporter(None, sys.stdout, language)
    notify = lambda message: reporter.on_event(Notice(message))  # noqa: E731
    report = AnswersReport(args.report, language, args.student or answers.student or None)
    screen = AnswersScreen(reporter, answers, language, _say_out)
    with contextlib.ExitStack() as stack:
        profile, environ, throwaway = _engine(args.engine, stack, notify)
        _refuse_destructive(lab, profile)
        work_dir = stack.enter_context(_work_dir(lab.id))
        finished = _run(lab, path, profile, environ, Fanout(report, screen), language,
                        work_dir, _pacer(answers, lab, language, throwaway))
    return finished, report.result


def _pacer(answers, lab, language: str, throwaway: bool):
    from runner.answers.pacer import AnswersPacer

    return AnswersPacer(answers, lab.timeout, language, _say_out, allow_destructive=throwaway)


def _run(lab, path: Path, profile, environ, listener, language: str, work_dir: Path, pacer):
    from runner.engines.reader import ReaderClient
    from runner.run.lab_runner import LabRun, LabRunner
    from runner.run.status import RunMode

    # Graded like an interactive run (credit rule, incomplete status).
    spec = LabRun(lab=lab, lab_path=path, profile=profile, listener=listener,
                  language=language, work_dir=work_dir, environ=environ, pacer=pacer,
                  docker_factory=lambda: ReaderClient(profile.endpoint), mode=RunMode.ANSWERS)
    return LabRunner(spec).run()


def _engine(option: str | None, stack: contextlib.ExitStack, notify):
    """(profile, environment, throwaway): a new sandbox unless a URL names another engine."""
    from runner.engines.connect import connect, profile_at, sandbox_flavour
    from runner.messages import msg

    if option is None or option.split(":")[0] == "sandbox":
        from runner.answers.throwaway import throwaway_sandbox

        sandbox = stack.enter_context(throwaway_sandbox(sandbox_flavour(option or "sandbox"),
                                                        notify))
        profile = profile_at(sandbox.docker_host, msg("engine.source_sandbox"))
        return profile, dict(os.environ, **sandbox.env()), True
    return connect(option, os.environ, notify), dict(os.environ), False


def _refuse_destructive(lab, profile) -> None:
    """On an engine the user gave, a lab that deletes their objects does not start."""
    from runner.run.destructive import unattended_refusal

    refusal = unattended_refusal(lab, profile, True, False)
    if refusal is not None:
        raise refusal


@contextlib.contextmanager
def _work_dir(lab_id: str):
    """The lab's folder for this run, removed afterwards: the answers file is the work."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix=f"labrunner-{lab_id}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_junit(args: argparse.Namespace, report: dict) -> None:
    from runner.answers.outputs import junit_xml
    from runner.commands.run import say

    if args.report:
        say(t("answers.written", args.language, path=args.report))
    if args.junit and report:
        args.junit.write_text(junit_xml(report, args.report or args.answers, args.language),
                              encoding="utf-8")
        say(t("answers.written", args.language, path=args.junit))


def _say_out(line: str) -> None:
    print(line, flush=True)

