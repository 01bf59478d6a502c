"""`labrunner validate [LAB|DIR ...]`: every error of every lab file, `file:line:col: message`."""

from __future__ import annotations

import argparse
import sys

from runner.commands.common import add_lang_option, print_notice
from runner.i18n import t


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("validate", help=t("cli.help_validate"),
                                   description=t("cli.help_validate"))
    parser.add_argument("labs", nargs="*", metavar="LAB|DIR", help=t("cli.help_validate_labs"))
    add_lang_option(parser)


def run(args: argparse.Namespace) -> int:
    from runner.errors import LabError, LabErrors
    from runner.lab.loader import bundled_labs, lab_files, load_lab

    failed = 0
    paths = lab_files(args.labs) if args.labs else bundled_labs()
    for path in paths:
        try:
            load_lab(path, print_notice)
        except LabError as error:
            failed += 1
            errors = error.errors if isinstance(error, LabErrors) else [error]
            for item in errors:
                print(item.message(), file=sys.stderr)
        else:
            print(t("cli.valid", path=path))
    if failed:
        print(t("cli.invalid_count", failed=failed, total=len(paths)), file=sys.stderr)
    return 2 if failed else 0
