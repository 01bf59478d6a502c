"""`labrunner list`: the bundled labs with their titles in the chosen language."""

from __future__ import annotations

import argparse

from runner.commands.common import add_lang_option
from runner.i18n import current_language, t


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("list", help=t("cli.help_list"), description=t("cli.help_list"))
    add_lang_option(parser)


def run(args: argparse.Namespace) -> int:
    from runner.lab.loader import bundled_labs, load_lab

    language = current_language()
    for path in bundled_labs():
        lab = load_lab(path)
        print(f"{lab.id:<28} {lab.title.get(language)}  ({t('cli.steps', count=len(lab.steps))})")
    return 0
