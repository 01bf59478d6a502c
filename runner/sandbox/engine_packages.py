"""dockerd 28.5, its docker client and containerd 2.1 from Debian unstable, for the containerd
and rootless flavours: fetched once, unpacked into the cache, reused by every later `up`.

apt-get runs with a throwaway configuration (apt_config: none of the machine's apt.conf.d,
so none of its hooks), lists and cache folders of its own, and as its only source the
machine's own debian.sources with the suite replaced by `unstable` (its Signed-By keyring
kept). The machine's apt sources, lists and dpkg database are never touched:
the packages are unpacked with `dpkg-deb -x`, not installed. Their programs need only libc
>= 2.34 and run on Debian 12, with Debian 12's runc.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox import apt_config

PACKAGES = ("docker.io", "docker-cli", "containerd")
SUITE = "unstable"
MACHINE_SOURCES = Path("/etc/apt/sources.list.d/debian.sources")
COMPLETE = ".labrunner-complete"  # written last: a folder without it is an interrupted unpack
APT_TIMEOUT = 600
Progress = Callable[[str, dict], None]


@dataclass(frozen=True)
class EnginePackages:
    """The unpacked packages: package name -> (version, the folder it is unpacked in)."""

    unpacked: dict[str, tuple[str, Path]]

    def bin_dirs(self) -> list[str]:
        """Their program folders, to put first in the daemons' PATH (containerd finds its
        shim there, dockerd its docker-proxy and containerd)."""
        return [str(root / "usr" / sub) for _, root in self.unpacked.values()
                for sub in ("sbin", "bin") if (root / "usr" / sub).is_dir()]

    def program(self, name: str) -> str:
        """The path of program `name` in the packages (a SandboxError when they lack it)."""
        for folder in self.bin_dirs():
            if (Path(folder) / name).is_file():
                return str(Path(folder) / name)
        raise SandboxError("flavour.fetch_failed", suite=SUITE, detail=f"{name}: not found")

    @property
    def client_dir(self) -> str:
        """The folder of the docker client that matches this dockerd."""
        return str(self.unpacked["docker-cli"][1] / "usr" / "bin")

    def version(self, package: str) -> str:
        return self.unpacked[package][0]


def engines_home() -> Path:
    from runner.resources import cache_home

    return cache_home() / "engines"


def ensure(progress: Progress, home: Path | None = None) -> EnginePackages:
    """The unpacked packages, fetched and unpacked first when the cache lacks one."""
    home = home or engines_home()
    home.mkdir(parents=True, exist_ok=True)
    with _locked(home / ".lock"):  # two flavours starting at once fetch only once
        found = cached(home)
        if found is None:
            found = _fetch_into(home, progress)
    progress("flavour.engines_ready", {"dockerd": found.version("docker.io"),
                                       "containerd": found.version("containerd"),
                                       "folder": str(home)})
    return found


def cached(home: Path) -> EnginePackages | None:
    """What an earlier fetch unpacked in `home`, or None when a package is missing."""
    unpacked = {}
    for package in PACKAGES:
        folders = sorted(path for path in home.glob(f"{package}_*") if (path / COMPLETE).is_file())
        if not folders:
            return None
        newest = folders[-1]  # one version per package, in practice: the cache is never refreshed
        unpacked[package] = ((newest / COMPLETE).read_text().strip(), newest)
    return EnginePackages(unpacked)


def _fetch_into(home: Path, progress: Progress) -> EnginePackages:
    progress("flavour.fetching", {"packages": ", ".join(PACKAGES), "suite": SUITE})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="labrunner-apt-") as temp:
        for deb in download(Path(temp)):
            unpack(deb, home)
    found = cached(home)
    if found is None:
        raise SandboxError("flavour.fetch_failed", suite=SUITE, detail="dpkg-deb -x")
    progress("flavour.fetched", {"seconds": f"{time.monotonic() - started:.1f}"})
    return found


def download(temp: Path) -> list[Path]:
    """`apt-get update` then `apt-get download` with the throwaway configuration; the .debs."""
    if not MACHINE_SOURCES.is_file():
        raise SandboxError("flavour.no_debian_sources", file=str(MACHINE_SOURCES))
    sources = sources_for(MACHINE_SOURCES.read_text(encoding="utf-8"))
    if not sources:
        raise SandboxError("flavour.no_debian_sources", file=str(MACHINE_SOURCES))
    options = apt_options(temp)
    env = {"APT_CONFIG": str(apt_config.write(temp))}
    (temp / "sources.list.d").mkdir()
    (temp / "sources.list.d" / "debian.sources").write_text(sources, encoding="utf-8")
    debs = temp / "debs"
    debs.mkdir()
    _apt(["apt-get", *options, "update"], temp, env)
    _apt(["apt-get", *options, "download", *PACKAGES], debs, env)
    return sorted(debs.glob("*.deb"))


def sources_for(text: str, suite: str = SUITE) -> str:
    """The deb822 stanzas of the machine's main archive (not -security nor -updates), binary
    packages only, with their Suites replaced by `suite`."""
    stanzas = []
    for stanza in re.split(r"\n\s*\n", text.strip()):
        suites = re.search(r"^Suites:(.*)$", stanza, re.MULTILINE)
        if suites is None or all("-" in name for name in suites[1].split()):
            continue
        if re.search(r"^Enabled:\s*no\s*$", stanza, re.MULTILINE | re.IGNORECASE):
            continue
        stanza = re.sub(r"^Suites:.*$", f"Suites: {suite}", stanza, flags=re.MULTILINE)
        stanzas.append(re.sub(r"^Types:.*$", "Types: deb", stanza, flags=re.MULTILINE))
    return "\n\n".join(stanzas) + "\n" if stanzas else ""


def apt_options(temp: Path) -> list[str]:
    """Everything apt writes goes under `temp`; it reads no source, preference or pin of the
    machine's (only its keyrings, through Signed-By)."""
    settings = {
        "Dir::State::Lists": temp / "lists", "Dir::Cache": temp / "cache",
        "Dir::Etc::SourceList": "/dev/null", "Dir::Etc::SourceParts": temp / "sources.list.d",
        "Dir::Etc::Preferences": "/dev/null", "Dir::Etc::PreferencesParts": temp / "prefs.d",
        "APT::Sandbox::User": "root",  # the _apt user could not write into our temp folder
        "Acquire::Languages": "none",
    }
    for folder in (temp / "lists" / "partial", temp / "cache" / "archives" / "partial",
                   temp / "prefs.d"):
        folder.mkdir(parents=True, exist_ok=True)
    return [arg for name, value in settings.items() for arg in ("-o", f"{name}={value}")]


