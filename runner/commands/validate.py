"""`labrunner validate [LAB|DIR ...]`: every error of every lab file, `file:line:col: message`."""

from __future__ import annotations

import argparse
import sys

from runner.commands.common import add_lang_option, notice_printer
from runner.i18n import t


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("validate", help=t("cli.help_validate", language),
                                   description=t("cli.help_validate", language))
    parser.add_argument("labs", nargs="*", metavar="LAB|DIR",
                        help=t("cli.help_validate_labs", language))
    add_lang_option(parser, language)


def run(args: argparse.Namespace) -> int:
    from runner.errors import LabError, LabErrors
    from runner.lab.loader import bundled_labs, lab_files, load_lab

    language, failed = args.language, 0
    paths = lab_files(args.labs) if args.labs else bundled_labs()
    for path in paths:
        try:
            load_lab(path, notice_printer(language))
        except LabError as error:
            failed += 1
            errors = error.errors if isinstance(error, LabErrors) else [error]
            for item in errors:
                print(item.message(language), file=sys.stderr)
        else:
            print(t("cli.valid", language, path=path))
    if failed:
        print(t("cli.invalid_count", language, failed=failed, total=len(paths)),
              file=sys.stderr)
    return 2 if failed else 0
