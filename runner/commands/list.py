"""`labrunner list`: the bundled labs with their titles in the chosen language."""

from __future__ import annotations

import argparse

from runner.commands.common import add_lang_option
from runner.i18n import t


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("list", help=t("cli.help_list", language),
                                   description=t("cli.help_list", language))
    add_lang_option(parser, language)


def run(args: argparse.Namespace) -> int:
    from runner.lab.loader import bundled_labs, load_lab

    language = args.language
    for path in bundled_labs():
        lab = load_lab(path)
        steps = t("cli.steps", language, count=len(lab.steps))
        print(f"{lab.id:<28} {lab.title.get(language)}  ({steps})")
    return 0
