"""What a Docker API request would do to existing objects: the one place that says which
requests are held (delete, stop, kill, restart, pause, rename, update, exec into, copy into,
prune, overwrite a tag, load; remove a swarm service, secret, config or plugin, disable a
plugin, leave the swarm), and on what. Podman's own API (/libpod/...) is held the same way,
plus its pods, its images/remove and its system prune.

Pure: (method, path, query) in, `Held` requests out; no engine, no I/O. Whether the object
is the run's is decided by `decision.py` with the facts the engine gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from runner.guard.http1 import Target


class Kind(StrEnum):
    CONTAINER = "container"
    IMAGE = "image"
    VOLUME = "volume"
    NETWORK = "network"
    BUILD_CACHE = "build_cache"
    # Objects the guard cannot tell the run's from the user's: always asked.
    SERVICE = "service"
    SECRET = "secret"
    CONFIG = "config"
    PLUGIN = "plugin"
    SWARM = "swarm"
    POD = "pod"
    SYSTEM = "system"  # libpod's system prune: containers, pods, images, networks, volumes


ASKED_KINDS = frozenset({Kind.SERVICE, Kind.SECRET, Kind.CONFIG, Kind.PLUGIN,
                         Kind.SWARM, Kind.POD, Kind.SYSTEM})


class Action(StrEnum):
    REMOVE = "remove"
    STOP = "stop"
    KILL = "kill"
    RESTART = "restart"
    PAUSE = "pause"
    RENAME = "rename"
    UPDATE = "update"  # change a container's resources or restart policy
    EXEC = "exec"  # run a command in a container
    COPY_INTO = "copy_into"  # docker cp into a container (PUT .../archive)
    PRUNE = "prune"
    OVERWRITE = "overwrite"  # move an existing tag onto another image
    LOAD = "load"  # load an archive, whose tags (unknown before it is read) move onto it
    REMOVE_ALL = "remove_all"  # libpod's images/remove?all=true
    DISABLE = "disable"  # a plugin
    LEAVE = "leave"  # the swarm


@dataclass(frozen=True)
class Held:
    """A request held until decided: `action` on the object `ref` of `kind` ("" for a prune);
    `source` is the image a tag or build would put under `ref`, when known."""

    action: Action
    kind: Kind
    ref: str = ""
    source: str = ""


_CONTAINER_VERBS = {"stop": Action.STOP, "kill": Action.KILL, "restart": Action.RESTART,
                    "pause": Action.PAUSE, "rename": Action.RENAME, "update": Action.UPDATE,
                    "exec": Action.EXEC}
_PRUNABLE = {"containers": Kind.CONTAINER, "images": Kind.IMAGE, "volumes": Kind.VOLUME,
             "networks": Kind.NETWORK, "build": Kind.BUILD_CACHE}
_REMOVABLE = {"containers": Kind.CONTAINER, "images": Kind.IMAGE, "volumes": Kind.VOLUME,
              "networks": Kind.NETWORK, "services": Kind.SERVICE, "secrets": Kind.SECRET,
              "configs": Kind.CONFIG, "plugins": Kind.PLUGIN}
_LIBPOD_ONLY = {"pods": Kind.POD, "system": Kind.SYSTEM}


def classify(method: str, target: Target) -> tuple[Held, ...]:
    """The held actions of one request (most requests: none)."""
    path = target.path.strip("/")
    if path.startswith("libpod/"):
        return _libpod(method, path.removeprefix("libpod/"), target)
    first, _, rest = path.partition("/")
    if method == "DELETE" and first in _REMOVABLE and rest:
        return (Held(Action.REMOVE, _REMOVABLE[first], rest),)
    if method == "PUT" and first == "containers" and rest.endswith("/archive"):
        return (Held(Action.COPY_INTO, Kind.CONTAINER, rest.removesuffix("/archive")),)
    if method != "POST":
        return ()
    if rest == "prune" and first in _PRUNABLE:
        return (Held(Action.PRUNE, _PRUNABLE[first]),)
    if (first, rest) == ("images", "load"):
        return (Held(Action.LOAD, Kind.IMAGE),)
    if (first, rest) == ("swarm", "leave"):
        return (Held(Action.LEAVE, Kind.SWARM),)
    if first == "plugins" and rest.endswith("/disable"):
        return (Held(Action.DISABLE, Kind.PLUGIN, rest.removesuffix("/disable")),)
    return _posted(first, rest, target)


def _libpod(method: str, path: str, target: Target) -> tuple[Held, ...]:
    """Podman's API: its pods, its batch image removal, its system prune; the rest is held
    as the same request on the Docker API would be (same collections, same verbs)."""
    first, _, rest = path.partition("/")
    if method == "DELETE" and (first, rest) == ("images", "remove"):
        everything = target.first("all").lower() in ("1", "true")
        return ((Held(Action.REMOVE_ALL, Kind.IMAGE),) if everything else tuple(
            Held(Action.REMOVE, Kind.IMAGE, ref) for ref in target.query.get("images", [])))
    if first in _LIBPOD_ONLY and method == "POST" and rest == "prune":
        return (Held(Action.PRUNE, _LIBPOD_ONLY[first]),)
    if first == "pods" and method == "DELETE" and rest:
        return (Held(Action.REMOVE, Kind.POD, rest),)
    return classify(method, Target(path, target.query, target.version))


def _posted(first: str, rest: str, target: Target) -> tuple[Held, ...]:
    """POSTs that stop or change a container or put a tag where one may already be."""
    name, _, verb = rest.rpartition("/")
    if first == "containers" and verb in _CONTAINER_VERBS and name:
        return (Held(_CONTAINER_VERBS[verb], Kind.CONTAINER, name),)
    if first == "images" and verb == "tag" and name:
        tag = tagged(target.first("repo"), target.first("tag"))
        return (Held(Action.OVERWRITE, Kind.IMAGE, tag, name),) if tag else ()
    return tuple(Held(Action.OVERWRITE, Kind.IMAGE, ref) for ref in new_references(first,
                                                                                   rest, target))


def new_references(first: str, rest: str, target: Target) -> list[str]:
    """The tags a build, a commit or an import writes (a pull is not held: it is how labs
    start, and a pulled tag the user had is not counted as the run's)."""
    if (first, rest) == ("build", ""):
        return [ref for ref in target.query.get("t", []) if ref]
    if (first, rest) == ("commit", "") or ((first, rest) == ("images", "create")
                                             and target.first("fromSrc")):
        tag = tagged(target.first("repo"), target.first("tag"))
        return [tag] if tag else []
    return []


def tagged(repository: str, tag: str) -> str:
    """repo + tag query parameters -> one reference ("" when there is no repository)."""
    if not repository:
        return ""
    return f"{repository}:{tag}" if tag else repository


def normal_reference(ref: str) -> str:
    """One spelling per image reference: `nginx`, `library/nginx:latest` and
    `docker.io/library/nginx:latest` all become `nginx:latest`; digests are kept."""
    name, at, digest = ref.partition("@")
    slash, colon = name.rfind("/"), name.rfind(":")
    repository, tag = (name[:colon], name[colon + 1:]) if colon > slash else (name, "")
    for prefix in ("docker.io/", "index.docker.io/"):
        repository = repository.removeprefix(prefix)
    if repository.startswith("library/") and repository.count("/") == 1:
        repository = repository.removeprefix("library/")
    if at:
        return f"{repository}{':' + tag if tag else ''}@{digest}"
    return f"{repository}:{tag or 'latest'}"
