"""Practice mode (`labrunner run LAB --practice`): the same lab, with the student typing.

`practice_lab(lab)` is a pure run-time transformation: every `run:` step becomes a task whose
solution is its commands (unchanged, so `--auto` and `labrunner test` see the same lab) and
whose hints are the step's authored `hints`, or two generated ones: a nudge naming the command
family ("a `docker image …` command"), then the commands with their arguments blanked
(`docker image history ____`); the solution itself stays behind `v` and `x`.

The conversion rule: the student types what talks to the engine. A step whose commands never
start with `docker` or `podman` (folders, copies of the lab's files, a here-document) stays a
demonstration, and so does a `destructive` step (a student does not type the deletion of what
they did not create). In a converted step, the commands before its first `docker`/`podman`
command are preparation: they run, shown, as the task opens (`preparation()` counts them);
the student types the rest.
"""

from __future__ import annotations

import re
from typing import ClassVar

from runner.checks.engine_call import EngineCallCheck
from runner.i18n import t
from runner.lab.model import Lab, Step, Task
from runner.lab.types import LocalizedText

ENGINE_WORDS = frozenset({"docker", "podman"})
BLANK = "____"
# Where a new simple command starts: after these shell operators.
# docker's command groups: `docker image ls` names its command in three words.
MANAGEMENT_COMMANDS = frozenset({
    "builder", "buildx", "compose", "config", "container", "context", "image", "manifest",
    "network", "node", "plugin", "secret", "service", "stack", "swarm", "system", "trust",
    "volume"})
OPERATORS = frozenset({"|", "||", "&&", ";", "&", "|&"})
# A word: plain characters, quoted strings and `$(…)` (one level of parentheses inside).
_WORD = r"""(?:[^\s'"$|;]|'[^']*'|"(?:\\.|[^"\\])*"|\$\((?:[^()]|\([^()]*\))*\)|\$)+"""
_TOKEN = re.compile(r"\|\||&&|\|&|[|;]|" + _WORD)


class PracticeStep(Step):
    """A `run:` step turned into a task by practice_lab: its leading preparation commands
    run, shown, as the task opens (runner/run/task_flow.py asks `preparation`)."""


def practice_lab(lab: Lab) -> Lab:
    """The lab with every `run:` step the student should type turned into a task."""
    return lab.model_copy(update={"steps": [practice_step(step) for step in lab.steps]})


def practice_step(step: Step) -> Step:
    """The step as a task, or unchanged (a task already, a preparation, a destructive step)."""
    if step.run is None or step.destructive or not _for_the_student(step.commands):
        return step
    fields = {name: getattr(step, name) for name in step.model_fields_set}
    fields |= {"run": None, "task": _task(step, step.commands), "hints": [],  # now task.hints
               "checks": with_evidence(step.checks, step.commands),
               "variants": {key: _variant(step, variant) for key, variant in
                            step.variants.items()}}
    return PracticeStep.model_construct(set(fields) - {"run", "hints"}, **fields)


def preparation(step: Step) -> int:
    """How many of a practice step's first commands are preparation (0 for any other step)."""
    if not isinstance(step, PracticeStep):
        return 0
    return _first_engine_command(step.commands, otherwise=len(step.commands))


def is_engine_command(command: str) -> bool:
    """Does the command start with the docker (or podman) CLI?"""
    words = command_words(command)
    return bool(words) and words[0] in ENGINE_WORDS


def generated_hints(commands: list[str]) -> list[LocalizedText]:
    """The nudge (the command families), then the commands with their arguments blanked."""
    typed = commands[_first_engine_command(commands):]
    families = [family(command) for command in typed]
    blanked = "\n".join(f"    {blanked_command(command)}" for command in typed)
    return [_both("practice.hint_family", families=_joined(families)),
            _both("practice.hint_blanked", commands=blanked)]


def family(command: str) -> str:
    """The command and its first word that is not an option (`docker image`), the way a
    student names a command."""
    words = command_words(command)
    return " ".join(words[:1] + [word for word in words[1:] if not word.startswith("-")][:1])


def blanked_command(command: str) -> str:
    """The command's words with every argument a blank: command names and options stay
    (`docker image history ____`, `docker run -d --name ____ ____`)."""
    out, names_left = [], 0  # names_left: command words still to come (docker image ls)
    expect_command = True
    for word in command_words(command):
        if word in OPERATORS:
            out.append(word)
            expect_command = True
        elif expect_command:
            out.append(word)
            expect_command, names_left = False, (1 if word in ENGINE_WORDS else 0)
        elif names_left and not word.startswith("-"):
            out.append(word)
            names_left = names_left - 1 + (word in MANAGEMENT_COMMANDS)
        else:
            out.append(_blank_argument(word))
            names_left = names_left if word.startswith("-") else 0
    return " ".join(out)