def unpack(deb: Path, home: Path) -> Path:
    """`dpkg-deb -x` into home/PACKAGE_VERSION (through a temporary folder: never half)."""
    package, version = _fields(deb)
    target = home / f"{package}_{version.replace(':', '%3a')}"
    partial = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=home))
    try:
        _apt(["dpkg-deb", "-x", str(deb), str(partial)], home)
        (partial / COMPLETE).write_text(version + "\n", encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _fields(deb: Path) -> tuple[str, str]:
    done = subprocess.run(["dpkg-deb", "-f", str(deb), "Package", "Version"],
                          capture_output=True, text=True)
    fields = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    if done.returncode != 0 or not {"Package", "Version"} <= set(fields):
        raise SandboxError("flavour.fetch_failed", suite=SUITE, detail=done.stderr.strip())
    return fields["Package"], fields["Version"]


def _apt(command: list[str], folder: Path, env: dict[str, str] | None = None) -> None:
    """Run an apt or dpkg command; a SandboxError saying what it printed when it fails."""
    if shutil.which(command[0]) is None:
        raise SandboxError("flavour.fetch_failed", suite=SUITE, detail=f"{command[0]}: not found")
    try:
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                              timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL,
                              env=os.environ | {"LC_ALL": "C"} | (env or {}))
    except subprocess.TimeoutExpired:
        raise SandboxError("flavour.fetch_failed", suite=SUITE,
                           detail=f"{command[0]}: {APT_TIMEOUT} s") from None
    if done.returncode != 0:
        detail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-6:])
        raise SandboxError("flavour.fetch_failed", suite=SUITE, detail=detail)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
