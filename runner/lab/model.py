"""The lab schema (format 2): what a trainer may write in a lab YAML file.

pydantic validates the loaded data and publishes the same rules as a JSON Schema
(schema/lab.schema.json) so editors can complete and check lab files. The check types come
from runner/checks/registry.py: each type's model lives beside its evaluator.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import Field, StrictBool, StrictStr, model_validator

from runner.checks.registry import CHECK_MODULES, check_models
from runner.lab.types import (
    EngineTag,
    Identifier,
    LocalizedText,
    Rerun,
    Seconds,
    Strict,
    StrList,
    VariableName,
    as_list,
    key_error,
)

FORMAT = 2
Check = Annotated[Union[check_models()], Field(discriminator="type")]  # noqa: UP007
CHECK_TYPES = CHECK_MODULES


class Answer(Strict):
    """An interactive prompt the command shows, and what to type."""

    expect: StrictStr = Field(description=r"Python regex, e.g. '\[y/N\]'")
    send: StrictStr = Field(description="Reply typed followed by Enter (quote y/n/yes/no).")


class Task(Strict):
    """The student types the commands in their own shell; the checks decide."""

    solution: StrList = Field(
        description="The commands that do the task: run by --auto and `labrunner test`, never "
        "shown by default.")
    points: Annotated[int, Field(ge=0, strict=True)] = Field(
        1, description="What the task is worth in the grade (0: practice, not graded).")
    hints: list[LocalizedText] = Field(
        [], description="`{fr, en}` hints, shown one at a time when the student asks (`h`); "
        "the report counts them.")


class StepVariant(Strict):
    """What a step says, types and checks on one kind of engine; every key left out is the
    step's own."""

    title: LocalizedText | None = Field(None, description="`{fr, en}`, replaces the title.")
    explain: LocalizedText | None = Field(
        None, description="`{fr, en}` Markdown, replaces the explanation: true on this engine.")
    run: StrList | None = Field(None, description="Replaces `run` (a step with `run` only).")
    task: Task | None = Field(None, description="Replaces `task` (a step with `task` only).")
    checks: list[Check] | None = Field(None, description="Replaces the checks.")


class Step(Strict):
    """One step: an explanation, then either `run` (labrunner types the commands: a
    demonstration) or `task` (the student types them), then checks."""

    model_config = Strict.model_config | {"json_schema_extra": {
        "oneOf": [{"required": ["run"]}, {"required": ["task"]}]}}

    id: Identifier = Field(description="Lowercase letters, digits, `-` and `_`; unique in the lab.")
    title: LocalizedText = Field(description="`{fr, en}`, shown above the step.")
    explain: LocalizedText = Field(description="`{fr, en}` Markdown: what happens and why.")
    run: StrList | None = Field(
        None, description="One command, or a list run one after the other (a demonstration).")
    task: Task | None = Field(None, description="Instead of run: the student does it.")
    answers: list[Answer] = Field(
        [], description="Interactive prompts a command shows, and what to type.")
    timeout: Annotated[Seconds, Field(gt=0, le=3600)] | None = Field(
        None, description="Seconds each command may take before it is killed.")
    rerun: Rerun | None = Field(
        None, description="Run the commands again when one fails (network-dependent steps).")
    destructive: StrictBool = Field(
        False, description="The step deletes objects it did not create (all containers, all "
        "images…): outside the sandbox engine labrunner lists them and asks first.")
    checks: list[Check] = Field(
        [], description="Evaluated after the commands (or the task); every failure is reported.")
    engine_notes: dict[EngineTag, LocalizedText] = Field(
        {}, description="Extra explanation shown only on that engine (a kind or a storage "
        "driver).")
    only_on: list[EngineTag] | None = Field(
        None,
        description="Run the step only on these engines (kinds or storage drivers); skipped "
        "(said so) elsewhere.")
    other_engine: LocalizedText | None = Field(
        None, description="`{fr, en}`: why this step's commands talk to another Docker engine "
        "than the lab's (`-H`, `--context`, `DOCKER_HOST=`, a socket path): `validate` refuses "
        "them otherwise.")
    notes: LocalizedText | None = Field(
        None, description="`{fr, en}` Markdown: presenter notes for the trainer, shown only by "
        "`labrunner present --notes`.")
    hints: list[LocalizedText] = Field(
        [], description="A `run` step's `{fr, en}` hints for `labrunner run --practice`, where "
        "the student types the step's commands (a task's hints are under `task`); without "
        "them, practice generates two from the commands.")
    variants: dict[EngineTag, StepVariant] = Field(
        {}, description="The step as it is on another engine (a kind or a storage driver): "
        "the first key, in file order, that names the engine replaces the keys it gives.")

    @model_validator(mode="after")
    def _variants_keep_the_step_kind(self) -> Step:
        for variant in self.variants.values():
            if (variant.run is not None and self.task is not None) or (
                    variant.task is not None and self.run is not None):
                raise key_error("schema.variant_step_kind")
        return self

    def variant_for(self, names: frozenset[str]) -> tuple[Step, str | None]:
        """The step as it is on an engine with these names, and the variant's key (or None)."""
        for key, variant in self.variants.items():
            if key in names:
                changes = {field: getattr(variant, field) for field in variant.model_fields_set}
                return self.model_copy(update=changes), key
        return self, None

    @property
    def is_task(self) -> bool:
        """The student types the commands (the step has a `task`, not `run`)."""
        return self.task is not None

    @property
    def commands(self) -> list[str]:
        """What runs unattended: `run`, or for a task its solution."""
        return as_list(self.task.solution if self.task is not None else self.run)


