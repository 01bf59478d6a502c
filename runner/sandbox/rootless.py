"""The rootless flavour's engine: dockerd 28.5 run by `labrunner-rootless` under rootlesskit.

As `dockerd-rootless.sh` does: rootlesskit with slirp4netns and the builtin port driver,
copy-up of /etc and /run, dockerd in rootless mode. Two differences, both for this machine:
- slirp4netns opens /dev/net/tun as the user, and many machines (this one, containers) give
  it to root alone (mode 0600). The machine's node is left as it is: rootlesskit starts in a
  mount namespace of its own where a tun node of ours, readable by the user alone, is
  bind-mounted over /dev/net/tun.
- The sandbox is offline: root moves one end of a veth pair of ours into the engine's network
  namespace (network.create_link, move_into) and removes slirp's default route there; the
  registry listens on the host's end of that link.
(rootlesskit --net=host does not do: dockerd would enter a container's network namespace and
never come back, pulls then fail with "connection refused", and `docker version` panics.)

Its data is where a real rootless install keeps it: `~/.local/share/docker`, with the
containerd image store (Docker 29's default); HOME is a folder of the user's home named after
the sandbox (see paths.Layout), its sockets below HOME/run, which root (the lab) can open.
"""

from __future__ import annotations

import json
import os
import pwd
import shlex
import shutil
import stat
import subprocess
from pathlib import Path

from runner.engines import identity
from runner.errors import SandboxError
from runner.sandbox import api, daemon, leftovers, network, processes
from runner.sandbox.engine_packages import EnginePackages
from runner.sandbox.paths import ROOTLESS_USER, Layout
from runner.sandbox.requirements import program, search_path
from runner.sandbox.rootless_user import RootlessUser, shared_copy
from runner.sandbox.state import MARKER

START_TIMEOUT = 60.0
LINK_TIMEOUT = 10.0
STRAY_GRACE = 10.0  # a dockerd left alone still stops its containers first
TUN = Path("/dev/net/tun")
TUN_DEVICE = (10, 200)  # the tun device's major and minor numbers (Linux's devices.txt)
# Inside rootlesskit's mount namespace, /run is a copy: remove what would lead dockerd to the
# machine's own engine or lock (as dockerd-rootless.sh does), then become dockerd.
CHILD = 'rm -f /run/docker /run/containerd /run/xtables.lock; exec dockerd "$@"'


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
            as_user(layout, user, command(layout, registry)), stdout=log,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            env=env, cwd=home)
    return process.pid


def as_user(layout: Layout, user: RootlessUser, inner: list[str]) -> list[str]:
    """`inner` run as the user, in a mount namespace where /dev/net/tun is our own node."""
    tun = tun_node(layout, user)
    script = (f"mount --bind {shlex.quote(str(tun))} {TUN} && exec setpriv --reuid={user.uid} "
              f'--regid={user.gid} --clear-groups -- "$@"')
    return [program("unshare") or "unshare", "--mount", "--propagation", "private",
            "sh", "-c", script, "rootless", *inner]


def tun_node(layout: Layout, user: RootlessUser) -> Path:
    """A tun device node that only the user may open, made afresh in the state folder (root's
    alone: the user can put no symlink there; root bind-mounts it before becoming the user)."""
    node = layout.file("tun")
    node.unlink(missing_ok=True)  # a stale node of an earlier `up`
    os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(*TUN_DEVICE))
    os.chown(node, user.uid, user.gid, follow_symlinks=False)
    return node


def command(layout: Layout, registry: str) -> list[str]:
    """rootlesskit, then dockerd's arguments."""
    home = layout.daemon_folder
    return [
        program("rootlesskit") or "rootlesskit", f"--state-dir={layout.run_dir}/rootlesskit",
        "--net=slirp4netns", "--mtu=65520", "--disable-host-loopback",
        "--port-driver=builtin", "--copy-up=/etc", "--copy-up=/run", "--propagation=rslave",
        "sh", "-c", CHILD, "dockerd",
        "--config-file", str(home / ".config" / "docker" / "daemon.json"),
        "--host", f"unix://{layout.engine_socket}",  # the seal serves layout.socket
        "--registry-mirror", f"http://{registry}", "--insecure-registry", registry,
        "--iptables=false", "--ip6tables=false", "--ip-masq=false", "--ip-forward=false",
        "--ip", "127.0.0.1",  # published ports: on 127.0.0.1 of this machine (port driver)
        "--shutdown-timeout", str(daemon.SHUTDOWN_TIMEOUT),
        "--label", identity.LABEL,
    ]


