"""container: a container's state, exit code and config — the image it runs, its environment,
its mounts (bind or volume, source, destination), its published ports, its restart policy.

Read through the engine API (`docker container inspect`), so it holds on every engine. This
is how a task is graded when the answer is in the `docker run` flags: a missing `-e`, a
volume where a bind mount was asked, a port published on the wrong side all fail."""

from __future__ import annotations

import os
import posixpath
from typing import Literal

from pydantic import Field, StrictBool, StrictInt, StrictStr

from runner.checks.base import (
    CheckBase,
    CheckContext,
    CheckOutcome,
    Problem,
    absent_as_none,
    outcome,
    unexamined,
)
from runner.checks.config import ImageConfig, config_problems, port_key
from runner.lab.types import Strict
from runner.messages import msg

RESTART_POLICIES = Literal["no", "always", "unless-stopped", "on-failure"]


class Mount(Strict):
    """One mount the container must have (`docker run -v`/`--mount`)."""

    type: Literal["bind", "volume", "tmpfs"]
    source: StrictStr | None = Field(
        None, description="bind: the folder on this machine (relative: from the lab shell's "
        "folder); volume: the volume's name. Omitted: any.")
    destination: StrictStr = Field(description="The path inside the container, e.g. /data")
    read_only: StrictBool | None = Field(None, description="Mounted read-only (`:ro`).")


class ContainerConfig(ImageConfig):
    """What the container was created with: the image's config plus `docker run`'s own flags."""

    image: StrictStr | None = Field(None, description="The image it runs, e.g. nginx:alpine")
    mounts: list[Mount] | None = Field(None, description="Mounts it must have (others allowed).")
    ports: list[StrictStr] | None = Field(
        None, description="Published ports as `docker run -p` writes them: `8080:80`, "
        "`127.0.0.1:8080:80/tcp`, or `80` (any host port).")
    restart: RESTART_POLICIES | None = Field(None, description="Restart policy (`--restart`).")


class ContainerCheck(CheckBase):
    """A container: its state, exit code and config."""

    type: Literal["container"]
    name: StrictStr = Field(description="The container's name (or id).")
    state: Literal["running", "exited", "created", "paused", "restarting", "dead", "present",
                   "absent"] = "running"
    exit_code: StrictInt | None = Field(None, description="State.ExitCode (once it has exited).")
    config: ContainerConfig | None = None


def evaluate(check: ContainerCheck, ctx: CheckContext) -> CheckOutcome:
    name = ctx.text(check.name)
    summary = (msg("check.container_config", name=name) if check.config is not None
               else msg(f"check.container_{check.state}", name=name))
    details = inspect_container(ctx, name)
    actual = details["State"]["Status"] if details else "absent"
    wanted = check.state
    if not (actual == wanted or (wanted == "present" and actual != "absent")):
        # Without the container there is no config or exit code to look at: not even `not:`
        # makes that a pass.
        looks_inside = check.config is not None or check.exit_code is not None
        kind = unexamined if looks_inside and actual == "absent" else Problem
        return outcome(summary, [kind(msg("check.container_state"), wanted, actual)])
    if details is None:
        return outcome(summary, [])
    problems = []
    exit_code = (details.get("State") or {}).get("ExitCode")
    if check.exit_code is not None and exit_code != check.exit_code:
        problems.append(Problem(msg("check.exit_code"), str(check.exit_code), str(exit_code)))
    if check.config is not None:
        problems += _config_problems(check.config, details, ctx)
    return outcome(summary, problems)


def _config_problems(config: ContainerConfig, details: dict, ctx: CheckContext) -> list[Problem]:
    problems = config_problems(config, details.get("Config") or {}, ctx)
    if config.image is not None:
        problems += _image_problems(ctx.text(config.image), details, ctx)
    for mount in config.mounts or []:
        problems += _mount_problems(mount, _mounts_of(details), ctx)
    for port in config.ports or []:
        problems += _port_problems(ctx.text(port), details)
    restart = ((details.get("HostConfig") or {}).get("RestartPolicy") or {}).get("Name") or "no"
    if config.restart is not None and restart != config.restart:
        problems.append(Problem(msg("check.config_field", field="RestartPolicy"), config.restart,
                                restart))
    return problems


