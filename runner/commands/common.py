"""Options several subcommands share."""

from __future__ import annotations

import argparse

from runner.i18n import LANGUAGES, t


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a subcommand without --lang must not reset one given before the subcommand.
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                        help=t("cli.help_lang"))


def print_notice(notice) -> None:
    """A lab file's notice (a LabNotice: format 1…), one line on stderr beside the errors."""
    import sys

    print(notice.message(), file=sys.stderr)