def _prepare_home(layout: Layout, user: RootlessUser) -> Path:
    """The sandbox's HOME, made afresh. It sits in the user's own folder, so root follows no
    symlink there: the folder is opened once (O_NOFOLLOW), filled through that descriptor
    while root still owns it, and only what was just made is handed to the user."""
    home = layout.daemon_folder
    if home.is_symlink():
        raise SandboxError("flavour.rootless_home_symlink", home=str(home))
    shutil.rmtree(home, ignore_errors=True)  # an earlier sandbox's (rmtree follows no symlink)
    try:
        home.mkdir(mode=0o700)
        folder = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise SandboxError("flavour.rootless_home_symlink", home=str(home)) from error
    try:
        made = _fill_home(folder, layout)
        for name in reversed(made):  # deepest first: the user can enter nothing before
            os.chown(name, user.uid, user.gid, dir_fd=folder, follow_symlinks=False)
        os.fchown(folder, user.uid, user.gid)
    finally:
        os.close(folder)
    return home


def _fill_home(folder: int, layout: Layout) -> list[str]:
    """Make HOME's folders and files inside the open folder `folder`; their relative paths."""
    config = ".config/docker"
    engine = f"{layout.run_dir.name}/{layout.engine_dir.name}"  # the engine's own socket
    for name in (".config", config, layout.run_dir.name, engine):
        os.mkdir(name, 0o700, dir_fd=folder)
    _write_new(folder, MARKER, f"labrunner rootless sandbox of {layout.state_dir}\n")
    _write_new(folder, f"{config}/daemon.json", json.dumps(daemon.CONTAINERD_STORE, indent=2))
    return [".config", config, layout.run_dir.name, engine, MARKER, f"{config}/daemon.json"]


def _write_new(folder: int, name: str, text: str) -> None:
    """Create file `name` (never an existing one, never through a symlink) and write `text`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    with os.fdopen(os.open(name, flags, 0o600, dir_fd=folder), "w", encoding="utf-8") as out:
        out.write(text)


def connect(layout: Layout, pid: int, subnet: str) -> bool:
    """Once rootlesskit's child has its network namespace, move the engine's end of the link
    into it (see network.move_into); False when that did not happen in time."""
    if not processes.wait_for(pid, lambda: engine_pid(layout) != 0, LINK_TIMEOUT):
        return False
    if not network.move_into(network.peer_name(layout.tag), engine_pid(layout), subnet):
        return False
    go_offline(engine_pid(layout))
    return True


def engine_pid(layout: Layout) -> int:
    """A process in the engine's network namespace (0 before there is one): rootlesskit's
    child runs our command (dockerd) as its own child."""
    own = os.readlink("/proc/self/ns/net")
    try:
        child_pid = int((layout.run_dir / "rootlesskit" / "child_pid").read_text().strip())
        for found in processes.children(child_pid):
            if os.readlink(f"/proc/{found}/ns/net") != own:
                return found
    except (OSError, ValueError):
        pass
    return 0


def go_offline(engine_pid: int) -> None:
    """Delete slirp4netns's default route in the engine's network namespace, then check that
    none is left (IPv4 nor IPv6): the link to this machine is its only way out. A
    SandboxError otherwise (`up` then tears the sandbox down)."""
    inside = ["nsenter", "--target", str(engine_pid), "--net", "ip"]
    deleted = _run([*inside, "route", "del", "default"])
    if deleted.returncode != 0:
        raise SandboxError("flavour.rootless_not_offline", detail=deleted.stderr.strip())
    for family in ("-4", "-6"):
        shown = _run([*inside, family, "-j", "route", "show", "default"])
        if shown.returncode != 0 or not no_routes(shown.stdout):
            raise SandboxError("flavour.rootless_not_offline",
                               detail=(shown.stderr or shown.stdout).strip())


def no_routes(json_text: str) -> bool:
    """Whether `ip -j route show` printed an empty list (an older ip prints nothing)."""
    try:
        return json.loads(json_text or "[]") == []
    except ValueError:
        return False


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=LINK_TIMEOUT,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as error:
        return subprocess.CompletedProcess(command, 1, "", str(error))


def wait(layout: Layout, pid: int) -> bool:
    return processes.wait_for(pid, lambda: api.answers(layout.engine_socket), START_TIMEOUT,
                              interval=0.1)


def cleanup(layout: Layout) -> None:
    """After rootlesskit is gone: the dockerd and containerd that outlived it, the shims a
    killed dockerd left, then the user's HOME for this sandbox (its images and containers),
    if it carries the sandbox's marker."""
    home = layout.daemon_folder
    stop_strays(home)
    leftovers.stop_shims(layout.run_dir / "docker" / "containerd" / "containerd.sock")
    if (home / MARKER).exists():
        shutil.rmtree(home, ignore_errors=True)


def stop_strays(home: Path) -> None:
    """Stop, by pid, the processes run as the rootless user whose command line names `home`:
    a dockerd and containerd left running when rootlesskit was killed (never another
    sandbox's, whose HOME is another folder, nor anything of root's)."""
    try:
        uid = pwd.getpwnam(ROOTLESS_USER).pw_uid
    except KeyError:
        return
    for pid in processes.processes_mentioning(f"{home}/"):
        if process_uid(pid) == uid:
            processes.stop(pid, STRAY_GRACE)


def process_uid(pid: int) -> int | None:
    """The user `pid` runs as, seen from here (None when it is gone)."""
    try:
        return Path(f"/proc/{pid}").stat().st_uid
    except OSError:
        return None
