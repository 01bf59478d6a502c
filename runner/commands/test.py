"""`labrunner test [LAB ...]`: self-test labs unattended on a private sandbox engine.

Exit 0 when every lab passes in every language asked, 1 otherwise, 2 for bad input, 3 when
no sandbox engine can be had.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import LANGUAGES, t


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("test", help=t("cli.help_test", language),
                                   description=t("cli.help_test_long", language))
    parser.add_argument("labs", nargs="*", metavar="LAB", help=t("cli.help_test_labs", language))
    add_lang_option(parser, language)
    parser.add_argument("--in", dest="languages", choices=(*LANGUAGES, "all"), default="all",
                        help=t("cli.help_test_in", language))
    parser.add_argument("--engine", metavar="URL", help=t("cli.help_test_engine", language))
    from runner.commands.sandbox import add_flavour_option

    add_flavour_option(parser, language, "flavour.help_test_flavour")
    parser.add_argument("--verbose", action="store_true",
                        help=t("cli.help_test_verbose", language))


def run(args: argparse.Namespace) -> int:
    from runner.lab.loader import bundled_labs, load_lab, resolve_lab
    from runner.report.selftest_text import total_line, verdict_lines

    language = args.language  # the verdicts' language; each lab runs in `--in`'s languages
    paths = [resolve_lab(name) for name in args.labs] or bundled_labs()
    # every lab valid before any runs
    labs = [(path, load_lab(path, notice_printer(language))) for path in paths]
    languages = LANGUAGES if args.languages == "all" else (args.languages,)
    verdicts = []
    with _sandbox_engine(args.engine, language, args.flavour) as profile:
        for path, lab in labs:
            for lab_language in languages:
                verdict = _self_test(path, lab, lab_language, profile, args.verbose)
                verdicts.append(verdict)
                print("\n".join(verdict_lines(verdict, language)), flush=True)
    print(total_line(verdicts, language))
    return 0 if all(verdict.passed for verdict in verdicts) else 1


def _self_test(path: Path, lab, lab_language: str, profile, verbose: bool):
    from runner.engines.endpoint import docker_client
    from runner.run.selftest import SelfTest

    forward = None
    if verbose:
        from runner.report.plain import PlainReporter

        forward = PlainReporter(sys.stdout, lab_language)
    work_dir = Path(tempfile.mkdtemp(prefix=f"labrunner-test-{lab.id}-"))
    return SelfTest(lab, path, lab_language, profile, lambda: docker_client(profile.endpoint),
                    work_dir, dict(os.environ), forward).run()


def _sandbox_engine(option: str | None, language: str, flavour: str | None):
    """--engine URL (it must be a labrunner sandbox), else a throwaway sandbox of its own,
    of the flavour --flavour names."""
    from runner.errors import UsageError
    from runner.run.selftest_engine import given_sandbox, throwaway_sandbox

    if option and flavour:
        raise UsageError("flavour.engine_or_flavour")
    if option:
        return given_sandbox(option)
    return throwaway_sandbox(lambda key, params: print(t(key, language, **params), flush=True),
                             flavour)
