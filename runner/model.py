"""The lab schema: what a trainer may write in a lab YAML file.

pydantic validates the loaded data and publishes the same rules as a JSON Schema
(schema/lab.schema.json) so editors can complete and check lab files.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

Identifier = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
VariableName = Annotated[StrictStr, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
StrList = StrictStr | list[StrictStr]


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
    """Re-evaluate a check until it passes; commands themselves are never retried."""

    attempts: Annotated[StrictInt, Field(ge=1, le=100)] = 3
    delay: Annotated[float, Field(ge=0, le=60, description="seconds between attempts")] = 0.5


EngineKind = Literal["linux", "rootless", "desktop", "containerd", "remote"]


class CheckBase(Strict):
    description: LocalizedText | None = Field(
        None, description="What the check proves, shown instead of the generated summary."
    )
    retry: Retry | None = None
    only_on: list[EngineKind] | None = Field(
        None, description="Evaluate only on these kinds of engine; skipped (and said so) elsewhere."
    )


class OutputCheck(CheckBase):
    """The exit code and printed output of one of the step's commands (the last by default)."""

    type: Literal["output"]
    command: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="1-based index of the step's command to look at; default: the last."
    )
    exit_code: StrictInt | None = None
    contains: StrList | None = None
    not_contains: StrList | None = None
    regex: StrictStr | None = Field(None, description="Python regex searched in the output.")


class PathCheck(CheckBase):
    """A path (glob allowed) on the machine that runs labrunner."""

    type: Literal["path"]
    path: StrictStr = Field(description="Path or glob, e.g. {docker_root}/overlay2/*/diff/MYFILE")
    state: Literal["exists", "absent"] = "exists"
    contains: StrictStr | None = Field(None, description="Text the (first) matching file holds.")


class ImageCheck(CheckBase):
    """An image in the engine's image store."""

    type: Literal["image"]
    name: StrictStr = Field(description="Image reference, e.g. nginx:latest")
    state: Literal["present", "absent"] = "present"
    same_id_as: StrictStr | None = Field(
        None, description="Another reference that must point to the same image id (a tag)."
    )


class ContainerCheck(CheckBase):
    """A container's state."""

    type: Literal["container"]
    name: StrictStr
    state: Literal["running", "exited", "created", "paused", "present", "absent"] = "running"


class ContainerChangeCheck(CheckBase):
    """A path added, changed or deleted in a container's read-write layer."""

    type: Literal["container_change"]
    container: StrictStr
    path: StrictStr = Field(description="Absolute path inside the container, e.g. /MYFILE")
    change: Literal["added", "changed", "deleted"] = "added"
    state: Literal["present", "absent"] = Field(
        "present", description="absent: the layer must NOT record this change."
    )


Check = Annotated[
    OutputCheck | PathCheck | ImageCheck | ContainerCheck | ContainerChangeCheck,
    Field(discriminator="type"),
]
CHECK_TYPES = ("output", "path", "image", "container", "container_change")


class Answer(Strict):
    """An interactive prompt the command shows, and what to type."""

    expect: StrictStr = Field(description=r"Python regex, e.g. '\[y/N\]'")
    send: StrictStr = Field(description="Reply typed followed by Enter (quote y/n/yes/no).")


class Step(Strict):
    id: Identifier
    title: LocalizedText
    explain: LocalizedText = Field(description="Markdown: what happens and why.")
    run: StrList = Field(description="One command, or a list run one after the other.")
    answers: list[Answer] = []
    timeout: Annotated[float, Field(gt=0, le=3600)] | None = Field(
        None, description="Seconds each command may take before it is killed."
    )
    checks: list[Check] = []
    engine_notes: dict[EngineKind, LocalizedText] = Field(
        {}, description="Extra explanation shown only on that kind of engine."
    )
    only_on: list[EngineKind] | None = Field(
        None, description="Run the step only on these kinds of engine; skipped (said so) elsewhere."
    )

    @property
    def commands(self) -> list[str]:
        return [self.run] if isinstance(self.run, str) else list(self.run)


class Lab(Strict):
    model_config = ConfigDict(title="labrunner lab", extra="forbid", frozen=True)

    id: Identifier
    title: LocalizedText
    objectives: list[LocalizedText] = []
    variables: dict[VariableName, StrictStr] = {}
    timeout: Annotated[float, Field(gt=0, le=3600)] = Field(
        120, description="Default per-command timeout in seconds."
    )
    setup: list[StrictStr] = Field([], description="Commands run quietly before the first step.")
    steps: Annotated[list[Step], Field(min_length=1)]
    cleanup: list[StrictStr] = Field(
        [], description="Commands that always run at the end, also after a failure or Ctrl-C."
    )


def json_schema() -> dict:
    """The JSON Schema published as schema/lab.schema.json (a test keeps the file current)."""
    schema = Lab.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


if __name__ == "__main__":  # python -m runner.model > schema/lab.schema.json
    import json

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
