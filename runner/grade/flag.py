"""A flag: something in a report that does not add up, as a stable code and a sentence."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from runner.i18n import t


class FlagCode(StrEnum):
    DIGEST = "digest"
    LAB_CHANGED = "lab_changed"
    NOT_GRADED = "not_graded"
    SHARED_ENGINE = "shared_engine"
    NO_EVIDENCE = "no_evidence"
    IMPOSSIBLE_TIME = "impossible_time"
    INCONSISTENT = "inconsistent"
    DUPLICATE = "duplicate"
    NOT_ON_ROSTER = "not_on_roster"
    UNREADABLE = "unreadable"


@dataclass(frozen=True)
class Flag:
    """One thing that does not add up: its code, and the catalog key of its sentence."""

    code: FlagCode
    key: str
    params: dict = field(default_factory=dict)

    def text(self, language: str) -> str:
        return t(self.key, language, **self.params)
