"""The rootless flavour's engine: dockerd 28.5 run by `labrunner-rootless` under rootlesskit.

As `dockerd-rootless.sh` does, but without slirp4netns, which needs a /dev/net/tun the user
may open (many machines and containers lack one): rootlesskit runs with `--net=host`, and its
child makes a network namespace of its own (`unshare --net`), owned by the rootless user
namespace. dockerd must own its network namespace: in the host's, it could enter a
container's namespace but never come back (seen: pulls then fail, "connection refused").
In its own namespace dockerd makes its own docker0, which the machine never sees. Root then
moves one end of a veth pair in (network.create_link, move_into): the registry listens on
the host's end, the only way out of that namespace.

Its data is where a real rootless install keeps it: `~/.local/share/docker`, with the
containerd image store (Docker 29's default); HOME is a folder of the user's home named after
the sandbox (see paths.Layout), its sockets below HOME/run, which root (the lab) can open.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from runner.engines import identity
from runner.sandbox import api, daemon, leftovers, network, processes
from runner.sandbox.engine_packages import EnginePackages
from runner.sandbox.paths import Layout
from runner.sandbox.requirements import program, search_path
from runner.sandbox.rootless_user import RootlessUser, shared_copy
from runner.sandbox.state import MARKER

START_TIMEOUT = 60.0
# Inside rootlesskit's mount namespace, /run is a copy: remove what would lead dockerd to the
# machine's own engine or lock (as dockerd-rootless.sh does), then become dockerd.
CHILD = 'rm -f /run/docker /run/containerd /run/xtables.lock; exec dockerd "$@"'
LINK_TIMEOUT = 10.0


def spawn(layout: Layout, registry: str, packages: EnginePackages, user: RootlessUser) -> int:
    """Prepare the user's HOME for this sandbox and start rootlesskit; return its pid."""
    home = _prepare_home(layout, user)
    path = [str(shared_copy(root, user) / "usr" / sub) for _, root in packages.unpacked.values()
            for sub in ("sbin", "bin")]
    env = {"HOME": str(home), "USER": user.name, "LOGNAME": user.name,
           "XDG_RUNTIME_DIR": str(layout.run_dir), "PATH": ":".join([*path, search_path()]),
           "HTTP_PROXY": daemon.DEAD_PROXY, "HTTPS_PROXY": daemon.DEAD_PROXY,
           "NO_PROXY": f"127.0.0.1,localhost,{registry.rsplit(':', 1)[0]}"}
    with open(layout.file("dockerd.log"), "ab") as log:
        process = subprocess.Popen(
            command(layout, registry), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True, env=env, cwd=home,
            user=user.uid, group=user.gid, extra_groups=[])
    return process.pid


def command(layout: Layout, registry: str) -> list[str]:
    """rootlesskit, then dockerd's arguments (its data root is the rootless default)."""
    home = layout.daemon_folder
    return [
        program("rootlesskit") or "rootlesskit", f"--state-dir={layout.run_dir}/rootlesskit",
        "--net=host", "--copy-up=/etc", "--copy-up=/run", "--propagation=rslave",
        program("unshare") or "unshare", "--net", "sh", "-c", CHILD, "dockerd",
        "--config-file", str(home / ".config" / "docker" / "daemon.json"),
        "--host", f"unix://{layout.socket}",
        "--registry-mirror", f"http://{registry}", "--insecure-registry", registry,
        "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--ip-forward=false",
        "--shutdown-timeout", str(daemon.SHUTDOWN_TIMEOUT),
        "--label", identity.LABEL,
    ]


def _prepare_home(layout: Layout, user: RootlessUser) -> Path:
    home = layout.daemon_folder
    config = home / ".config" / "docker"
    for folder in (home, config, layout.run_dir):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    (home / MARKER).write_text(f"labrunner rootless sandbox of {layout.state_dir}\n",
                               encoding="utf-8")
    (config / "daemon.json").write_text(json.dumps(daemon.CONTAINERD_STORE, indent=2),
                                        encoding="utf-8")
    for folder in (home, *home.rglob("*")):
        os.chown(folder, user.uid, user.gid, follow_symlinks=False)
    return home


def connect(layout: Layout, pid: int, subnet: str) -> bool:
    """Once dockerd has its own network namespace, move the engine's end of the link into it
    (see network.move_into); False when that did not happen in time."""
    child_pid = layout.run_dir / "rootlesskit" / "child_pid"
    own = os.readlink("/proc/self/ns/net")

    def child() -> int:
        """rootlesskit's child runs our command as its own child: dockerd, once unshared."""
        try:
            for found in processes.children(int(child_pid.read_text().strip())):
                if os.readlink(f"/proc/{found}/ns/net") != own:
                    return found
        except (OSError, ValueError):
            pass
        return 0

    if not processes.wait_for(pid, lambda: child() != 0, LINK_TIMEOUT):
        return False
    return network.move_into(network.peer_name(layout.tag), child(), subnet)


def wait(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, lambda: api.answers(layout.socket), START_TIMEOUT,
                              interval=0.1)


def cleanup(layout: Layout) -> None:
    """After rootlesskit is gone: the shims a killed dockerd left, then the user's HOME for
    this sandbox (its images and containers), if it carries the sandbox's marker."""
    import shutil

    leftovers.stop_shims(layout.run_dir / "docker" / "containerd" / "containerd.sock")
    home = layout.daemon_folder
    if (home / MARKER).exists():
        shutil.rmtree(home, ignore_errors=True)
