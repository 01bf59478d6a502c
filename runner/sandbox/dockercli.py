"""The docker CLI pointed at the sandbox engine, with a configuration folder of its own.

Not the user's ~/.docker: no credential helper, no proxy setting, no context may send the
stand-in builds or `sandbox import` anywhere but the sandbox's dockerd and its mirror.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from runner.errors import SandboxError
from runner.sandbox import processes
from runner.sandbox.paths import Layout

Docker = Callable[..., str]


def env(layout: Layout, client_dir: str = "") -> dict[str, str]:
    """The environment of a docker command aimed at this sandbox's engine itself (labrunner's
    own stand-in builds and imports need no seal; legacy builder: offline);
    `client_dir` first in PATH: the docker client that matches the engine, when it has one."""
    config = layout.file("docker-config")
    config.mkdir(exist_ok=True)
    result = processes.daemon_env(DOCKER_HOST=f"unix://{layout.engine_socket}", DOCKER_BUILDKIT="0",
                                  DOCKER_CONFIG=str(config))
    if client_dir:
        result["PATH"] = f"{client_dir}:{result['PATH']}"
    for name in ("DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
        result.pop(name, None)
    return result


def runner(environment: dict[str, str]) -> Docker:
    """A `docker(*args) -> stdout` runner that raises SandboxError when the command fails."""
    def docker(*args: str) -> str:
        done = subprocess.run(["docker", *args], env=environment, capture_output=True,
                              text=True)
        if done.returncode != 0:
            raise SandboxError("sandbox.docker_failed", command="docker " + " ".join(args),
                               detail=(done.stderr or done.stdout).strip()[-800:])
        return done.stdout
    return docker