def command_words(command: str) -> list[str]:
    """The command's words, quotes and `$(…)` kept whole, operators as words of their own."""
    return [token.group() for token in _TOKEN.finditer(command.split("\n")[0])]


def _blank_argument(word: str) -> str:
    if word.startswith("--") and "=" in word:
        return word.split("=", 1)[0] + "=" + BLANK
    return word if word.startswith("-") else BLANK


def _for_the_student(commands: list[str]) -> bool:
    return any(is_engine_command(command) for command in commands)


def _first_engine_command(commands: list[str], otherwise: int = 0) -> int:
    return next((i for i, c in enumerate(commands) if is_engine_command(c)), otherwise)


def _task(step: Step, commands: list[str]) -> Task:
    hints = step.hints or generated_hints(commands)
    return Task.model_validate({"solution": list(commands), "hints": [
        hint.model_dump() for hint in hints]})


def _variant(step: Step, variant):
    """A variant that replaces the commands replaces the task's solution and hints."""
    if variant.run is None:
        return variant
    commands = [variant.run] if isinstance(variant.run, str) else list(variant.run)
    fields = {name: getattr(variant, name) for name in variant.model_fields_set}
    fields |= {"run": None, "task": _task(step, commands)}
    if variant.checks is not None:
        fields["checks"] = with_evidence(variant.checks, commands)
    return type(variant).model_construct(set(fields) - {"run"}, **fields)


def _joined(families: list[str]) -> dict[str, str]:
    """Per language: `docker tag …`, then `docker image …`."""
    return {language: t("practice.then", language).join(f"`{name} …`" for name in families)
            for language in ("fr", "en")}


def _both(key: str, **per_language: object) -> LocalizedText:
    """The catalog text in both languages; a dict parameter gives each language its value."""
    def text(language: str) -> str:
        params = {name: value[language] if isinstance(value, dict) else value
                  for name, value in per_language.items()}
        return t(key, language, **params)

    return LocalizedText(fr=text("fr"), en=text("en"))


# The docker CLI's short forms, as the `engine_call` check names them (runner/checks/
# engine_actions.py). `docker inspect` is left out: it may be an image or a container.
SHORT_FORMS = {
    "pull": "image pull", "push": "image push", "images": "image ls", "rmi": "image rm",
    "history": "image history", "tag": "image tag", "build": "image build",
    "save": "image save", "load": "image load", "import": "image import",
    "run": "container run", "create": "container create", "ps": "container ls",
    "rm": "container rm", "commit": "container commit", "cp": "container cp",
    **{verb: f"container {verb}" for verb in (
        "start", "stop", "restart", "kill", "pause", "unpause", "rename", "exec", "logs",
        "top", "stats", "diff", "export")}}
SYNONYMS = {"list": "ls", "remove": "rm", "ps": "ls"}


def with_evidence(checks: list, commands: list[str]) -> list:
    """The step's checks, plus one `engine_call` check for each engine command the student is
    to type that names one action (`docker history web` -> `image history`): the proof that
    they did it themselves, since what a preparation leaves proves nothing of theirs. A step
    with engine_call checks of its own keeps them alone."""
    if any(check.type == "engine_call" for check in checks):
        return list(checks)
    start = _first_engine_command(commands, otherwise=len(commands))
    actions = dict.fromkeys(a for a in map(engine_action, commands[start:]) if a)
    return [*checks, *(evidence_check(action) for action in actions)]


class PracticeEvidence(EngineCallCheck):
    """An engine_call check practice adds: where no guard records the calls (an engine
    reached over TLS or ssh), it is skipped, not failed."""

    skip_without_record: ClassVar[bool] = True


def evidence_check(action: str) -> PracticeEvidence:
    return PracticeEvidence(type="engine_call", action=action)


def engine_action(command: str) -> str | None:
    """The `engine_call` action a docker command line performs, if it names exactly one."""
    from runner.checks.engine_actions import ACTIONS

    words = [word for word in command_words(command) if not word.startswith("-")]
    if len(words) < 2 or words[0] not in ENGINE_WORDS:
        return None
    if words[1] in ("image", "container", "volume", "network", "system", "builder"):
        action = f"{words[1]} {SYNONYMS.get(words[2], words[2])}" if len(words) > 2 else ""
    else:
        action = SHORT_FORMS.get(words[1], "")
    return action if action in ACTIONS else None
