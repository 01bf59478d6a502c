"""The engine host's files read through a helper container on that engine (HostFiles).

For engines whose files are not on this machine (Docker Desktop's VM, a remote engine, a
rootless engine of another user), so that locating a layer and the `path` check work there
as on Linux. One helper per run: `HelperFiles.start(client)` starts it (the user consented:
it is privileged), its questions go to one shell in it (runner/storage/helper_session.py;
~1-3 ms a question), `close()` removes it. `start_for(profile)` also registers it for that
engine (host_files.register), so lookups and checks use it without being told.
"""

from __future__ import annotations

from typing import Any

from runner.storage import helper_container as helper
from runner.storage.helper_container import DEFAULT_IMAGE, HelperError
from runner.storage.helper_script import (
    Access,
    parse_kinds,
    parse_listing,
    parse_names,
    parse_read,
    parse_read_raw,
    read_bytes,
)
from runner.storage.helper_session import Session
from runner.storage.host_files import (
    READ_LIMIT,
    FileKind,
    HostFiles,
    files_for,
    register,
    unregister,
)


def start_for(profile: Any, image: str = DEFAULT_IMAGE) -> HelperFiles:
    """Start a helper on the engine `profile` describes and register it (host_files.register),
    so the storage lookups and the path checks read that engine's files through it; close()
    unregisters it. Call only once the user consented (consent_message, or --host-helper)."""
    from runner.engines.sdk import client

    files = HelperFiles.start(client(profile.endpoint), image, must_see=profile.docker_root)
    register(profile.endpoint, files)
    files.endpoint = profile.endpoint
    return files


def needs_helper(profile: Any) -> bool:
    """Whether the engine's files can be read only through a helper (none registered yet)."""
    return files_for(profile) is None


class HelperFiles(HostFiles):
    """HostFiles answered by a running helper container; use as a context manager, or
    call close() at the end of the run."""

    where = "helper"

    def __init__(self, client: Any, container: Any, access: Access, rights: str,
                 image: str) -> None:
        self._api = client.api
        self._session: Session | None = None  # opened on the first question
        self._session_failed = False
        self.container = container
        self.access = access  # how the helper reaches the files (for the student's command)
        self.rights = rights  # "privileged" or "capabilities" (what the engine accepted)
        self.image = image
        self.endpoint = ""  # set when registered for an engine (start_for)

    @classmethod
    def start(cls, client: Any, image: str = DEFAULT_IMAGE, must_see: str = "") -> HelperFiles:
        """Start a helper on the engine of `client` (a docker.DockerClient). `must_see`, by
        default the engine's Docker root, proves the helper sees the right files."""
        must_see = must_see or _docker_root(client)
        helper.remove_leftovers(client)  # a killed run's privileged helpers: gone from now on
        helper.ensure_image(client, image)
        container, rights = helper.start_container(client, image)
        try:
            access = helper.probe(client.api, container, must_see)
        except BaseException:  # Ctrl-C too: never leave a privileged container behind
            helper.remove(container)
            raise
        if access is None:
            helper.remove(container)
            raise HelperError("helper.blind", folder=must_see)
        return cls(client, container, access, rights, image)

    def close(self) -> None:
        """Remove the helper container (idempotent), and forget it as a way to that engine."""
        if self.endpoint:
            unregister(self.endpoint)
        if self._session is not None:
            self._session.close()
            self._session = None
        helper.remove(self.container)

    def __enter__(self) -> HelperFiles:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def kind(self, path: str) -> FileKind:
        return self.kinds([path])[0]

    def kinds(self, paths: list[str]) -> list[FileKind]:
        """The kind of several paths in one question (one round trip)."""
        asked = [path for path in paths if _usable(path)]
        answers = iter(parse_kinds(self._ask("kind", *asked).decode("utf-8", "replace"),
                                   len(asked)) if asked else [])
        return [next(answers) if _usable(path) else FileKind.MISSING for path in paths]

    def glob(self, pattern: str) -> list[str]:
        return parse_names(self._ask("glob", pattern)) if _usable(pattern) else []

    def read_text(self, path: str, limit: int = READ_LIMIT) -> str | None:
        if not _usable(path):
            return None
        return parse_read(self._ask("read", path, str(read_bytes(limit))), limit)

    def read_bytes(self, path: str, limit: int = READ_LIMIT) -> bytes | None:
        """Raw bytes (containerd's snapshot database is binary): the `read` answer after `+`."""
        if not _usable(path):
            return None
        return parse_read_raw(self._ask("read", path, str(max(0, limit))), limit)

    def listdir(self, path: str) -> list[str]:
        return parse_listing(self._ask("list", path)) if _usable(path) else []

    def _ask(self, question: str, *args: str) -> bytes:
        """One question's standard output: through the run's session, or, for an argument
        the session cannot carry or when it cannot be had, one exec of its own."""
        from docker.errors import DockerException

        session = self._open_session() if Session.can_carry(args) else None
        if session is not None:
            try:
                return session.ask(question, *args)
            except OSError:  # the stream broke: the exec below says whether the helper is gone
                session.close()
                self._session, self._session_failed = None, True
        try:
            return helper.run(self._api, self.container.id, self.access.argv(question, *args))
        except DockerException as error:
            raise HelperError("helper.gone", name=self.container.name,
                              reason=helper.short(error)) from error


    def _open_session(self) -> Session | None:
        from docker.errors import DockerException

        if self._session is None and not self._session_failed:
            try:
                self._session = Session.open(self._api, self.container.id, self.access,
                                             self._running)
            except (DockerException, OSError):
                self._session_failed = True  # questions go one exec each
        return self._session


    def _running(self) -> bool:
        from docker.errors import DockerException

        try:
            return bool(self._api.inspect_container(self.container.id)["State"]["Running"])
        except DockerException:
            return False


def _usable(path: str) -> bool:
    """A path the engine's API can carry (a NUL byte cannot be sent, os.lstat refuses it too)."""
    return bool(path) and "\0" not in path


def _docker_root(client: Any) -> str:
    from docker.errors import DockerException

    try:
        return str(client.info().get("DockerRootDir") or "/")
    except DockerException as error:
        raise HelperError("helper.no_root", reason=helper.short(error)) from error
