"""The config of an image or a container, as `docker inspect` reports it (`Config`), compared
with what a lab expects. Read through the engine API, so it holds on every engine.

Lists (`cmd`, `entrypoint`) must be equal; a string stands for the command line as typed, so
`cmd: nginx -g 'daemon off;'` matches both the exec form and the shell form of CMD.
Mappings (`env`, `labels`) and `exposed_ports` must be included: the image adds its own."""

from __future__ import annotations

import shlex

from pydantic import Field, StrictStr

from runner.checks.base import CheckContext, Problem
from runner.lab.types import Strict, StrList
from runner.lab.variables import substitute
from runner.messages import msg


class ImageConfig(Strict):
    """What a container started from the image receives (Dockerfile CMD, ENV, EXPOSE…)."""

    cmd: StrList | None = Field(None, description="Config.Cmd (CMD): a list, or a command line.")
    entrypoint: StrList | None = Field(None, description="Config.Entrypoint (ENTRYPOINT).")
    env: dict[StrictStr, StrictStr] | None = Field(
        None, description="Variables that must be set to these values (others may be set too).")
    exposed_ports: list[StrictStr] | None = Field(
        None, description="Ports that must be exposed, e.g. [\"80/tcp\"] (`80` means 80/tcp).")
    labels: dict[StrictStr, StrictStr] | None = Field(
        None, description="Labels that must be set to these values.")
    working_dir: StrictStr | None = Field(None, description="Config.WorkingDir (WORKDIR).")
    user: StrictStr | None = Field(None, description="Config.User (USER).")


def config_problems(expected: ImageConfig, actual: dict, ctx: CheckContext) -> list[Problem]:
    """Every key of `expected` that the inspected Config does not satisfy."""
    problems: list[Problem] = []
    for key, inspected in (("cmd", "Cmd"), ("entrypoint", "Entrypoint")):
        wanted = getattr(expected, key)
        if wanted is not None and not _same_command(wanted, actual.get(inspected), ctx):
            shown = ctx.text(wanted) if isinstance(wanted, str) else [ctx.text(w) for w in wanted]
            problems.append(_problem(inspected, _shown(shown), _shown(actual.get(inspected))))
    if expected.env is not None:
        problems += _mapping_problems("Env", expected.env, _env(actual.get("Env")), ctx)
    if expected.labels is not None:
        problems += _mapping_problems("Labels", expected.labels, actual.get("Labels") or {}, ctx)
    if expected.exposed_ports is not None:
        exposed = set(actual.get("ExposedPorts") or {})
        for port in map(port_key, map(ctx.text, expected.exposed_ports)):
            if port not in exposed:
                problems.append(_problem("ExposedPorts", port, ", ".join(sorted(exposed)) or "-"))
    for key, inspected in (("working_dir", "WorkingDir"), ("user", "User")):
        wanted = getattr(expected, key)
        if wanted is not None and ctx.text(wanted) != (actual.get(inspected) or ""):
            problems.append(_problem(inspected, ctx.text(wanted), actual.get(inspected) or "-"))
    return problems


def port_key(port: str) -> str:
    """`80` -> `80/tcp`, as the engine names ports."""
    return port if "/" in port else f"{port}/tcp"


def _same_command(wanted: str | list[str], actual: list[str] | None, ctx: CheckContext) -> bool:
    actual = list(actual or [])
    if isinstance(wanted, list):
        return [ctx.text(part) for part in wanted] == actual
    line = ctx.text(wanted)
    if actual == ["/bin/sh", "-c", line]:  # the shell form: CMD nginx -g 'daemon off;'
        return True
    try:  # the exec form: each variable's value is one word, whatever spaces or quotes it has
        return shlex.split(substitute(wanted, ctx.values, quote=True)) == actual
    except ValueError:
        return False


def _env(entries: list[str] | None) -> dict[str, str]:
    return dict(entry.split("=", 1) if "=" in entry else (entry, "") for entry in entries or [])


def _mapping_problems(key: str, expected: dict[str, str], actual: dict[str, str],
                      ctx: CheckContext) -> list[Problem]:
    problems = []
    for name, value in expected.items():
        value = ctx.text(value)
        if actual.get(name) != value:
            shown = f"{name}={actual[name]}" if name in actual else "-"
            problems.append(_problem(key, f"{name}={value}", shown))
    return problems


def _problem(field: str, expected: str, actual: str) -> Problem:
    return Problem(msg("check.config_field", field=field), expected, actual)


def _shown(command: str | list[str] | None) -> str:
    if command is None:
        return "-"
    return command if isinstance(command, str) else shlex.join(command)
