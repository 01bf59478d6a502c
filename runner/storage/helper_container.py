"""The helper container itself: its image, its start with the rights it needs, its removal.

A helper is privileged (it reads the engine host's files), runs with the host's PID namespace
and no network, and is labelled so that a leftover (labrunner killed outright) can be found.
Its first process only sleeps: AutoRemove deletes the container when that sleep ends, so even
a forgotten helper disappears after LIFETIME seconds.
The Docker SDK is imported lazily: only a run that uses a helper pays for it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import time
from typing import Any

from runner.errors import LabError
from runner.storage.helper_script import (
    INIT_SCRIPT,
    PROBE_SCRIPT,
    Access,
    parse_probe,
    stdout_of,
)

DEFAULT_IMAGE = "busybox:latest"
LABEL = "io.labrunner.helper"  # value: "host-files"
OWNER_LABEL = "io.labrunner.helper.owner"  # "<hostname>:<pid>" of the labrunner that started it
LIFETIME = 6 * 3600  # seconds

# Two ways to get the rights, in order. `--privileged` is the usual one (Desktop, remote
# hosts). An engine whose own capability set is smaller than "all" (dockerd inside a VM
# sandbox or a container) refuses it ("unable to apply caps"): the few rights the helper
# really uses are then asked for one by one.
PRIVILEGED: dict[str, Any] = {"privileged": True}
CAPABILITIES: dict[str, Any] = {"cap_add": ["SYS_ADMIN", "SYS_PTRACE"],
                                "security_opt": ["apparmor=unconfined", "seccomp=unconfined"]}
RIGHTS = {"privileged": PRIVILEGED, "capabilities": CAPABILITIES}


class HelperError(LabError):
    """The helper container could not be had, started, or asked (exit 3, like an engine
    that does not answer: nothing is wrong with the lab)."""

    exit_code = 3


def ensure_image(client: Any, image: str) -> None:
    """Make sure the engine has `image`, pulling it when it has not (a sandbox pulls from its
    offline mirror); helper.no_image when neither works."""
    from docker.errors import DockerException, ImageNotFound

    try:
        client.images.get(image)
        return
    except ImageNotFound:
        pass
    except DockerException as error:
        raise HelperError("helper.no_image", image=image, reason=short(error)) from error
    try:
        client.images.pull(image)  # the SDK reads a tag or digest in the name (else latest)
    except DockerException as error:
        raise HelperError("helper.no_image", image=image, reason=short(error)) from error


def start_container(client: Any, image: str) -> tuple[Any, str]:
    """Create and start a helper; returns it and the name of the rights that worked."""
    from docker.errors import DockerException

    failure: DockerException | None = None
    for rights, options in RIGHTS.items():
        created = _create_options()
        try:
            container = client.containers.create(image, **created, **options)
            container.start()
            return container, rights
        except DockerException as error:
            failure = error
            _remove_named(client, created["name"])
        except BaseException:  # Ctrl-C: a created, never started helper is never auto-removed
            _remove_named(client, created["name"])
            raise
    raise HelperError("helper.refused", image=image, reason=short(failure)) from failure


def _remove_named(client: Any, name: str) -> None:
    """Remove the helper called `name` if the engine created it (by name: an interrupted
    create may have made it without telling us)."""
    from docker.errors import DockerException

    with contextlib.suppress(DockerException):
        client.api.remove_container(name, force=True)


def probe(api: Any, container: Any, must_see: str) -> Access | None:
    """Find how this helper sees the engine host's files (must_see: a folder it must see,
    such as the Docker root); None when it cannot."""
    out = run(api, container.id, ["sh", "-c", PROBE_SCRIPT, "probe", must_see])
    return parse_probe(out.decode("utf-8", "replace"))


def run(api: Any, container_id: str, argv: list[str]) -> bytes:
    """Run `argv` in the container and return its standard output.

    Not the SDK's exec_start: it reads the upgraded connection's raw socket and loses what
    the HTTP parser had already buffered (over TCP a short answer is often lost entirely).
    Started without `Upgrade`, the engine answers a plain HTTP body ended by closing the
    connection, which `requests` reads whole."""
    created = api.exec_create(container_id, argv, stdout=True, stderr=False)
    url = f"{api.base_url}/v{api.api_version}/exec/{created['Id']}/start"
    response = api.post(url, json={"Detach": False, "Tty": False}, stream=True)
    try:
        _raise_for_status(response)
        return stdout_of(response.raw.read())
    finally:
        response.close()


def _raise_for_status(response: Any) -> None:
    """An HTTP error as the SDK's typed error (NotFound, APIError…), as its own calls do."""
    from docker.errors import create_api_error_from_http_exception
    from requests.exceptions import HTTPError

    try:
        response.raise_for_status()
    except HTTPError as error:
        create_api_error_from_http_exception(error)  # raises


def remove(container: Any) -> None:
    """Remove the helper (killing it); one already gone is fine."""
    from docker.errors import DockerException

    # Gone already (AutoRemove), or the engine went away with it: nothing left to remove.
    with contextlib.suppress(DockerException):
        container.remove(force=True)


def leftovers(client: Any, now: float | None = None) -> list[Any]:
    """Helpers left behind: their labrunner (on this machine) is gone, or, when that cannot
    be told (another machine's, no pid), they outlived LIFETIME. Never a live run's helper."""
    helpers = client.containers.list(all=True, filters={"label": f"{LABEL}=host-files"})
    now = time.time() if now is None else now
    return [helper for helper in helpers if is_leftover(helper.labels.get(OWNER_LABEL, ""),
                                                        helper.attrs.get("Created", ""), now)]


def remove_leftovers(client: Any) -> int:
    """Remove what leftovers() finds; returns how many (0 when the engine cannot list them:
    cleaning up must never stop a helper from starting)."""
    from docker.errors import DockerException

    try:
        found = leftovers(client)
    except DockerException:
        return 0
    for helper in found:
        remove(helper)
    return len(found)


def is_leftover(owner_label: str, created: str, now: float) -> bool:
    """Whether a helper with that owner label, created then (the engine's ISO time), is left
    over: its labrunner's pid is gone, or, where no pid of ours can be checked, it is older
    than LIFETIME (its sleep should have ended it)."""
    host, _, pid = owner_label.rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _owner_gone(owner_label)
    started = _timestamp(created)
    return started is not None and now - started > LIFETIME


def _timestamp(created: str) -> float | None:
    """`2026-11-29T16:46:46.123456789Z` (nanoseconds, which fromisoformat refuses) -> epoch."""
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(created.split(".")[0].removesuffix("Z"))
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC).timestamp()


def _create_options() -> dict[str, Any]:
    return {
        "command": ["sh", "-c", INIT_SCRIPT.format(lifetime=LIFETIME)],
        "name": f"labrunner-helper-{os.getpid()}-{secrets.token_hex(3)}",
        "labels": {LABEL: "host-files", OWNER_LABEL: owner()},
        "pid_mode": "host",
        "network_mode": "none",
        "auto_remove": True,
    }


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_gone(label: str) -> bool:
    """Whether the labrunner named by an owner label (`<host>:<pid>`) is gone; False for
    another machine's, or one still alive (another user's too)."""
    host, _, pid = label.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's helper: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False  # alive, another user's (or not a pid at all)
    return False


def short(error: object) -> str:
    """The engine's own words, on one line (the SDK's messages can span several)."""
    text = getattr(error, "explanation", None) or str(error)
    return " ".join(str(text).split())[:300]
