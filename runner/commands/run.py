"""`labrunner run LAB`: run a lab step by step (or --auto), against a real Docker engine."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import t
from runner.run.status import LabStatus

# incomplete: no step failed, but a graded task earned no credit (skipped, solution used…);
# quit: the person answered q at a prompt (Ctrl-C and the ending signals are 128 + signal)
EXIT_BY_STATUS = {LabStatus.PASSED: 0, LabStatus.FAILED: 1, LabStatus.ABORTED: 1,
                  LabStatus.INCOMPLETE: 4, LabStatus.QUIT: 5, LabStatus.INTERRUPTED: 130}
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE: labrunner itself failed, not the lab nor the student


def add_parser(subparsers, language: str) -> None:
    def help_(key: str) -> str:
        return t(key, language)

    parser = subparsers.add_parser("run", help=help_("cli.help_run"),
                                   description=help_("cli.help_run"))
    parser.add_argument("lab", metavar="LAB", help=help_("cli.help_run_lab"))
    add_lang_option(parser, language)
    parser.add_argument("--auto", action="store_true", help=help_("cli.help_auto"))
    parser.add_argument("--engine", metavar="URL|sandbox[:FLAVOUR]",
                        help=help_("flavour.help_engine"))
    parser.add_argument("--reporter", choices=("rich", "plain"), help=help_("cli.help_reporter"))
    parser.add_argument("--workdir", type=Path, help=help_("cli.help_workdir"))
    parser.add_argument("--yes-destructive", action="store_true",
                        help=help_("cli.help_yes_destructive"))
    parser.add_argument("--report", type=Path, metavar="FILE.json", help=help_("cli.help_report"))
    parser.add_argument("--student", metavar="NAME", help=help_("report.help_student"))
    parser.add_argument("--host-helper", action="store_true", help=help_("cli.help_host_helper"))
    parser.add_argument("--from", dest="from_step", metavar="STEP", help=help_("nav.help_from"))
    parser.add_argument("--restart", action="store_true", help=help_("nav.help_restart"))
    parser.add_argument("--no-diff", action="store_true", help=help_("changes.help_no_diff"))
    parser.add_argument("--practice", action="store_true", help=help_("practice.help_practice"))


def run(args: argparse.Namespace) -> int:
    """Check the arguments, then run the lab with SIGTERM and SIGHUP ending it like Ctrl-C."""
    check_paths(args.report, args.workdir)
    finished, signals = run_to_the_end(lambda: _run_lab(args))
    if said_internal_error(finished, args.language):
        return EXIT_INTERNAL_ERROR
    if finished.status == LabStatus.INTERRUPTED:
        return signals.exit_code(EXIT_BY_STATUS[finished.status])
    return EXIT_BY_STATUS[finished.status]


def run_to_the_end(start):
    """`start()` with SIGTERM and SIGHUP ending it like Ctrl-C, the terminal's modes restored
    however it ends: (what it returned, the signals it met). `run`, `present` and
    `grade-answers` end their runs this one way."""
    from runner.run.signals import ending_signals_as_interrupts
    from runner.run.terminal_modes import restore_terminal_modes

    try:
        with ending_signals_as_interrupts() as signals:
            result = start()
    finally:
        restore_terminal_modes(sys.stdout)
    return result, signals


def said_internal_error(finished, language: str) -> bool:
    """Did labrunner itself fail during the run? Then one line says so and names the log."""
    if not finished.error:
        return False
    say(t("cli.internal_error_during_run", language, error=finished.error,
          log=finished.error_log or "-"))
    return True


def say(line: str) -> None:
    """One line on stderr, unless the terminal is gone (a closed window): nobody would read it."""
    import contextlib

    with contextlib.suppress(OSError):
        print(line, file=sys.stderr)


def check_paths(report: Path | None, workdir: Path | None) -> None:
    """Refuse, before anything runs, a report that could not be written or a work folder that
    is a file: found at the end, they would lose the run's result."""
    from runner.errors import UsageError

    if workdir is not None and workdir.exists() and not workdir.is_dir():
        raise UsageError("cli.workdir_not_folder", path=str(workdir))
    if report is None:
        return
    folder = report.parent if str(report.parent) else Path(".")
    if report.is_dir():
        raise UsageError("cli.report_is_folder", path=str(report))
    if not folder.is_dir():
        raise UsageError("cli.report_folder_missing", path=str(report), folder=str(folder))
    if not os.access(folder, os.W_OK | os.X_OK) or (report.exists()
                                                   and not os.access(report, os.W_OK)):
        raise UsageError("cli.report_not_writable", path=str(report))


