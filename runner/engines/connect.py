"""Find a Docker engine for `run`: the one the user configured, else the sandbox.

Never falls back silently from an endpoint the user chose: that is exit 3 naming it.
Only when nothing is configured and the default socket is silent do we use (or start)
the private sandbox engine, and we say so. `sandbox:FLAVOUR` names a sandbox flavour
(runner.sandbox.flavours); plain `sandbox` is the default one, overlay2.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from runner.engines.endpoint import DEFAULT_SOCKET, Endpoint, configured_endpoint, engine_info
from runner.engines.profile import EngineProfile, detect_profile
from runner.errors import EngineUnreachable
from runner.messages import Message, msg

Progress = Callable[[Message], None]


def connect(option: str | None, environ: Mapping[str, str], notify: Progress) -> EngineProfile:
    """Return the profile of the engine to use, starting the sandbox when that is allowed."""
    if option is not None and (option == "sandbox" or option.startswith("sandbox:")):
        return _sandbox_profile(notify, sandbox_flavour(option))
    endpoint = configured_endpoint(option, environ)
    info = engine_info(endpoint.url)
    if info is not None:
        return detect_profile(info, endpoint.url)
    if endpoint.configured:
        raise EngineUnreachable("engine.unreachable", url=endpoint.url,
                                source=_source_text(endpoint))
    return _fallback_to_sandbox(notify)


def _fallback_to_sandbox(notify: Progress) -> EngineProfile:
    from runner.sandbox import Sandbox

    reason = Sandbox.can_start()
    if reason is not None and not Sandbox().is_running():
        raise EngineUnreachable("engine.unreachable_default", url=DEFAULT_SOCKET,
                                reason=msg(reason))
    notify(msg("engine.using_sandbox", url=DEFAULT_SOCKET))
    return _sandbox_profile(notify)


def sandbox_flavour(option: str) -> str:
    """`sandbox` -> overlay2, `sandbox:FLAVOUR` -> FLAVOUR (a UsageError when unknown)."""
    from runner.sandbox.flavours import parse

    return parse(option.partition(":")[2] or None).value


def _sandbox_profile(notify: Progress, flavour: str = "overlay2") -> EngineProfile:
    from runner.sandbox import Sandbox

    sandbox = Sandbox(flavour=flavour)
    sandbox_info = sandbox.up(progress=lambda key, params: notify(msg(key, **params)))
    return profile_at(sandbox_info.docker_host, msg("engine.source_sandbox"))


def profile_at(url: str, source: Message) -> EngineProfile:
    """The profile of the engine at `url`; exit 3 naming it (and `source`) if it is silent."""
    info = engine_info(url)
    if info is None:
        raise EngineUnreachable("engine.unreachable", url=url, source=source)
    return detect_profile(info, url)


def _source_text(endpoint: Endpoint) -> Message:
    if endpoint.source.startswith("context:"):
        return msg("engine.source_context", name=endpoint.source.split(":", 1)[1])
    return msg(f"engine.source_{endpoint.source.lower()}")
