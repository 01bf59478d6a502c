"""The docker CLI's words for the engine's API calls: which request each action of an
`engine_call` check is (method and endpoint, read from the engine's router, moby's
api/server/router, and from what the docker CLI sends), and which objects a request names.

Pure: guard records (runner/guard/record.py) in, actions and names out; no engine, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qs

from runner.guard.policy import Kind, tagged

Query = dict[str, list[str]]
Named = tuple[Kind, str]  # an object a request names, and what kind of object it is


@dataclass(frozen=True)
class Route:
    """One request: `pattern` is its endpoint without the API version, `{name}` standing for
    an object of `kind` (image names hold slashes: it matches them too). `requires` and
    `excludes` are query parameters that tell two uses of one endpoint apart (pull/import);
    `from_query` reads the objects the query names, `object_kind` says what the guard's
    `object` field names for this request (what a creation made)."""

    method: str
    pattern: str
    kind: Kind | None = None
    requires: str = ""
    excludes: str = ""
    from_query: Callable[[Query, str], list[Named]] = field(default=lambda query, name: [])
    object_kind: Kind | None = None

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(re.escape(self.pattern).replace(r"\{name\}", "(?P<name>.+)") + "$")

    def names(self, record: dict) -> list[Named] | None:
        """The objects `record` names if it is this request, else None."""
        endpoint = str(record.get("endpoint", "")).rstrip("/") or "/"
        found = self._regex.match(endpoint)
        query = parse_qs(str(record.get("query", "")), keep_blank_values=True)
        if (record.get("method") != self.method or found is None
                or (self.requires and not _first(query, self.requires))
                or (self.excludes and _first(query, self.excludes))):
            return None
        name = found.groupdict().get("name", "")
        named = [(self.kind, name)] if self.kind and name else []
        made = [part for part in str(record.get("object", "")).split(", ") if part]
        return named + self.from_query(query, name) + [(self.object_kind, part) for part in made
                                                  if self.object_kind]


def _first(query: Query, key: str) -> str:
    return (query.get(key) or [""])[0]


def _pulled(query: Query, _: str) -> list[Named]:
    """A pull names `fromImage` and `tag` (a digest comes as the tag)."""
    image, tag = _first(query, "fromImage"), _first(query, "tag")
    if tag.startswith("sha256:"):
        return [(Kind.IMAGE, f"{image}@{tag}")]
    return [(Kind.IMAGE, tagged(image, tag))]


def _repo_tag(query: Query, _: str = "") -> list[Named]:
    """The tag an import, a tag or a commit writes (`repo` and `tag`)."""
    reference = tagged(_first(query, "repo"), _first(query, "tag"))
    return [(Kind.IMAGE, reference)] if reference else []


def _committed(query: Query, _: str) -> list[Named]:
    """A commit names the container it reads and the image tag it writes."""
    return [(Kind.CONTAINER, _first(query, "container")), *_repo_tag(query)]


def _each(key: str, kind: Kind) -> Callable[[Query, str], list[Named]]:
    """Every value of a query parameter: `t` of a build, `names` of a save, `name` of a run."""
    return lambda query, _: [(kind, value) for value in query.get(key, []) if value]


def _pushed(query: Query, repository: str) -> list[Named]:
    """A push names the repository in its path and the tag in its query."""
    return [(Kind.IMAGE, tagged(repository, _first(query, "tag")))]


def _get(pattern: str, kind: Kind | None = None) -> Route:
    return Route("GET", pattern, kind)


def _post(pattern: str, kind: Kind | None = None) -> Route:
    return Route("POST", pattern, kind)


def _delete(pattern: str, kind: Kind) -> Route:
    return Route("DELETE", pattern, kind)


IMG, CTR, VOL, NET = Kind.IMAGE, Kind.CONTAINER, Kind.VOLUME, Kind.NETWORK
_CREATE = Route("POST", "/containers/create", from_query=_each("name", CTR), object_kind=CTR)
_START = _post("/containers/{name}/start", CTR)
_PRUNES = ("/containers/prune", "/networks/prune", "/images/prune")

# action -> its parts, every one of which must be seen; a part is the requests, any of which
# is it. Most actions are one request; `system prune` is the CLI's three prunes, `container
# run` a create and a start (a pull too when the image is missing: that is an `image pull`).
ACTIONS: dict[str, tuple[tuple[Route, ...], ...]] = {
    "image pull": ((Route("POST", "/images/create", requires="fromImage", excludes="fromSrc",
                          from_query=_pulled, object_kind=IMG),),),
    "image import": ((Route("POST", "/images/create", requires="fromSrc", from_query=_repo_tag,
                            object_kind=IMG),),),
    "image ls": ((_get("/images/json"),),),
    "image inspect": ((_get("/images/{name}/json", IMG),),),
    "image history": ((_get("/images/{name}/history", IMG),),),
    "image tag": ((Route("POST", "/images/{name}/tag", IMG, from_query=_repo_tag),),),
    "image rm": ((_delete("/images/{name}", IMG),),),
    "image prune": ((_post("/images/prune"),),),
    "image build": ((Route("POST", "/build", from_query=_each("t", IMG), object_kind=IMG),),),
    "image save": ((Route("GET", "/images/get", from_query=_each("names", IMG)),
                    _get("/images/{name}/get", IMG)),),
    "image load": ((Route("POST", "/images/load", object_kind=IMG),),),
    "image push": ((Route("POST", "/images/{name}/push", from_query=_pushed),),),
    "container create": ((_CREATE,),),
    "container run": ((_CREATE,), (_START,)),
    "container start": ((_START,),),
    "container stop": ((_post("/containers/{name}/stop", CTR),),),
    "container restart": ((_post("/containers/{name}/restart", CTR),),),
    "container kill": ((_post("/containers/{name}/kill", CTR),),),
    "container pause": ((_post("/containers/{name}/pause", CTR),),),
    "container unpause": ((_post("/containers/{name}/unpause", CTR),),),
    "container rename": ((_post("/containers/{name}/rename", CTR),),),
    "container rm": ((_delete("/containers/{name}", CTR),),),
    "container exec": ((_post("/containers/{name}/exec", CTR),),),
    "container commit": ((Route("POST", "/commit", from_query=_committed, object_kind=IMG),),),
    "container inspect": ((_get("/containers/{name}/json", CTR),),),
    "container ls": ((_get("/containers/json"),),),
    "container logs": ((_get("/containers/{name}/logs", CTR),),),
    "container top": ((_get("/containers/{name}/top", CTR),),),
    "container stats": ((_get("/containers/{name}/stats", CTR),),),
    "container diff": ((_get("/containers/{name}/changes", CTR),),),
    "container export": ((_get("/containers/{name}/export", CTR),),),
    "container cp": ((_get("/containers/{name}/archive", CTR),
                      Route("PUT", "/containers/{name}/archive", CTR)),),
    "container prune": ((_post("/containers/prune"),),),
    "volume create": ((Route("POST", "/volumes/create", object_kind=VOL),),),
    "volume rm": ((_delete("/volumes/{name}", VOL),),),
    "volume ls": ((_get("/volumes"),),),
    "volume inspect": ((_get("/volumes/{name}", VOL),),),
    "volume prune": ((_post("/volumes/prune"),),),
    "network create": ((Route("POST", "/networks/create", object_kind=NET),),),
    "network rm": ((_delete("/networks/{name}", NET),),),
    "network ls": ((_get("/networks"),),),
    "network inspect": ((_get("/networks/{name}", NET),),),
    "network connect": ((_post("/networks/{name}/connect", NET),),),
    "network disconnect": ((_post("/networks/{name}/disconnect", NET),),),
    "network prune": ((_post("/networks/prune"),),),
    "system df": ((_get("/system/df"),),),
    "system info": ((_get("/info"),),),
    "system events": ((_get("/events"),),),
    "system prune": tuple((_post(path),) for path in _PRUNES),
    "builder prune": ((_post("/build/prune"),),),
}


def action_of(record: dict) -> tuple[str, list[Named]] | None:
    """The action a record is (the first whose request it is) and the objects it names."""
    for action, parts in ACTIONS.items():
        if len(parts) > 1:
            continue  # made of several requests: each request is its own action
        for route in parts[0]:
            named = route.names(record)
            if named is not None:
                return action, named
    return None
