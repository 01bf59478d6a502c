"""`labrunner sandbox up|down|status|env`: the private Docker engine."""

from __future__ import annotations

import argparse
import shlex

from runner.i18n import t

ACTIONS = ("up", "down", "status", "env")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("sandbox", help=t("sandbox.help"),
                                   description=t("sandbox.help"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ACTIONS:
        actions.add_parser(action, help=t(f"sandbox.help_{action}"))


def run(args: argparse.Namespace) -> int:
    from runner.sandbox import Sandbox

    return globals()[f"_{args.action}"](Sandbox())


def _up(sandbox) -> int:
    if sandbox.is_running():
        print(t("sandbox.already"))
    info = sandbox.up(progress=lambda key, params: print(t(key, **params), flush=True))
    print(f"export DOCKER_HOST={shlex.quote(info.docker_host)}")
    return 0


def _down(sandbox) -> int:
    sandbox.down()
    print(t("sandbox.stopped"))
    return 0


def _status(sandbox) -> int:
    status = sandbox.status()
    if not status.running:
        print(t("sandbox.status_stopped"))
        return 1
    info = status.info
    print(t("sandbox.status_running", docker_host=info.docker_host))
    print(t("sandbox.status_detail", dockerd_pid=info.dockerd_pid, registry_pid=info.registry_pid,
            registry=info.registry, docker_root=info.docker_root))
    print(t("sandbox.status_images", images=", ".join(status.images)))
    return 0


def _env(sandbox) -> int:
    from runner.errors import SandboxError

    if not sandbox.is_running():
        raise SandboxError("sandbox.not_running_env")
    print(f"export DOCKER_HOST={shlex.quote(sandbox.docker_host)}")
    return 0
