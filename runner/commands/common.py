"""Options and output several subcommands share; each takes the language the CLI decided."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from runner.i18n import LANGUAGES, t


def add_lang_option(parser: argparse.ArgumentParser, language: str) -> None:
    """--lang on a subcommand too, its help in `language`."""
    # SUPPRESS: a subcommand without --lang must not reset one given before the subcommand.
    parser.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                        help=t("cli.help_lang", language))


def notice_printer(language: str) -> Callable[[object], None]:
    """The callback load_lab calls with a lab file's notice (a LabNotice: format 1…): one line
    on stderr beside the errors, in `language`."""
    import sys

    return lambda notice: print(notice.message(language), file=sys.stderr)