class Keeps(Strict):
    """What a lab deliberately leaves on the engine (`labrunner test` allows these only)."""

    images: list[StrictStr] = Field([], description="References, e.g. nginx:latest")
    containers: list[StrictStr] = Field([], description="Container names.")
    volumes: list[StrictStr] = Field([], description="Volume names.")


class SelfTest(Strict):
    """How `labrunner test` prepares the (empty) sandbox engine before the lab."""

    prepare: list[StrictStr] = Field(
        [], description="Commands run before setup, e.g. to give a destructive step objects "
        "to delete; what they create is not counted against `keeps`.")


class Grading(Strict):
    """How a run's tasks add up to a grade."""

    pass_mark: Annotated[int, Field(ge=0, le=100, strict=True)] = Field(
        50, description="The percent of the points a student needs to pass.")
    solution_points: Literal["none", "full"] = Field(
        "none", description="What a task done by its solution (shown or run on request, or "
        "`--auto`) earns: `none` (default) or its `full` points.")


class Lab(Strict):
    model_config = Strict.model_config | {"title": "labrunner lab"}

    format: Literal[2] = Field(description="The lab format: `2` (a file without it is format "
                               "1: see `labrunner upgrade`).")
    id: Identifier = Field(description="Lowercase letters, digits, `-` and `_`.")
    title: LocalizedText = Field(description="`{fr, en}`: both languages everywhere text shows.")
    objectives: list[LocalizedText] = Field([], description="A list of `{fr, en}`.")
    variables: dict[VariableName, StrictStr] = Field(
        {}, description="`name: value`, used as `{name}` in commands, checks and explanations.")
    timeout: Annotated[Seconds, Field(gt=0, le=3600)] = Field(
        120, description="Default per-command timeout in seconds.")
    setup: list[StrictStr] = Field([], description="Commands run quietly before the first step.")
    steps: Annotated[list[Step], Field(min_length=1, description="At least one (below).")]
    cleanup: list[StrictStr] = Field(
        [], description="Commands that always run at the end, also after a failure or Ctrl-C.")
    other_engine: LocalizedText | None = Field(
        None, description="`{fr, en}`: why `setup`, `cleanup` or `selftest.prepare` talk to "
        "another Docker engine than the lab's: `validate` refuses them otherwise.")
    keeps: Keeps = Field(
        Keeps(), description="Objects the lab leaves on the engine on purpose (pulled images).")
    selftest: SelfTest = Field(SelfTest(), description="Only for `labrunner test`.")
    grading: Grading = Field(
        Grading(), description="Labs with tasks: `pass_mark` (the percent of the points "
        "that passes, default 50) and `solution_points` (what a task done by its solution "
        "earns: `none`, the default, or `full`).")


def json_schema() -> dict:
    """The JSON Schema published as schema/lab.schema.json (a test keeps the file current)."""
    schema = Lab.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


if __name__ == "__main__":  # python -m runner.lab.model > schema/lab.schema.json
    import json

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
