"""The Podman sandbox's configuration files, every one inside the sandbox's folders.

Podman reads /etc/containers (and ~/.config/containers) unless told otherwise; the sandbox's
podman is given its own containers.conf and storage.conf (CONTAINERS_CONF,
CONTAINERS_STORAGE_CONF) and a home of its own, where registries.conf and policy.json sit:
registries.conf found there is read *alone*, without /etc/containers/registries.conf.d
(CONTAINERS_REGISTRIES_CONF would still merge that folder's drop-ins). So a user's own
podman, its storage and its settings are neither read nor changed. Podman 4.3 has no setting
for three shared places, each holding only per-container names: its blob-info cache
(/var/lib/containers/cache, digests and where they were seen), the CNI results cache
(/var/lib/cni/results) and the network namespaces (/run/netns).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import resource
from dataclasses import dataclass
from pathlib import Path

from runner.sandbox.paths import Layout

NETWORK = "podman"  # the default network's name, as on a real Podman (`docker network ls`)
# Podman gives containers nofile and nproc limits above its own when none is set, which a host
# without CAP_SYS_RESOURCE refuses ("error setting rlimit"); dockerd's containers inherit its own.
NOFILE = 1024
PODMAN_NPROC = 32768  # podman 4.3 sets its own nproc limit to this at start (seen with strace)

CONTAINERS_CONF = """[containers]
default_ulimits = {ulimits}
http_proxy = false  # the engine's dead proxy (see podman.py) must not reach the containers
log_driver = "k8s-file"
default_mounts_file = "{mounts}"

[network]
network_backend = "cni"
network_config_dir = "{networks}"
default_network = "{network}"
default_subnet = "{subnet}"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "{events}"
lock_type = "file"  # shm locks would share /dev/shm/libpod_lock with the user's podman
tmp_dir = "{tmp}"
image_copy_tmp_dir = "storage"
runtime = "runc"
hooks_dir = ["{hooks}"]
"""

STORAGE_CONF = """[storage]
driver = "overlay"
graphroot = "{graphroot}"
runroot = "{runroot}"

[storage.options.overlay]
mountopt = "nodev"
"""

REGISTRIES_CONF = """unqualified-search-registries = ["docker.io"]
short-name-mode = "permissive"

[[registry]]
prefix = "docker.io"
location = "docker.io"

[[registry.mirror]]
location = "{mirror}"
insecure = true

# The mirror by its own name too (pushing the stand-ins, a lab's `docker pull 127.0.0.1:…`),
# plain HTTP as dockerd's --insecure-registry.
[[registry]]
location = "{mirror}"
insecure = true
"""

POLICY = {"default": [{"type": "insecureAcceptAnything"}]}


MAX_RUNROOT = 50  # podman: "the specified runroot is longer than 50 characters"


@dataclass(frozen=True)
class PodmanPaths:
    """Where the sandbox's podman keeps everything, derived from the sandbox's Layout."""

    layout: Layout

    @property
    def config_dir(self) -> Path:
        return self.layout.state_dir / "podman"

    @property
    def home(self) -> Path:
        """The podman service's HOME: registries.conf and policy.json are read from it."""
        return self.config_dir / "home"

    @property
    def containers_conf(self) -> Path:
        return self.config_dir / "containers.conf"

    @property
    def storage_conf(self) -> Path:
        return self.config_dir / "containers-storage.conf"

    @property
    def registries_conf(self) -> Path:
        return self.home / ".config" / "containers" / "registries.conf"

    @property
    def networks(self) -> Path:
        return self.config_dir / "networks"

    @property
    def hooks_dir(self) -> Path:
        """An empty OCI hooks folder: no hook of the machine's runs in the sandbox."""
        return self.config_dir / "hooks.d"

    @property
    def mounts_file(self) -> Path:
        return self.config_dir / "mounts.conf"

    @property
    def graphroot(self) -> Path:
        """The image and container store (`docker info` DockerRootDir)."""
        return self.layout.data_root / "storage"

    @property
    def runroot(self) -> Path:
        """Podman refuses a runroot over 50 characters: the default state folder
        (/root/.local/state/labrunner/sandbox-podman/run/storage) is longer, so such a
        sandbox's runroot is a short folder of its own in /tmp, named after its run folder."""
        runroot = self.layout.run_dir / "storage"
        if len(str(runroot)) <= MAX_RUNROOT:
            return runroot
        digest = hashlib.sha256(str(self.layout.run_dir).encode()).hexdigest()[:12]
        return Path("/tmp") / f"labrunner-podman-{digest}"

    @property
    def tmp_dir(self) -> Path:
        return self.layout.run_dir / "libpod"

    @property
    def ipam_dir(self) -> Path:
        """The CNI host-local leases (else /var/lib/cni/networks, shared with the user's)."""
        return self.layout.data_root / "cni-leases"

    @property
    def temp(self) -> Path:
        """TMPDIR of the service: build contexts are unpacked there."""
        return self.layout.data_root / "tmp"


