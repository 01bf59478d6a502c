"""The lab schema: what a trainer may write in a lab YAML file.

pydantic validates the loaded data and publishes the same rules as a JSON Schema
(schema/lab.schema.json) so editors can complete and check lab files.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

Identifier = Annotated[StrictStr, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
VariableName = Annotated[StrictStr, Field(pattern=r"^[a-z_][a-z0-9_]*$")]
StrList = StrictStr | list[StrictStr]
# strict: the text '5' is refused, as the published JSON Schema refuses it; 5 and 5.0 pass.
Seconds = Annotated[float, Field(strict=True)]


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
    delay: Annotated[Seconds, Field(ge=0, le=60, description="seconds between attempts")] = 0.5


class StepRetry(Strict):
    """Run a step's commands again when one fails: for steps that need the network (pull).

    Each new attempt is reported; checks are evaluated once, after the last attempt."""

    attempts: Annotated[StrictInt, Field(ge=2, le=10)] = 3
    delay: Annotated[Seconds, Field(ge=0, le=60, description="seconds between attempts")] = 2


EngineKind = Literal["linux", "rootless", "desktop", "containerd", "remote"]


class CheckBase(Strict):
    description: LocalizedText | None = Field(
        None, description="What the check proves, shown instead of the generated summary."
    )
    retry: Retry | None = None
    only_on: list[EngineKind] | None = Field(
        None, description="Evaluate only on these kinds of engine; skipped (and said so) elsewhere."
    )
    pre: Literal["check", "skip"] = Field(
        "check",
        description="`labrunner test` evaluates every check before its step too, where it must "
        "not pass yet; `skip` exempts this one (then `pre_reason` says why).",
    )
    pre_reason: LocalizedText | None = Field(
        None, description="Why this check may already pass before its step (with pre: skip)."
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


class ImageLayersCheck(CheckBase):
    """An image's layers (RootFS.Layers, as `docker image inspect` reports them)."""

    type: Literal["image_layers"]
    image: StrictStr
    same_as: StrictStr | None = Field(
        None, description="Another image with exactly the same layers (a tag, a re-pull)."
    )
    extends: StrictStr | None = Field(
        None, description="A parent image: every one of its layers starts this image's list, "
        "in order (a derived image shares its parent's layers).",
    )
    new_layers: Annotated[StrictInt, Field(ge=1)] | None = Field(
        None, description="With extends: how many layers the image adds on top of its parent "
        "(`docker commit` adds exactly one).",
    )


class LayerDbCheck(CheckBase):
    """The engine's layer database: one folder per layer, each naming its parent (a chain)."""

    type: Literal["layer_db"]
    image: StrictStr = Field(description="Every layer of this image must be in the database.")


class ImageArchiveCheck(CheckBase):
    """A `docker save` archive (the .tar, or the folder it was extracted to) holds the image's
    layers: one layer tar per entry of RootFS.Layers, same order, same sha256."""

    type: Literal["image_archive"]
    path: StrictStr = Field(description="The archive or its extracted folder, e.g. image.tar")
    image: StrictStr


class ContainerStorageCheck(CheckBase):
    """A container's overlay2 folders (GraphDriver.Data: LowerDir, UpperDir, MergedDir,
    WorkDir) exist on this machine."""

    type: Literal["container_storage"]
    container: StrictStr


class EngineEmptyCheck(CheckBase):
    """The engine holds none of these kinds of objects (after a `remove everything` step)."""

    type: Literal["engine_empty"]
    objects: Annotated[list[Literal["containers", "images", "volumes"]], Field(min_length=1)]


class TypedCheck(CheckBase):
    """The student typed a command matching `regex` (in a task: what they typed; elsewhere:
    the step's own commands). Proves a step that leaves no state behind, e.g. `system df`."""

    type: Literal["typed"]
    regex: StrictStr = Field(description="Python regex searched in each command typed.")


