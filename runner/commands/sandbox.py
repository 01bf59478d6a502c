"""`labrunner sandbox up|down|status|env|import`: the private Docker engine, from the command line.

Only parsing and printing live here; runner.sandbox does the work and raises SandboxError,
which the CLI prints as one line (exit 3), or ArchiveError for a bad archive (exit 2).
"""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from runner.commands.common import add_lang_option
from runner.i18n import t

ACTIONS = ("up", "down", "status", "env", "import")
# How `status` names where each served image comes from (see runner.sandbox.mirror).
ORIGIN_KEYS = {"standin": "sandbox.status_image_standin",
               "imported": "sandbox.status_image_imported",
               "other": "sandbox.status_image_other"}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sandbox", help=t("sandbox.help"),
                                   description=t("sandbox.help"))
    add_lang_option(parser)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ACTIONS:
        sub = actions.add_parser(action, help=t(f"sandbox.help_{action}"),
                                 description=t(f"sandbox.help_{action}"))
        add_lang_option(sub)
        if action == "import":
            sub.add_argument("files", nargs="+", type=Path, metavar="FILE.tar",
                             help=t("sandbox.help_import_files"))


def run(args: argparse.Namespace) -> int:
    from runner.sandbox import Sandbox

    return _RUNNERS[args.action](Sandbox(), args)


def _show(key: str, params: dict) -> None:
    """The progress callback of `up` and `import`: one translated line as each step ends."""
    # One write per line: stand-ins are built in parallel threads, whose lines must not mix.
    print(t(key, **params) + "\n", end="", flush=True)


def _up(sandbox, args: argparse.Namespace) -> int:
    if sandbox.is_running():
        print(t("sandbox.already"))
    sandbox.up(progress=_show)
    _print_status(sandbox.status())
    print(t("sandbox.use_it"))
    return 0


def _down(sandbox, args: argparse.Namespace) -> int:
    was_running = sandbox.is_running()
    sandbox.down()
    print(t("sandbox.stopped" if was_running else "sandbox.was_not_running"))
    return 0


def _status(sandbox, args: argparse.Namespace) -> int:
    status = sandbox.status()
    if not status.running:
        print(t("sandbox.status_stopped"))
        return 1
    _print_status(status)
    return 0


def _env(sandbox, args: argparse.Namespace) -> int:
    from runner.errors import SandboxError

    if not sandbox.is_running():
        raise SandboxError("sandbox.not_running_env")
    for name, value in sandbox.env().items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


def _import(sandbox, args: argparse.Namespace) -> int:
    """Check every archive before starting anything; say which images the mirror cannot serve."""
    from runner.errors import ArchiveError
    from runner.sandbox import archives

    found = [archives.read(path) for path in args.files]
    for archive in found:
        for reference in archive.foreign():
            print(t("sandbox.import_foreign", image=reference.familiar, host=reference.host,
                    file=archive.path.name), flush=True)
    todo = [archive for archive in found if archive.hub()]
    if not todo:
        raise ArchiveError("sandbox.import_nothing")
    sandbox.import_archives(todo, progress=_show)
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
    _print_images(status)


def _print_images(status) -> None:
    if not status.images:
        print(t("sandbox.status_no_images"))
        return
    print(t("sandbox.status_images"))
    for image in status.images:
        print(t(ORIGIN_KEYS[status.origin(image)], image=image))


_RUNNERS = {"up": _up, "down": _down, "status": _status, "env": _env, "import": _import}
