"""What the user is told before a helper starts, and the command a student types to do the same.

The consent message names the engine, why its files are not here and what will be started, so
the runner can ask (or `--host-helper` answers yes in advance). The student's command is the
one-off form of the helper: a privileged busybox that enters the engine's mount namespace and
runs a shell command there, so `ls -d <root>/overlay2/*/diff/MYFILE` is expanded on the engine's
host, with the engine's own paths.
"""

from __future__ import annotations

import shlex
from typing import Any

from runner.engines.profile import LOCAL_SCHEMES
from runner.messages import Message, msg
from runner.storage.helper_container import CAPABILITIES, DEFAULT_IMAGE
from runner.storage.helper_script import Access

STUDENT_IMAGE = "busybox"


def consent_message(profile: Any, image: str = DEFAULT_IMAGE) -> Message:
    """The question to ask before HelperFiles.start: what starts, on which engine, and why
    (`profile`: the engine's runner.engines.profile.EngineProfile)."""
    return msg("helper.consent", engine=profile.endpoint, image=image, why=msg(why_key(profile)))


def why_key(profile: Any) -> str:
    """Why this engine's files cannot be read from here, as a catalog key."""
    if profile.kind == "desktop":
        return "helper.why_desktop"
    if not profile.endpoint.startswith(LOCAL_SCHEMES):
        return "helper.why_remote"
    # On this machine, yet unreadable: another user's rootless engine, or a root engine
    # used by a member of the docker group.
    return "helper.why_rootless" if profile.rootless else "helper.why_unreadable"


def host_shell_prefix(rights: str = "privileged", access: Access | None = None,
                      image: str = STUDENT_IMAGE) -> str:
    """`docker run … sh -c`-like prefix: append one quoted shell command (host_shell_command)
    and it runs on the engine's host. `rights` and `access` are what a HelperFiles found to
    work on this engine (its .rights, .access); the defaults suit Docker Desktop."""
    way, pid = (access.way, access.pid) if access else ("enter", 1)
    return " ".join(["docker run --rm", _rights_options(rights), "--pid=host", image,
                     _into_host(way, pid)])


def host_shell_command(command: str, rights: str = "privileged", access: Access | None = None,
                       image: str = STUDENT_IMAGE) -> str:
    """The whole command a student types to run `command` on the engine's host."""
    return f"{host_shell_prefix(rights, access, image)} {shlex.quote(command)}"


def _rights_options(rights: str) -> str:
    if rights != "capabilities":
        return "--privileged"
    return " ".join([*(f"--cap-add {cap}" for cap in CAPABILITIES["cap_add"]),
                     *(f"--security-opt {opt}" for opt in CAPABILITIES["security_opt"])])


def _into_host(way: str, pid: int) -> str:
    """Enter the host's mount namespace (or chroot into its root) through PID 1, or through
    the container's parent (the runtime's shim, `$PPID`) when PID 1 is out of reach; the
    command comes next as one argument ($0 of the outer shell)."""
    enter = "nsenter -t {pid} -m -- sh -c" if way == "enter" else "chroot /proc/{pid}/root sh -c"
    if pid == 1:
        return enter.format(pid=1)
    return "sh -c " + shlex.quote("exec " + enter.format(pid="$PPID") + ' "$0"')
