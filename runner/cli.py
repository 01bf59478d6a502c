"""Argument parsing only: `main(argv) -> exit status`. Each subcommand lives in runner/commands.

Exit codes: 0 all checks passed, 1 a check failed, 2 bad input, 3 no Docker engine, 4 (run)
a graded task left without credit (status incomplete), 5 the person quit (`q`), 70 an internal
error (its traceback in a log file), 130 interrupted (129 SIGHUP, 143 SIGTERM).
Heavy modules are imported by the subcommand that needs them, so `labrunner --version` stays
instant.

The language is decided here, once, and handed on as `args.language`: to the parser (its
help texts are translated, and argparse's own words through runner/cli_words.py), to each
command, and to the error printed at the end.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys

from runner import __version__
from runner.i18n import LANGUAGES, detect_language, t

COMMANDS = ("list", "validate", "run", "present", "test", "sandbox", "upgrade", "where", "grade",
            "check", "grade-answers")
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a reader that went away
EXIT_INTERNAL_ERROR = 70  # EX_SOFTWARE: a bug in labrunner, never a bare traceback


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["--version"], ["-V"]):  # the fast path: no parser, no catalog
        print(f"labrunner {__version__}")
        return 0
    early_language = detect_language(_early_lang(argv))
    parser = build_parser(early_language)
    args = parser.parse_args(argv)
    args.language = args.lang or early_language
    if not args.command:
        parser.print_help()
        return 2
    status = _dispatch(args)
    gc.freeze()  # what is left is freed by the exit: no final collection (~20 ms)
    return status


def _dispatch(args: argparse.Namespace) -> int:
    from runner.errors import LabError

    try:
        return _command_module(args.command).run(args)
    except LabError as error:
        print(error.message(args.language), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt as interrupt:  # SIGTERM / SIGHUP too during a run (signals.py)
        print(t("cli.interrupted", args.language), file=sys.stderr)
        signum = getattr(interrupt, "signum", None)
        return 128 + signum if signum else EXIT_INTERRUPTED
    except BrokenPipeError:  # `labrunner list | head`: the reader has all it wanted
        from runner.run.screen_guard import silence_stdout

        silence_stdout()
        return EXIT_BROKEN_PIPE
    except Exception as error:  # noqa: BLE001 - a bug: one line and a log, not a traceback
        return _internal_error(error, args.language)


def _internal_error(error: Exception, language: str) -> int:
    """One translated line naming the error and the log file that holds its traceback."""
    from runner.run.crash_log import write_crash_log

    log = write_crash_log(error)
    print(t("cli.internal_error", language, error=f"{type(error).__name__}: {error}"[:500],
            log=str(log or "-")), file=sys.stderr)
    return EXIT_INTERNAL_ERROR


def build_parser(language: str) -> argparse.ArgumentParser:
    """The whole parser, its help texts in `language`, argparse's own words too."""
    from runner import cli_words

    cli_words.install(language)
    parser = argparse.ArgumentParser(prog="labrunner", description=t("cli.description", language))
    parser.add_argument("-V", "--version", action="version", version=f"labrunner {__version__}",
                        help=t("cli.help_version", language))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli.help_lang", language))
    subparsers = parser.add_subparsers(dest="command", metavar=t("cli.metavar_command", language))
    for name in COMMANDS:
        _command_module(name).add_parser(subparsers, language)
    return parser


def _command_module(name: str):
    return importlib.import_module(f"runner.commands.{name.replace('-', '_')}")


def _early_lang(argv: list[str]) -> str | None:
    """--lang must be known before the parser is built: its help texts are translated."""
    for index, arg in enumerate(argv):
        if arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
            return value if value in LANGUAGES else None
        if arg == "--lang" and index + 1 < len(argv) and argv[index + 1] in LANGUAGES:
            return argv[index + 1]
    return None
