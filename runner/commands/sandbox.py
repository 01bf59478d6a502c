"""`labrunner sandbox up|down|status|env`: the private Docker engine, from the command line.

Only parsing and printing live here; runner.sandbox does the work and raises SandboxError,
which the CLI prints as one line (exit 3).
"""

from __future__ import annotations

import argparse
import shlex

from runner.commands.common import add_lang_option
from runner.i18n import t

ACTIONS = ("up", "down", "status", "env")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help=t("sandbox.help"),
                                   description=t("sandbox.help"))
    add_lang_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ACTIONS:
        add_lang_option(actions.add_parser(action, help=t(f"sandbox.help_{action}"),
                                           description=t(f"sandbox.help_{action}")))


def run(args: argparse.Namespace) -> int:
    from runner.sandbox import Sandbox

    return _RUNNERS[args.action](Sandbox())


def _up(sandbox) -> int:
    if sandbox.is_running():
        print(t("sandbox.already"))
    sandbox.up(progress=lambda key, params: print(t(key, **params), flush=True))
    _print_status(sandbox.status())
    print(t("sandbox.use_it"))
    return 0


def _down(sandbox) -> int:
    was_running = sandbox.is_running()
    sandbox.down()
    print(t("sandbox.stopped" if was_running else "sandbox.was_not_running"))
    return 0


def _status(sandbox) -> int:
    status = sandbox.status()
    if not status.running:
        print(t("sandbox.status_stopped"))
        return 1
    _print_status(status)
    return 0


def _env(sandbox) -> int:
    from runner.errors import SandboxError

    if not sandbox.is_running():
        raise SandboxError("sandbox.not_running_env")
    for name, value in sandbox.env().items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def _print_status(status) -> None:
    info = status.info
    print(t("sandbox.status_running", docker_host=info.docker_host))
    print(t("sandbox.status_pids", dockerd_pid=info.dockerd_pid,
            containerd_pid=info.containerd_pid, registry_pid=info.registry_pid))
    print(t("sandbox.status_registry", registry=info.registry))
    print(t("sandbox.status_root", docker_root=info.docker_root, state_dir=info.state_dir))
    if info.bridge:
        print(t("sandbox.status_bridge", bridge=info.bridge, subnet=info.subnet))
    else:
        print(t("sandbox.status_no_bridge"))
    if status.images:
        print(t("sandbox.status_images", images=", ".join(status.images)))
    else:
        print(t("sandbox.status_no_images"))


_RUNNERS = {"up": _up, "down": _down, "status": _status, "env": _env}
