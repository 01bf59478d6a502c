"""A message to show later: a catalog key and its parameters, translated by whoever shows it.

Engine events, check outcomes and errors carry Messages rather than text, so a JSON report
can keep the key while a console reporter prints it in the chosen language. A parameter that
must itself be translated (a state word, a list of kinds) is a Message too, never text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


class Translatable(ABC):
    """Something that reads in a language only once shown: a Message, or a parameter made of
    Messages. A base class, not a protocol: a value that merely has a `text` attribute (a
    string-like object) must stay a plain value."""

    @abstractmethod
    def text(self, language: str) -> str:
        """The text in `language`."""


@dataclass(frozen=True)
class Message(Translatable):
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str) -> str:
        """Translate, translating parameters that are Messages themselves (e.g. a state word)."""
        from runner.i18n import t

        params = {name: _text(value, language) for name, value in self.params.items()}
        return t(self.key, language, **params)


def _text(value: Any, language: str) -> Any:
    if isinstance(value, Translatable):
        return value.text(language)
    if isinstance(value, tuple) and value and all(isinstance(v, Translatable) for v in value):
        return ", ".join(v.text(language) for v in value)  # e.g. "containers, images"
    return value


def msg(key: str, **params: Any) -> Message:
    return Message(key, params)
