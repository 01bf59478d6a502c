"""`labrunner upgrade FILE|DIR… [--check]`: rewrite format-1 labs as format 2, in place.

Comments, quotes and layout are kept (ruamel.yaml round trip), so the diff shows only the
lines the upgrade really changes. `--check` writes nothing and exits 1 when a file would
change, for CI. A file that cannot be read or parsed is `file:line:col: message`, exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from runner.commands.common import add_lang_option
from runner.i18n import t

EXIT_WOULD_CHANGE = 1
EXIT_BAD_INPUT = 2


def add_parser(subparsers, language: str) -> None:
    parser = subparsers.add_parser("upgrade", help=t("upgrade.help", language),
                                   description=t("upgrade.help_long", language))
    parser.add_argument("files", nargs="*", metavar="FILE|DIR",
                        help=t("upgrade.help_files", language))
    parser.add_argument("--check", action="store_true", help=t("upgrade.help_check", language))
    add_lang_option(parser, language)
    parser.set_defaults(upgrade_usage=parser.format_usage())


def run(args: argparse.Namespace) -> int:
    from runner.errors import LabError, UsageError

    if not args.files:
        print(args.upgrade_usage, end="", file=sys.stderr)
        raise UsageError("upgrade.no_files")
    failed = changed = 0
    from runner.lab.loader import lab_files

    for path in lab_files(args.files):
        try:
            changed += _upgrade_file(path, not args.check, args.language)
        except LabError as error:
            failed += 1
            print(error.message(args.language), file=sys.stderr)
    if failed:
        return EXIT_BAD_INPUT
    if args.check and changed:
        print(t("upgrade.check_failed", args.language, count=changed), file=sys.stderr)
        return EXIT_WOULD_CHANGE
    return 0


def _upgrade_file(path: Path, write: bool, language: str) -> bool:
    """Upgrade one lab file (or only say, in `language`, what would change); True when it is
    format 1."""
    from runner.errors import LabError, LabFileError, SourcePos
    from runner.lab.upgrade import is_format_1, upgrade
    from runner.lab.yaml_roundtrip import RoundTripYaml

    _refuse_what_validate_refuses(path)
    text, newline = _read(path)
    try:
        document = RoundTripYaml(text, str(path))
        data = _lab_data(document, path)
        if not is_format_1(data):
            print(t("upgrade.current", language, path=path, format=data["format"]))
            return False
        moves = upgrade(data)
        rewritten = document.dump(data, moves)
    except LabError:
        raise
    except Exception as error:  # noqa: BLE001 - ruamel's own failure on YAML it does not round-trip
        raise LabFileError("upgrade.cannot", pos=SourcePos(str(path), 1, 1),
                           reason=f"{type(error).__name__}: {error}") from None
    if write:
        _write_atomically(path, rewritten, newline)
    print(t("upgrade.done" if write else "upgrade.would", language, path=path, count=len(moves)))
    return True


def _refuse_what_validate_refuses(path: Path) -> None:
    """A FIFO, a file too large, nested too deep or full of aliases, a bad tag: refused as
    `validate` refuses them, before ruamel (which has no such limits) reads it."""
    from runner.errors import LabFileError
    from runner.lab.yaml_limits import read_source
    from runner.lab.yaml_source import parse_yaml

    if not path.exists():
        raise LabFileError("upgrade.not_found", path=str(path))
    parse_yaml(read_source(path), str(path))


def _read(path: Path) -> tuple[str, str]:
    """The file's text with `\\n` line ends, and the line end to write it back with."""
    from runner.errors import LabFileError

    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise LabFileError("upgrade.not_found", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LabFileError("upgrade.unreadable", path=str(path), reason=_reason(error)) from None
    newline = "\r\n" if "\r\n" in text else "\n"
    return text.replace("\r\n", "\n"), newline


def _lab_data(document, path: Path):
    """The file's top-level mapping; anything else is not a lab."""
    from collections.abc import MutableMapping

    from runner.errors import LabFileError, SourcePos

    data = document.load()
    if not isinstance(data, MutableMapping):
        raise LabFileError("upgrade.not_a_lab", pos=SourcePos(str(path), 1, 1))
    return data


def _write_atomically(path: Path, text: str, newline: str) -> None:
    """Readers see the old file or the new one, never half of it; the file keeps its mode."""
    import shutil

    from runner.errors import LabFileError

    target = path.resolve()  # a symbolic link stays a link to the upgraded file
    temporary = target.with_name(f".{target.name}.upgrade-{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise LabFileError("upgrade.unwritable", path=str(path), reason=_reason(error)) from None


def _reason(error: Exception) -> str:
    return getattr(error, "strerror", None) or str(error)