def _image_problems(image: str, details: dict, ctx: CheckContext) -> list[Problem]:
    """The image as typed (Config.Image), or any tag of the image id it runs."""
    from runner.checks.image import image_id_of

    typed = (details.get("Config") or {}).get("Image", "")
    if typed in (image, f"{image}:latest") or image_id_of(ctx, image) == details.get("Image"):
        return []
    return [Problem(msg("check.config_field", field="Image"), image, typed)]


def _mounts_of(details: dict) -> list[dict]:
    """Mounts, plus the tmpfs of `--tmpfs` (kept in HostConfig.Tmpfs, not in Mounts)."""
    tmpfs = ((details.get("HostConfig") or {}).get("Tmpfs") or {}).items()
    return [*(details.get("Mounts") or []),
            *({"Type": "tmpfs", "Destination": destination,
               "RW": "ro" not in options.split(",")} for destination, options in tmpfs)]


def _mount_problems(mount: Mount, mounts: list[dict], ctx: CheckContext) -> list[Problem]:
    destination = posixpath.normpath(ctx.text(mount.destination))  # the engine cleans it too
    at = [m for m in mounts if m.get("Destination") == destination]
    expected = _mount_text(mount.type, _expected_source(mount, ctx), destination,
                           mount.read_only)
    actual = "\n".join(_mount_text(m.get("Type", "?"), _actual_source(m), m["Destination"],
                                   not m.get("RW", True)) for m in at) or "-"
    if any(_mount_matches(mount, m, ctx) for m in at):
        return []
    return [Problem(msg("check.mount", destination=destination), expected, actual)]


def _mount_matches(mount: Mount, actual: dict, ctx: CheckContext) -> bool:
    source = _expected_source(mount, ctx)
    return (actual.get("Type") == mount.type
            and (source is None or source == _actual_source(actual))
            and (mount.read_only is None or mount.read_only == (not actual.get("RW", True))))


def _expected_source(mount: Mount, ctx: CheckContext) -> str | None:
    if mount.source is None:
        return None
    if mount.type == "bind":
        return os.path.realpath(ctx.local_path(mount.source))
    return ctx.text(mount.source)


def _actual_source(mount: dict) -> str:
    if mount.get("Type") == "volume":
        return mount.get("Name", "")
    source = mount.get("Source", "")
    return os.path.realpath(source) if source else source


def _mount_text(kind: str, source: str | None, destination: str, read_only: bool | None) -> str:
    text = f"{kind} {source or '*'} -> {destination}"
    return text + (" (ro)" if read_only else "")


def _port_problems(port: str, details: dict) -> list[Problem]:
    """`[ip:]host:container[/proto]` or `container[/proto]`, compared with what was asked
    (HostConfig.PortBindings): it holds for a stopped container too. `docker run -P` asks for
    no port by number: then the ports the engine chose (NetworkSettings.Ports) count."""
    host_ip, host_port, container = _parse_port(port)
    bindings = dict((details.get("HostConfig") or {}).get("PortBindings") or {})
    if (details.get("HostConfig") or {}).get("PublishAllPorts"):
        chosen = (details.get("NetworkSettings") or {}).get("Ports") or {}
        bindings.update({key: items for key, items in chosen.items() if items})
    published = bindings.get(port_key(container)) or []
    for binding in published:
        if host_port and binding.get("HostPort") != host_port:
            continue
        if host_ip and _host_ip(binding) != _host_ip({"HostIp": host_ip}):
            continue
        return []
    actual = ", ".join(f"{b.get('HostIp') or '*'}:{b.get('HostPort') or '*'}->{key}"
                       for key, items in bindings.items() for b in items or []) or "-"
    return [Problem(msg("check.config_field", field="PortBindings"), port, actual)]


def _host_ip(binding: dict) -> str:
    """`-p 8080:80` asks for the engine's default address: the same as `0.0.0.0:8080:80`."""
    return binding.get("HostIp") or "0.0.0.0"


def _parse_port(port: str) -> tuple[str, str, str]:
    """`127.0.0.1:8080:80/tcp` -> ("127.0.0.1", "8080", "80/tcp"); `80` -> ("", "", "80")."""
    parts = port.rsplit(":", 2)
    if len(parts) == 3:
        return parts[0].strip("[]"), parts[1], parts[2]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return "", "", parts[0]


def inspect_container(ctx: CheckContext, name: str) -> dict | None:
    """`docker container inspect NAME` as a mapping, or None when there is no such container."""
    return absent_as_none(ctx.docker.api.inspect_container, name)