Check = Annotated[
    OutputCheck | PathCheck | ImageCheck | ContainerCheck | ContainerChangeCheck
    | ImageLayersCheck | LayerDbCheck | ImageArchiveCheck | ContainerStorageCheck
    | EngineEmptyCheck | TypedCheck,
    Field(discriminator="type"),
]
CHECK_TYPES = ("output", "path", "image", "container", "container_change", "image_layers",
               "layer_db", "image_archive", "container_storage", "engine_empty", "typed")


class Answer(Strict):
    """An interactive prompt the command shows, and what to type."""

    expect: StrictStr = Field(description=r"Python regex, e.g. '\[y/N\]'")
    send: StrictStr = Field(description="Reply typed followed by Enter (quote y/n/yes/no).")


class Step(Strict):
    id: Identifier
    title: LocalizedText
    explain: LocalizedText = Field(description="Markdown: what happens and why.")
    run: StrList | None = Field(
        None, description="One command, or a list run one after the other (a demonstration)."
    )
    solution: StrList | None = Field(
        None, description="Instead of run: a task the student does by typing commands; these "
        "commands are the solution, used by --auto and `labrunner test`.",
    )
    answers: list[Answer] = []
    timeout: Annotated[Seconds, Field(gt=0, le=3600)] | None = Field(
        None, description="Seconds each command may take before it is killed."
    )
    retry: StepRetry | None = Field(
        None, description="Run the commands again when one fails (network-dependent steps)."
    )
    destructive: StrictBool = Field(
        False, description="The step deletes objects it did not create (all containers, all "
        "images…): outside the sandbox engine labrunner lists them and asks first.",
    )
    checks: list[Check] = []
    engine_notes: dict[EngineKind, LocalizedText] = Field(
        {}, description="Extra explanation shown only on that kind of engine."
    )
    only_on: list[EngineKind] | None = Field(
        None, description="Run the step only on these kinds of engine; skipped (said so) elsewhere."
    )

    @property
    def is_task(self) -> bool:
        """The student types the commands (the step has a `solution`, not `run`)."""
        return self.run is None and self.solution is not None

    @property
    def commands(self) -> list[str]:
        """What runs unattended: `run`, or for a task its `solution`."""
        commands = self.solution if self.is_task else self.run
        if commands is None:
            return []
        return [commands] if isinstance(commands, str) else list(commands)


class Keeps(Strict):
    """What a lab deliberately leaves on the engine (`labrunner test` allows these only)."""

    images: list[StrictStr] = Field([], description="References, e.g. nginx:latest")
    containers: list[StrictStr] = []
    volumes: list[StrictStr] = []


class SelfTest(Strict):
    """How `labrunner test` prepares the (empty) sandbox engine before the lab."""

    prepare: list[StrictStr] = Field(
        [], description="Commands run before setup, e.g. to give a destructive step objects "
        "to delete; what they create is not counted against `keeps`.",
    )


class Lab(Strict):
    model_config = ConfigDict(title="labrunner lab", extra="forbid", frozen=True)

    id: Identifier
    title: LocalizedText
    objectives: list[LocalizedText] = []
    variables: dict[VariableName, StrictStr] = {}
    timeout: Annotated[Seconds, Field(gt=0, le=3600)] = Field(
        120, description="Default per-command timeout in seconds."
    )
    setup: list[StrictStr] = Field([], description="Commands run quietly before the first step.")
    steps: Annotated[list[Step], Field(min_length=1)]
    cleanup: list[StrictStr] = Field(
        [], description="Commands that always run at the end, also after a failure or Ctrl-C."
    )
    keeps: Keeps = Field(
        Keeps(), description="Objects the lab leaves on the engine on purpose (pulled images)."
    )
    selftest: SelfTest = Field(SelfTest(), description="Only for `labrunner test`.")


def json_schema() -> dict:
    """The JSON Schema published as schema/lab.schema.json (a test keeps the file current)."""
    schema = Lab.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


if __name__ == "__main__":  # python -m runner.lab.model > schema/lab.schema.json
    import json

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
