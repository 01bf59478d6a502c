"""`labrunner where CONTAINER [--engine URL] [--json]`: where a container's layers are.

Prints the storage driver, the writable layer, the merged view (while it runs), the image's
layers, how they were found, and what the driver does with layers, in the chosen language.
With --host-helper (consent given in advance), an engine whose files are not on this machine
(Docker Desktop, a remote engine) is read through a privileged helper container on it.
Exit 0 when the writable layer was found, 1 when not (no such container, files not
readable from here), 3 when no engine answers (or the sandbox asked for is not running).
"""

from __future__ import annotations

import argparse
import json
import os

from runner.commands.common import add_lang_option
from runner.i18n import t

SOURCES = {"option": "engine.source_option", "DOCKER_HOST": "engine.source_docker_host"}


def add_parser(subparsers: argparse._SubParsersAction, language: str) -> None:
    parser = subparsers.add_parser("where", help=t("storage.where_help", language),
                                   description=t("storage.where_help", language))
    parser.add_argument("container", metavar="CONTAINER",
                        help=t("storage.where_container_help", language))
    add_lang_option(parser, language)
    parser.add_argument("--engine", metavar="URL|sandbox",
                        help=t("storage.where_engine_help", language))
    parser.add_argument("--json", action="store_true", help=t("storage.where_json_help", language))
    parser.add_argument("--host-helper", action="store_true",
                        help=t("storage.where_helper_help", language))


def run(args: argparse.Namespace) -> int:
    import sys

    from runner.engines.reader import ReaderClient
    from runner.storage.host_files import files_for

    profile = engine_profile(args.engine)
    client = ReaderClient(profile.endpoint)
    try:
        details = client.api.inspect_container(args.container)
    finally:
        client.close()
    if details is None:
        print(t("storage.where_no_container", args.language, name=args.container,
                url=profile.endpoint), file=sys.stderr)
        return 1
    files = files_for(profile)
    if files is None and getattr(args, "host_helper", False):
        return _through_helper(args, details, profile)
    return _show(args, details, profile, files)


def _through_helper(args: argparse.Namespace, details: dict, profile) -> int:
    """--host-helper (the user's consent): the engine host's files read through a privileged
    helper container on that engine, removed at the end."""
    from runner.storage.helper_files import start_for

    files = start_for(profile)
    try:
        return _show(args, details, profile, files)
    finally:
        files.close()


def _show(args: argparse.Namespace, details: dict, profile, files) -> int:
    from runner.storage.locate import container_layer

    layer = container_layer(details, profile, files) if files is not None else None
    answer = report(args.container, details, profile, layer, args.language)
    print(json.dumps(answer, indent=2, ensure_ascii=False) if args.json
          else "\n".join(text_lines(answer, args.language)))
    return 0 if answer["found"] else 1


def engine_profile(option: str | None):
    """The engine to ask: the sandbox when asked by name (only a running one: looking a
    container up must not start an engine, maybe downloading it), else the configured one;
    exit 3 when it does not answer (never a silent fallback)."""
    from runner.engines.connect import profile_at, sandbox_flavour
    from runner.engines.endpoint import configured_endpoint
    from runner.messages import msg

    if option and option.split(":")[0] == "sandbox":
        return profile_at(running_sandbox(sandbox_flavour(option)), msg("engine.source_sandbox"))
    endpoint = configured_endpoint(option, os.environ)
    return profile_at(endpoint.url, _source(endpoint.source))


def running_sandbox(flavour: str) -> str:
    """The Docker URL of the sandbox of that flavour if it runs; SandboxError (exit 3) if not."""
    from runner.errors import SandboxError
    from runner.sandbox import Sandbox

    sandbox = Sandbox(flavour=flavour)
    if not sandbox.is_running():
        raise SandboxError("storage.where_sandbox_not_running", flavour=flavour,
                           option="" if flavour == "overlay2" else f" --flavour {flavour}")
    return sandbox.docker_host


def _source(source: str):
    """Where the endpoint came from, as `run` names it in its unreachable-engine message."""
    from runner.messages import msg

    if source.startswith("context:"):
        return msg("engine.source_context", name=source.split(":", 1)[1])
    return msg(SOURCES.get(source, "storage.where_default_source"))


def report(name: str, details: dict, profile, layer, language: str) -> dict:
    """Everything `where` knows, as the JSON it prints (text in `language`)."""
    from runner.storage.explain import explanation, how_found
    from runner.storage.host_files import NOWHERE
    from runner.storage.layout import storage_layout

    # No layer: the engine host's files cannot be read, so none of ours is probed for it.
    layout = layer.layout if layer is not None else storage_layout(profile, NOWHERE)
    found = layer is not None and layer.found
    return {
        "container": name, "id": details.get("Id", ""), "engine_kind": profile.kind,
        "driver": layout.driver, "found": found, "visible": layer is not None,
        "running": bool((details.get("State") or {}).get("Running")),
        "writable": layer.writable if found else "",
        "merged": layer.mounted_view if found else "",
        "merged_mount_point": layer.merged if found else "",
        "merged_in_engine": layer.merged_in_engine if found else "",
        "image_layers": list(layer.image_layers) if found else [],
        "method": str(layer.method) if layer is not None else "",
        "source": layer.source if layer is not None else "",
        "how": how_found(layer).text(language) if found else "",
        "layer_files": layout.layer_files, "merged_files": layout.merged_files,
        "containerd_root": layout.containerd_root,
        "explanation": explanation(layout.driver).text(language),
    }


def text_lines(answer: dict, language: str) -> list[str]:
    """The answer as lines for a terminal or a projector."""
    lines = [t("storage.where_container", language, name=answer["container"],
               id=answer["id"][:12]),
             t("storage.where_driver", language, driver=answer["driver"])]
    if not answer["visible"]:
        lines.append(t("storage.where_invisible", language, kind=answer["engine_kind"]))
        lines.append(t("storage.where_try_helper", language))
    elif not answer["found"]:
        lines.append(t("storage.where_not_found", language, name=answer["container"]))
    else:
        lines += _found_lines(answer, language)
    if answer["containerd_root"]:
        lines.append(t("storage.where_containerd_root", language, dir=answer["containerd_root"]))
    return [*lines, "", answer["explanation"]]


def _found_lines(answer: dict, language: str) -> list[str]:
    lines = [t("storage.where_writable", language, dir=answer["writable"]),
             _merged_line(answer, language),
             t("storage.where_image_layers", language, count=len(answer["image_layers"]))]
    lines += [f"  {folder}" for folder in answer["image_layers"]]
    return [*lines, t("storage.where_how", language, how=answer["how"]),
            t("storage.where_layer_files", language, glob=answer["layer_files"])]


def _merged_line(answer: dict, language: str) -> str:
    if answer["merged"] and answer["merged_in_engine"]:
        return t("storage.where_merged_proc", language, dir=answer["merged"],
                 engine_dir=answer["merged_in_engine"])
    if answer["merged"]:
        return t("storage.where_merged", language, dir=answer["merged"])
    if answer["merged_mount_point"] and answer["merged_mount_point"] != answer["writable"]:
        return t("storage.where_merged_stopped", language)
    return t("storage.where_merged_none", language)
