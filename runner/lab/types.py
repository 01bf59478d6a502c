"""The small pydantic types every part of a lab file uses: text in two languages, seconds,
retries, engine kinds. Kept apart from the lab model so check modules can use them too."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

Identifier = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
VariableName = Annotated[StrictStr, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
StrList = StrictStr | list[StrictStr]
# strict: the text '5' is refused, as the published JSON Schema refuses it; 5 and 5.0 pass.
Seconds = Annotated[float, Field(strict=True)]
EngineKind = Literal["linux", "rootless", "desktop", "containerd", "remote", "podman"]
ENGINE_KINDS: tuple[str, ...] = EngineKind.__args__  # type: ignore[attr-defined]
# The storage driver as `docker info` names it (Driver): overlayfs is the containerd image
# store's snapshotter (Docker 29's default), overlay is Podman's.
StorageDriver = Literal["overlay2", "overlayfs", "overlay", "fuse-overlayfs", "vfs", "btrfs",
                        "zfs"]
STORAGE_DRIVERS: tuple[str, ...] = StorageDriver.__args__  # type: ignore[attr-defined]
# A lab names engines by kind or by storage driver, wherever it names engines: `only_on`,
# `engine_notes`, `variants`.
EngineTag = Literal[EngineKind, StorageDriver]


class Strict(BaseModel):
    """Unknown keys are errors: a typo such as `comands:` must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    """The same text in French and English; both are required."""

    fr: StrictStr
    en: StrictStr

    def get(self, language: str) -> str:
        return self.fr if language == "fr" else self.en


class Retry(Strict):
    """Evaluate a check again until it passes; the step's commands are never run again."""

    attempts: Annotated[StrictInt,
                        Field(ge=1, le=100, description="How many evaluations, 1-100.")] = 3
    delay: Annotated[Seconds, Field(ge=0, le=60, description="Seconds between attempts.")] = 0.5


class Rerun(Strict):
    """Run a step's commands again when one fails: for steps that need the network (pull).

    Each new attempt is reported; checks are evaluated once, after the last attempt."""

    attempts: Annotated[StrictInt, Field(ge=2, le=10, description="How many runs, 2-10.")] = 3
    delay: Annotated[Seconds, Field(ge=0, le=60, description="Seconds between attempts.")] = 2


def as_list(value: str | list[str] | None) -> list[str]:
    """`run: cmd` and `run: [cmd, …]` (and contains:, not_contains:) as one list."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def key_error(message_key: str, **params: str) -> Exception:
    """An error a model validator raises about its keys; the loader translates `message_key`
    (see runner/lab/schema_errors.py) and places it at the mapping."""
    from pydantic_core import PydanticCustomError

    return PydanticCustomError("lab_rule", message_key, {"message_key": message_key, **params})