def write_all(paths: PodmanPaths, registry_address: str, bridge: str, subnet: str) -> None:
    """Write every configuration file of the sandbox's podman (replacing earlier ones)."""
    for folder in (paths.networks, paths.registries_conf.parent, paths.hooks_dir, paths.temp,
                   paths.ipam_dir, paths.graphroot, paths.runroot, paths.tmp_dir):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _write(paths.containers_conf, containers_conf(paths, subnet))
    _write(paths.storage_conf, STORAGE_CONF.format(graphroot=paths.graphroot,
                                                   runroot=paths.runroot))
    _write(paths.registries_conf, REGISTRIES_CONF.format(mirror=registry_address))
    _write(paths.registries_conf.with_name("policy.json"), json.dumps(POLICY, indent=2))
    _write(paths.mounts_file, "")
    _write(paths.networks / f"{NETWORK}.conflist",
           json.dumps(network_conflist(bridge, subnet, paths.ipam_dir), indent=2))


def containers_conf(paths: PodmanPaths, subnet: str) -> str:
    return CONTAINERS_CONF.format(
        ulimits=json.dumps(default_ulimits()), mounts=paths.mounts_file, subnet=subnet,
        networks=paths.networks, network=NETWORK, tmp=paths.tmp_dir, hooks=paths.hooks_dir,
        events=paths.layout.file("podman-events.log"))


def default_ulimits() -> list[str]:
    """Limits a container can be given here, whatever the host's: never above the service's
    own (this process's, and podman's nproc cap)."""
    nofile = _capped(resource.RLIMIT_NOFILE, NOFILE)[1]
    nproc = _capped(resource.RLIMIT_NPROC, PODMAN_NPROC)
    return [f"nofile={nofile}:{nofile}", f"nproc={nproc[0]}:{nproc[1]}"]


def _capped(kind: int, cap: int) -> tuple[int, int]:
    """(soft, hard) of this process for `kind`, each at most `cap` (RLIM_INFINITY is -1)."""
    return tuple(cap if value < 0 else min(value, cap)  # type: ignore[return-value]
                 for value in resource.getrlimit(kind))


def network_conflist(bridge: str, subnet: str, ipam_dir: Path) -> dict:
    """The default network: the sandbox's own bridge (never podman0 / cni-podman0), no
    firewall, portmap or masquerading plugin (no iptables rule), and isGateway false:
    the bridge already has its gateway address, and a gateway bridge would switch the
    host's ip_forward on."""
    network = ipaddress.ip_network(subnet)
    gateway = str(next(network.hosts()))
    return {
        "cniVersion": "0.4.0",
        "name": NETWORK,
        "plugins": [{
            "type": "bridge", "bridge": bridge, "isGateway": False, "ipMasq": False,
            "hairpinMode": True,
            "ipam": {
                "type": "host-local", "dataDir": str(ipam_dir),
                "routes": [{"dst": "0.0.0.0/0", "gw": gateway}],
                "ranges": [[{"subnet": subnet, "gateway": gateway}]],
            },
        }],
    }


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