def _run_lab(args: argparse.Namespace):
    from runner.engines.connect import connect
    from runner.engines.reader import ReaderClient
    from runner.lab.loader import load_lab, resolve_lab
    from runner.report import make_reporter
    from runner.run import records
    from runner.run.destructive import unattended_refusal
    from runner.run.events import Notice
    from runner.run.lab_runner import LabRun
    from runner.run.replay import from_option
    from runner.run.screen_guard import ScreenUntilGone
    from runner.shell.owner import remove_abandoned_task_folders

    language = args.language
    path = resolve_lab(args.lab)
    # bad input: exit 2 before Docker is touched; a lab that validated before comes from the cache
    lab = load_lab(path, notice_printer(language), cached=True)
    start_at = from_option([step.id for step in lab.steps], args.from_step)  # exit 2 if bad
    if getattr(args, "practice", False):  # the student types the commands (runner/lab/practice.py)
        from runner.lab.practice import practice_lab

        lab = practice_lab(lab)
    # Redirected (`> run.log`) in an interactive run: the terminal still shows the run.
    reporter = ScreenUntilGone(make_reporter(args.reporter, sys.stdout, language,
                                             mirror=not args.auto and sys.stdin.isatty()))
    notify = lambda message: reporter.on_event(Notice(message))  # noqa: E731
    profile = connect(args.engine, os.environ, notify)
    unattended = args.auto or not sys.stdin.isatty()
    refusal = unattended_refusal(lab, profile, unattended, args.yes_destructive)
    if refusal is not None:
        raise refusal
    listener = reporter
    if args.report:
        from runner.report import Fanout
        from runner.report.json_report import JsonReport

        # The report first: whatever the screen reporter does, the file gets written.
        listener = Fanout(JsonReport(args.report, language, args.student), reporter)
    from runner.run.changes import watch_changes

    listener = watch_changes(listener, not getattr(args, "no_diff", False))  # the panel
    work_dir = args.workdir or Path(tempfile.mkdtemp(prefix=f"labrunner-{lab.id}-"))
    folder = records.runs_folder(os.environ)
    earlier = tuple(records.killed_runs(folder, lab.id, profile.endpoint))
    remove_abandoned_task_folders(Path(tempfile.gettempdir()))
    pacer = _pacer(args, listener, language, notify, lab)
    if not unattended:  # where an earlier run stopped, and this one's progress, saved
        start_at, listener = _start_and_keeper(args, lab, path, profile, work_dir, start_at,
                                               listener, notify)
    run_spec = LabRun(
        lab=lab, lab_path=path, profile=profile, listener=listener, language=language,
        work_dir=work_dir, docker_factory=lambda: ReaderClient(profile.endpoint),  # reads only
        environ=os.environ, pacer=pacer, earlier_runs=earlier, start_at=start_at,
    )
    return run_recorded(run_spec, folder, args.host_helper)


def run_recorded(run_spec, folder: Path, host_helper: bool):
    """Run the lab with its run record on disk and, where the engine's files are elsewhere and
    the user allows it, the helper container; both go away however the run ends."""
    from runner.run import records
    from runner.run.host_helper import start_if_allowed
    from runner.run.lab_runner import LabRunner

    lab, profile = run_spec.lab, run_spec.profile
    ask = getattr(run_spec.pacer, "confirm_host_helper", None)
    helper = start_if_allowed(lab, profile, host_helper, ask, run_spec.language)
    # The record lives until the cleanup has run: left behind, it tells the next run so.
    try:
        with records.recorded(folder, records.this_run(lab.id, run_spec.lab_path,
                                                       profile.endpoint, run_spec.work_dir)):
            return LabRunner(run_spec).run()
    finally:
        if helper is not None:
            helper.close()


def _start_and_keeper(args, lab, path, profile, work_dir, start_at, listener, notify):
    """Resume where an earlier interactive run stopped (asked), or --from, or --restart."""
    from runner.run.resume import start_and_keeper
    from runner.run.terminal import keyboard_terminal

    ask = keyboard_terminal(listener, sys.stdout).ask
    return start_and_keeper(os.environ, lab, path, profile, work_dir, args.student, start_at,
                            args.restart, ask, notify, args.language, listener)


def _pacer(args, listener, language, notify, lab):
    from runner.messages import msg
    from runner.run.lab_runner import AutoPacer
    from runner.run.pacing import KeyboardPacer
    from runner.run.terminal import keyboard_terminal

    if args.auto:
        return AutoPacer(allow_destructive=args.yes_destructive)
    if not sys.stdin.isatty():
        notify(msg("cli.no_terminal_auto"))
        return AutoPacer(allow_destructive=args.yes_destructive)
    pacer = KeyboardPacer(keyboard_terminal(listener, sys.stdout), language,
                          allow_destructive=args.yes_destructive)
    pacer.step_ids = tuple(step.id for step in lab.steps)  # j: jump to one of them
    return pacer
