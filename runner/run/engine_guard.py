"""The run's engine guard: the lab's shell and the student's task shell reach the engine
through it (runner/guard), so a deletion of something this run did not create is asked for,
or refused when nobody can be asked, whatever the command looked like. labrunner's own
checks talk to the engine directly: they only read."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from runner.messages import Message, msg

# What would point the docker CLI somewhere else than DOCKER_HOST.
ENGINE_VARIABLES = ("DOCKER_CONTEXT", "DOCKER_TLS", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH")


def start_guard(profile: Any, environ: Mapping[str, str], ask: Callable | None,
                language: str, notify: Callable[[Message], None]) -> Any:
    """The started guard with a `lab` and a `student` socket, or None (said) where it cannot
    stand between the shells and this engine."""
    from runner.guard.engine import UnsupportedEngine
    from runner.guard.guard import Guard

    if environ.get("DOCKER_TLS_VERIFY") or environ.get("DOCKER_TLS"):  # plain text to TLS
        notify(msg("guard.not_guarded", engine=profile.endpoint))
        return None
    try:
        guard = Guard(profile.endpoint, profile.sandbox, ask, language)
    except UnsupportedEngine:
        notify(msg("guard.not_guarded", engine=profile.endpoint))
        return None
    try:
        guard.start("lab")
        # The student's bash owns the keyboard during a task: refuse there, saying how.
        guard.open_socket("student", unattended=True)
    except BaseException:
        guard.stop()
        raise
    return guard


def shell_environment(environ: Mapping[str, str], endpoint: str, guard: Any,
                      shell: str) -> dict[str, str]:
    """`environ` pointed at the lab's engine: through the guard's socket for `shell` when a
    guard runs, else straight at `endpoint`."""
    result = dict(environ)
    if guard is None:
        result["DOCKER_HOST"] = endpoint
        return result
    for name in ENGINE_VARIABLES:
        result.pop(name, None)
    result["DOCKER_HOST"] = f"unix://{guard.sockets[shell]}"
    return result
