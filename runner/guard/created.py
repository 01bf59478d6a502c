"""The objects this run created, learnt from the engine's own answers.

Pure: the proxy says which request it forwarded (`creation_of`), feeds the answer's body to
a `Collector`, and `Created.learn` records the ids, names and tags that answer names.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from runner.guard.http1 import Target
from runner.guard.policy import new_references, normal_reference, tagged


class Creation(StrEnum):
    CONTAINER = "container"
    VOLUME = "volume"
    NETWORK = "network"
    COMMIT = "commit"
    PULL = "pull"
    IMPORT = "import"
    BUILD = "build"
    TAG = "tag"
    LOAD = "load"


_POSTS = {"containers/create": Creation.CONTAINER, "volumes/create": Creation.VOLUME,
          "networks/create": Creation.NETWORK, "commit": Creation.COMMIT,
          "build": Creation.BUILD, "images/load": Creation.LOAD}


def creation_of(method: str, target: Target) -> Creation | None:
    """Which kind of object a request makes, if any."""
    if method != "POST":
        return None
    path = target.path.strip("/")
    if path == "images/create":
        return Creation.IMPORT if target.first("fromSrc") else Creation.PULL
    if path.startswith("images/") and path.endswith("/tag"):
        return Creation.TAG
    return _POSTS.get(path)


def references_written(creation: Creation, target: Target) -> list[str]:
    """The tags a request writes, known before it runs (normalised)."""
    if creation is Creation.PULL:
        ref = target.first("fromImage")
        tag = target.first("tag")
        return [normal_reference(f"{ref}:{tag}" if tag and "@" not in ref else ref)] if ref else []
    if creation is Creation.TAG:
        return [normal_reference(tagged(target.first("repo"), target.first("tag")))]
    first, _, rest = target.path.strip("/").partition("/")
    return [normal_reference(ref) for ref in new_references(first, rest, target)]


_MARKERS = (b'"aux"', b"Loaded image", b'"status":"sha256:')
WHOLE_LIMIT = 64 * 1024


class Collector:
    """Keeps what `learn` needs from a body however long it is: the start of a JSON answer
    and the stream lines that name an image (aux ID, Loaded image, an import's id)."""

    def __init__(self) -> None:
        self.whole = bytearray()
        self.lines: list[bytes] = []
        self._partial = b""

    def feed(self, piece: bytes) -> None:
        if len(self.whole) < WHOLE_LIMIT:
            self.whole += piece[:WHOLE_LIMIT - len(self.whole)]
        *complete, self._partial = (self._partial + piece).split(b"\n")
        self.lines += [line for line in complete if any(mark in line for mark in _MARKERS)]

    def finish(self) -> list[bytes]:
        return [*self.lines, self._partial] if self._partial else self.lines


@dataclass
class Created:
    """Ids of containers, images and networks, names of volumes, and image tags."""

    containers: set[str] = field(default_factory=set)
    images: set[str] = field(default_factory=set)
    references: set[str] = field(default_factory=set)
    volumes: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, list[str]]:
        return {name: sorted(values) for name, values in vars(self).items()}

    def learn(self, creation: Creation, body: Collector, written: list[str],
              kept_out: frozenset[str] = frozenset()) -> str:
        """Record what a successful answer made: its ids, and the tags it wrote (`written`,
        or named by a load) except `kept_out`, tags the user had before that stay theirs.
        Returns the main object's name, id or tags, for the record."""
        references = [ref for ref in written if ref not in kept_out]
        if creation in (Creation.CONTAINER, Creation.VOLUME, Creation.NETWORK, Creation.COMMIT):
            return self._learn_json(creation, _json(bytes(body.whole)), references, kept_out)
        for line in body.finish():
            references += self._learn_line(_json(line))
        self.references.update(ref for ref in references if ref not in kept_out)
        return ", ".join(references)

    def _learn_json(self, creation: Creation, answer: dict, references: list[str],
                    kept_out: frozenset[str]) -> str:
        """A create's or a commit's JSON answer (an existing volume's name is answered too:
        it is kept out)."""
        if creation is Creation.VOLUME:
            name = str(answer.get("Name", ""))
            if name not in kept_out:
                self.volumes.add(name)
            return name
        ident = answer.get("Id", "")
        {Creation.CONTAINER: self.containers, Creation.NETWORK: self.networks,
         Creation.COMMIT: self.images}[creation].add(ident)
        self.references.update(references)
        return ident

    def _learn_line(self, message: dict) -> list[str]:
        """One line of a build, load or import stream: image ids kept; tags returned."""
        aux = message.get("aux")
        if isinstance(aux, dict) and isinstance(aux.get("ID"), str):
            self.images.add(aux["ID"])
        status = message.get("status")
        if isinstance(status, str) and status.startswith("sha256:"):
            self.images.add(status.strip())
        stream = message.get("stream")
        if not isinstance(stream, str) or not stream.startswith("Loaded image"):
            return []
        line = stream.strip()
        if line.startswith("Loaded image ID: "):
            self.images.add(line.removeprefix("Loaded image ID: "))
            return []
        return [normal_reference(line.removeprefix("Loaded image: "))]


def _json(data: bytes) -> dict:
    try:
        value = json.loads(data)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
