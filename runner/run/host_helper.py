"""The helper container of a run: started on an engine whose files are not on this machine
(Docker Desktop, a remote engine, another user's rootless engine), only with the user's
consent, and only for a lab that looks at the engine's files. It is removed when the run
ends, however it ends (runner/storage/helper_files.py does the work)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runner.lab.model import Lab
from runner.lab.step_forms import step_forms
from runner.lab.variables import placeholders
from runner.storage.variables import STORAGE_VARIABLES

FILE_CHECKS = frozenset({"path", "container_layer", "layer_store"})


def looks_at_engine_files(lab: Lab) -> bool:
    """A check that reads the engine's files, or a command or text naming its folders."""
    for form in step_forms(lab):
        if any(check.type in FILE_CHECKS for check in form.step.checks):
            return True
        texts = [*form.step.commands, form.step.explain.en]
        if any(set(placeholders(text)) & set(STORAGE_VARIABLES) for text in texts):
            return True
    return False


def start_if_allowed(lab: Lab, profile: Any, allowed: bool, ask: Callable[[str], bool] | None,
                     language: str) -> Any:
    """The started helper (a HelperFiles, registered for the engine), or None: not needed, or
    not allowed (`allowed`: --host-helper; `ask`: the question on a terminal, else None)."""
    from runner.storage.helper_files import needs_helper

    if not needs_helper(profile) or not looks_at_engine_files(lab):
        return None
    if not allowed:
        from runner.storage.helper_command import consent_message

        if ask is None or not ask(consent_message(profile).text(language)):
            return None
    return OnDemandHelper.register_for(profile)


class OnDemandHelper:
    """The helper, started at the first question about the engine's files and started again
    when the lab removed it: a lab's `docker rm -f $(docker ps -aq)` removes it too, and an
    early step that empties the engine finds no helper of ours in its way."""

    where = "helper"

    def __init__(self, profile: Any) -> None:
        self.profile = profile
        self._files: Any = None

    @classmethod
    def register_for(cls, profile: Any) -> OnDemandHelper:
        from runner.storage.host_files import register

        helper = cls(profile)
        register(profile.endpoint, helper)
        return helper

    def close(self) -> None:
        from runner.storage.host_files import unregister

        unregister(self.profile.endpoint)
        if self._files is not None:
            self._files.close()

    def __getattr__(self, name: str) -> Any:
        """Every HostFiles question (kind, kinds, glob, read_text, read_bytes, listdir,
        exists…), asked of the running helper."""
        return lambda *args, **kwargs: self._ask(name, *args, **kwargs)

    def _ask(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from runner.storage.helper_container import HelperError

        try:
            return getattr(self._helper(), name)(*args, **kwargs)
        except HelperError as error:
            if error.key != "helper.gone":
                raise
            self._files.close()  # removes it if it still runs, unregisters nothing of ours
            self._files = None  # the lab removed it: start another, once
            return getattr(self._helper(), name)(*args, **kwargs)

    def _helper(self) -> Any:
        if self._files is None:
            from runner.engines.sdk import client
            from runner.storage.helper_files import HelperFiles

            self._files = HelperFiles.start(client(self.profile.endpoint),
                                            must_see=self.profile.docker_root)
        return self._files
