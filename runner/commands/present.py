"""`labrunner present LAB`: a lab shown to a class, one clean screen per step, each command
typed out, the trainer's keys to go on, re-run, go back, jump or improvise (runner/present).

The same lab file as `run`, on the same engine (the sandbox when no engine answers), through
the same guard; nothing is graded: a task shows its text, then its solution runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import t

DEFAULT_SPEED = 25  # characters a second (runner/present/typist.py)


def add_parser(subparsers, language: str) -> None:
    def help_(key: str, **params: object) -> str:
        return t(key, language, **params)

    parser = subparsers.add_parser("present", help=help_("present.help"),
                                   description=help_("present.help"))
    parser.add_argument("lab", metavar="LAB", help=help_("present.help_lab"))
    add_lang_option(parser, language)
    typing = parser.add_mutually_exclusive_group()
    typing.add_argument("--speed", metavar="CPS", type=_positive("--speed", language),
                        default=DEFAULT_SPEED,
                        help=help_("present.help_speed", default=DEFAULT_SPEED))
    typing.add_argument("--keys", action="store_true", help=help_("present.help_keys"))
    parser.add_argument("--pace", metavar="SECONDS", type=_positive("--pace", language),
                        help=help_("present.help_pace"))
    parser.add_argument("--notes", action="store_true", help=help_("present.help_notes"))
    parser.add_argument("--engine", metavar="URL|sandbox[:FLAVOUR]",
                        help=help_("flavour.help_engine"))
    parser.add_argument("--workdir", type=Path, help=help_("cli.help_workdir"))
    parser.add_argument("--yes-destructive", action="store_true",
                        help=help_("cli.help_yes_destructive"))
    parser.add_argument("--no-diff", action="store_true", help=help_("present.help_no_diff"))


def _positive(option: str, language: str):
    """An argparse type: a number above 0, else a translated error (exit 2)."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = 0.0
        if not number > 0 or number == float("inf"):
            raise argparse.ArgumentTypeError(t("present.not_positive", language, option=option,
                                               value=value))
        return number
    return parse


def run(args: argparse.Namespace) -> int:
    """Present the lab; SIGTERM and SIGHUP end it like Ctrl-C (the cleanup runs)."""
    from runner.commands.run import (
        EXIT_BY_STATUS,
        EXIT_INTERNAL_ERROR,
        check_paths,
        run_to_the_end,
        said_internal_error,
    )
    from runner.errors import UsageError
    from runner.run.status import LabStatus

    check_paths(None, args.workdir)
    if args.pace is None and not sys.stdin.isatty():
        raise UsageError("present.needs_terminal")
    (finished, pacer), signals = run_to_the_end(lambda: _present(args))
    if said_internal_error(finished, args.language):
        return EXIT_INTERNAL_ERROR
    if pacer.quit_chosen and finished.status not in (LabStatus.FAILED, LabStatus.ABORTED):
        return 0  # the trainer ended the demo with q: a normal end (the cleanup ran)
    code = EXIT_BY_STATUS.get(finished.status, 0)
    return signals.exit_code(code) if finished.status == LabStatus.INTERRUPTED else code


def _present(args: argparse.Namespace):
    """The lab presented; returns its LabFinished and the pacer (did the trainer quit?)."""
    from runner.commands.run import run_recorded
    from runner.engines.connect import connect
    from runner.engines.reader import ReaderClient
    from runner.lab.loader import load_lab, resolve_lab
    from runner.present.improvised import watch_with
    from runner.present.legend import docker_root_legend
    from runner.report.presenter import PresenterReporter
    from runner.run import records
    from runner.run.destructive import unattended_refusal
    from runner.run.events import Notice
    from runner.run.lab_runner import LabRun
    from runner.run.screen_guard import ScreenUntilGone
    from runner.run.status import RunMode

    language = args.language
    path = resolve_lab(args.lab)
    lab = load_lab(path, notice_printer(language), cached=True)
    reporter = PresenterReporter(sys.stdout, language, docker_root_legend(""), args.notes)
    profile = connect(args.engine, os.environ, lambda m: reporter.on_event(Notice(m)))
    reporter.legend = docker_root_legend(profile.docker_root)
    refusal = unattended_refusal(lab, profile, args.pace is not None, args.yes_destructive)
    if refusal is not None:
        raise refusal
    listener = _with_changes(ScreenUntilGone(reporter), args.no_diff)
    pacer = _pacer(args, reporter, listener, len(lab.steps))
    pacer.watch = watch_with(listener)
    reporter.cue, reporter.pause = pacer.cue_command, pacer.title_pause
    work_dir = args.workdir or Path(tempfile.mkdtemp(prefix=f"labrunner-{lab.id}-"))
    folder = records.runs_folder(os.environ)
    run_spec = LabRun(
        lab=lab, lab_path=path, profile=profile, listener=listener, language=language,
        work_dir=work_dir, docker_factory=lambda: ReaderClient(profile.endpoint),
        environ=os.environ, pacer=pacer, mode=RunMode.UNATTENDED,  # a demonstration
        earlier_runs=tuple(records.killed_runs(folder, lab.id, profile.endpoint)),
    )
    return run_recorded(run_spec, folder, host_helper=False), pacer


def _with_changes(reporter, no_diff: bool):
    """The reporter, behind the what-changed listener (runner/run/changes.py) where this
    version of labrunner has one and --no-diff does not turn it off."""
    try:
        from runner.run.changes import watch_changes
    except ImportError:
        return reporter
    return watch_changes(reporter, enabled=not no_diff)


def _pacer(args: argparse.Namespace, reporter, listener, total: int):
    from runner.present.keys import KeyReader
    from runner.present.pacer import PresentPacer
    from runner.present.typist import Typist
    from runner.run.auto_pacer import AutoPacer
    from runner.run.pacing import KeyboardPacer
    from runner.run.terminal import keyboard_terminal

    unattended = args.pace is not None
    keys = None if unattended else KeyReader(sys.stdin.fileno())
    typist = Typist(keys, speed=args.speed, by_keys=args.keys)
    questions = (AutoPacer(allow_destructive=args.yes_destructive) if unattended else
                 KeyboardPacer(keyboard_terminal(listener, sys.stdout), args.language,
                               allow_destructive=args.yes_destructive))
    return PresentPacer(reporter, typist, args.language, total, questions, pace=args.pace,
                        shell_variables=reporter.legend.variables())
