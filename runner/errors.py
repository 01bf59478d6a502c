"""One exception hierarchy: each error carries a catalog key, its parameters and a position.

The CLI turns any LabError into one translated line and the error's exit code; nothing else
in the program formats errors for the user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SourcePos:
    """A place in a lab file (1-based line and column, as editors show them)."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class LabError(Exception):
    """Base of every error shown to the user. `key` is an i18n catalog key; a parameter
    that needs translating is a Message (runner.messages), never text translated early."""

    exit_code = 2

    def __init__(self, message_key: str, /, *, pos: SourcePos | None = None, **params: Any) -> None:
        super().__init__(message_key)
        self.key = message_key
        self.pos = pos
        self.params = params

    def message(self, language: str) -> str:
        """The translated text, prefixed with `file:line:col: ` when the error has a place.

        Translated here, at the edge: parameters that are Messages (a kind of object's name)
        are translated with the rest, in the language of whoever shows the error."""
        from runner.messages import Message

        text = Message(self.key, self.params).text(language)
        return f"{self.pos}: {text}" if self.pos else text


class LabFileError(LabError):
    """The lab file is malformed or semantically wrong (exit 2)."""


class LabNotice(LabError):
    """Not an error: something the author should know about a lab file that loads (exit 0).

    A LabError so that it is shown the same way, `file:line:col: message`."""

    exit_code = 0


class UsageError(LabError):
    """Bad command-line arguments (exit 2)."""


class ArchiveError(UsageError):
    """A file given to `labrunner sandbox import` is not an image archive it can load (exit 2)."""


class EngineUnreachable(LabError):
    """No Docker engine answers at the endpoint we were told (or found) to use (exit 3)."""

    exit_code = 3


class SandboxError(LabError):
    """The private sandbox engine could not be started, stopped or queried (exit 3)."""

    exit_code = 3


class ShellError(LabError):
    """The persistent bash session died or could not start (exit 3)."""

    exit_code = 3


class LabErrors(LabError):
    """Several lab-file errors found at once, so the author fixes them all in one go."""

    def __init__(self, errors: list[LabError]) -> None:
        super().__init__("validate.several", count=len(errors))
        self.errors = errors

    def message(self, language: str) -> str:
        return "\n".join(error.message(language) for error in self.errors)
