"""`labrunner check LAB --engine URL [--student NAME] [--report FILE]`: the teacher's side.

Reads an exercise's end state (the checks the lab marks `end_state: true`) on a student's
engine — `unix://`, `tcp://`, `ssh://user@host[/socket]`, or a running sandbox — through a
guard that lets only reads through (GET and HEAD): nothing on the engine can change. Writes
the same kind of report as a run (format 2, `mode: check`) for `labrunner grade`.
Exit 0 when every task that can be checked holds, 1 when one does not, 2 bad input (or a lab
with no end state), 3 no engine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from pathlib import Path

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import t


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("check", help=t("teacher.help", language),
                                   description=t("teacher.help_description", language))
    parser.add_argument("lab", metavar="LAB", help=t("teacher.help_lab", language))
    parser.add_argument("--engine", metavar="URL|sandbox[:FLAVOUR]",
                        help=t("teacher.help_engine", language))
    parser.add_argument("--student", metavar="NAME", help=t("teacher.help_student", language))
    parser.add_argument("--report", metavar="FILE.json", type=Path,
                        help=t("teacher.help_report", language))
    add_lang_option(parser, language)


def run(args: argparse.Namespace) -> int:
    from runner.commands.run import check_paths
    from runner.errors import UsageError
    from runner.lab.loader import load_lab, resolve_lab
    from runner.teacher.end_state import has_end_state

    path = resolve_lab(args.lab)
    lab = load_lab(path, notice_printer(args.language))
    if not has_end_state(lab):
        raise UsageError("teacher.no_end_state_in_lab", lab=lab.id)
    check_paths(args.report, None)
    with contextlib.ExitStack() as stack:
        url, remote = _engine_url(args.engine, stack)
        return _check(args, lab, path, url, remote, stack)


def _engine_url(option: str | None, stack: contextlib.ExitStack) -> tuple[str, bool]:
    """The engine's URL, through an ssh forward for ssh:// (then its files are not here)."""
    from runner.commands.where import running_sandbox
    from runner.engines.connect import sandbox_flavour
    from runner.engines.endpoint import configured_endpoint

    if option and option.split(":")[0] == "sandbox":
        return running_sandbox(sandbox_flavour(option)), False
    url = configured_endpoint(option, os.environ).url
    if url.startswith("ssh://"):
        from runner.teacher.ssh_tunnel import SshTunnel

        return stack.enter_context(SshTunnel(url)).open(), True
    return url, False


def _check(args, lab, path: Path, url: str, remote: bool, stack: contextlib.ExitStack) -> int:
    import dataclasses
    import json

    from runner.engines.connect import profile_at
    from runner.engines.reader import ReaderClient
    from runner.guard.guard import Guard
    from runner.messages import msg
    from runner.run.lab_runner import lab_values
    from runner.teacher.check_report import check_report
    from runner.teacher.end_state import read_end_state

    started = time.time()
    profile = profile_at(url, msg("engine.source_option"))
    if remote:  # the engine's files are on the other end of the ssh forward
        profile = dataclasses.replace(profile, host_paths_visible=False)
    guard = stack.enter_context(Guard(url, sandbox=False, language=args.language,
                                      read_only=True))
    reading = f"unix://{guard.start('teacher')}"
    environ = dict(os.environ, DOCKER_HOST=reading)
    client = ReaderClient(reading)
    values = lab_values(lab, profile, path, "", args.language)  # no work folder of theirs
    states = read_end_state(lab, values, profile, lambda: client, environ)
    student = args.student or profile.name or profile.engine_id
    report = check_report(lab, str(path), profile, states, args.language, student, started,
                          guard.records)
    _print(report, args.language)
    if args.report:
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    return 0 if report["grade"]["earned"] == report["grade"]["total"] else 1


def _print(report: dict, language: str) -> None:
    say = lambda key, **values: print(t(key, language, **values))  # noqa: E731
    say("teacher.heading", lab=report["lab"]["title"], engine=report["engine"]["name"]
        or report["engine"]["id"], student=report["student"])
    for step in report["steps"]:
        result = step.get("result")
        if result is None:
            continue
        if result["how"] == "not_checked":  # with checks: they were all skipped here
            key = "teacher.line_skipped" if step["checks"] else "teacher.line_not_checked"
            say(key, step=step["id"], title=step["title"], reason=result["reason"])
            continue
        key = "teacher.line_holds" if result["credited"] else "teacher.line_fails"
        say(key, step=step["id"], title=step["title"], earned=result["earned"],
            points=result["points"])
        for check in step["checks"]:
            if check["status"] == "fail":
                say("teacher.line_check", summary=check["summary"])
    grade = report["grade"]
    say("teacher.grade", earned=grade["earned"], total=grade["total"],
        percent="-" if grade["percent"] is None else grade["percent"])
    reads = sum(1 for call in report["engine_calls"] if call["method"] in ("GET", "HEAD"))
    say("teacher.read_only", calls=len(report["engine_calls"]), reads=reads)
    sys.stdout.flush()
