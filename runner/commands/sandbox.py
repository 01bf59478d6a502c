"""`labrunner sandbox up|down|status|env|import [--flavour F]`: the private Docker engine, from
the command line (one sandbox per flavour, see runner.sandbox.flavours).

Only parsing and printing live here; runner.sandbox does the work and raises SandboxError,
which the CLI prints as one line (exit 3), or ArchiveError for a bad archive (exit 2).
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Callable
from pathlib import Path

from runner.commands.common import add_lang_option
from runner.i18n import t

ACTIONS = ("up", "down", "status", "env", "import")
# How `status` names where each served image comes from (see runner.sandbox.mirror).
ORIGIN_KEYS = {"standin": "sandbox.status_image_standin",
               "imported": "sandbox.status_image_imported",
               "other": "sandbox.status_image_other"}


def add_parser(subparsers: argparse._SubParsersAction, language: str) -> None:
    parser = subparsers.add_parser("sandbox", help=t("sandbox.help", language),
                                   description=t("sandbox.help", language))
    add_lang_option(parser, language)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for action in ACTIONS:
        sub = actions.add_parser(action, help=t(f"sandbox.help_{action}", language),
                                 description=t(f"sandbox.help_{action}", language))
        add_lang_option(sub, language)
        add_flavour_option(sub, language)
        if action == "import":
            sub.add_argument("files", nargs="+", type=Path, metavar="FILE.tar",
                             help=t("sandbox.help_import_files", language))


def add_flavour_option(parser: argparse.ArgumentParser, language: str,
                       help_key: str = "flavour.help_flavour") -> None:
    from runner.sandbox.flavours import NAMES

    parser.add_argument("--flavour", choices=NAMES, default=None, help=t(help_key, language))


def run(args: argparse.Namespace) -> int:
    from runner.sandbox import Sandbox

    return _RUNNERS[args.action](Sandbox(flavour=args.flavour), args)


def _progress_in(language: str) -> Callable[[str, dict], None]:
    """The progress callback of `up` and `import`: one line in `language` as each step ends."""

    def show(key: str, params: dict) -> None:
        # One write per line: stand-ins are built in parallel threads, whose lines must not mix.
        print(t(key, language, **params) + "\n", end="", flush=True)

    return show


def _up(sandbox, args: argparse.Namespace) -> int:
    if sandbox.is_running():
        print(t("sandbox.already", args.language))
    sandbox.up(progress=_progress_in(args.language))
    _print_status(sandbox.status(), args.language)
    if args.flavour and args.flavour != "overlay2":
        print(t("flavour.use_it", args.language, flavour=args.flavour))
    else:
        print(t("sandbox.use_it", args.language))
    return 0


def _down(sandbox, args: argparse.Namespace) -> int:
    was_running = sandbox.is_running()
    sandbox.down()
    print(t("sandbox.stopped" if was_running else "sandbox.was_not_running", args.language))
    return 0


def _status(sandbox, args: argparse.Namespace) -> int:
    status = sandbox.status()
    if not status.running:
        print(t("sandbox.status_stopped", args.language))
        return 1
    _print_status(status, args.language)
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
            print(t("sandbox.import_foreign", args.language, image=reference.familiar,
                    host=reference.host, file=archive.path.name), flush=True)
    todo = [archive for archive in found if archive.hub()]
    if not todo:
        raise ArchiveError("sandbox.import_nothing")
    sandbox.import_archives(todo, progress=_progress_in(args.language))
    return 0


def _print_status(status, language: str) -> None:
    info = status.info
    print(t("sandbox.status_running", language, docker_host=info.docker_host))
    print(t("flavour.status_flavour", language, flavour=info.flavour,
            driver=info.storage_driver or "?"))
    _print_driver_note(info, language)
    _print_pids(info, language)
    if info.client_dir:
        print(t("flavour.status_client", language, client_dir=info.client_dir))
    print(t("sandbox.status_registry", language, registry=info.registry))
    print(t("sandbox.status_root", language, docker_root=info.docker_root,
            state_dir=info.state_dir))
    if info.flavour == "rootless":
        print(t("flavour.status_link", language, bridge=info.bridge, subnet=info.subnet))
    elif info.bridge:
        print(t("sandbox.status_bridge", language, bridge=info.bridge, subnet=info.subnet))
    else:
        print(t("sandbox.status_no_bridge", language))
    _print_images(status, language)


def _print_driver_note(info, language: str) -> None:
    """What the storage driver does, for a flavour that chose it; the warning for vfs that
    the engine fell back to (as `up` says them)."""
    from runner.sandbox.flavours import driver_message, parse

    key = driver_message(parse(info.flavour), info.storage_driver)
    if key is not None:
        print(t(key, language, docker_root=info.docker_root))


def _print_pids(info, language: str) -> None:
    """The engine's processes, named after what the flavour runs."""
    from runner.sandbox.paths import ROOTLESS_USER

    if info.flavour == "rootless":
        print(t("flavour.status_pids_rootless", language, dockerd_pid=info.dockerd_pid,
                registry_pid=info.registry_pid, user=ROOTLESS_USER))
    elif info.flavour == "podman":
        print(t("flavour.status_pids_podman", language, dockerd_pid=info.dockerd_pid,
                registry_pid=info.registry_pid))
    else:
        print(t("sandbox.status_pids", language, dockerd_pid=info.dockerd_pid,
                containerd_pid=info.containerd_pid, registry_pid=info.registry_pid))


def _print_images(status, language: str) -> None:
    if not status.images:
        print(t("sandbox.status_no_images", language))
        return
    print(t("sandbox.status_images", language))
    for image in status.images:
        print(t(ORIGIN_KEYS[status.origin(image)], language, image=image))


_RUNNERS = {"up": _up, "down": _down, "status": _status, "env": _env, "import": _import}
