"""A message to show later: a catalog key and its parameters, translated by whoever shows it.

Engine events and check outcomes carry Messages rather than text, so a JSON report can keep
the key while a console reporter prints it in the chosen language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str | None = None) -> str:
        """Translate, translating parameters that are Messages themselves (e.g. a state word)."""
        from runner.i18n import t

        params = {name: _text(value, language) for name, value in self.params.items()}
        return t(self.key, language, **params)


def _text(value: Any, language: str | None) -> Any:
    if isinstance(value, Message):
        return value.text(language)
    if isinstance(value, tuple) and value and all(isinstance(v, Message) for v in value):
        return ", ".join(v.text(language) for v in value)  # e.g. "containers, images"
    return value


def msg(key: str, **params: Any) -> Message:
    return Message(key, params)
