"""The unprivileged system user that runs the rootless flavour's dockerd, made on demand.

`labrunner-rootless`: a system user with no login shell, its home in /var/lib, and a range of
subordinate uids and gids (/etc/subuid, /etc/subgid) for rootlesskit's user namespace, taken
after every range already there. The engine programs from the cache (under root's home, which
this user cannot enter) are hard-linked (else copied) once into its home, which root owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runner.errors import SandboxError
from runner.sandbox.paths import ROOTLESS_HOMES, ROOTLESS_USER

SUBID_FILES = (Path("/etc/subuid"), Path("/etc/subgid"))
SUBID_COUNT = 65536
SUBID_FIRST = 100000  # where useradd starts regular users' ranges
Progress = Callable[[str, dict], None]


@dataclass(frozen=True)
class RootlessUser:
    name: str
    uid: int
    gid: int
    home: Path


def ensure_user(progress: Progress) -> RootlessUser:
    """The user, created (with its subordinate ids) when this machine does not have it yet."""
    try:
        entry = pwd.getpwnam(ROOTLESS_USER)
    except KeyError:
        entry = _create(progress)
    if not all(_has_range(path, ROOTLESS_USER) for path in SUBID_FILES):
        _add_ranges(progress)
    secure_home(Path(entry.pw_dir))
    return RootlessUser(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))


def secure_home(home: Path) -> None:
    """The user's home, owned by root (mode 0755): root makes every sandbox's HOME and the
    engines' copy in it, and the user, who may enter them, can then rename or replace
    none of them by a symlink."""
    try:
        folder = os.open(home, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError as error:
        raise SandboxError("flavour.rootless_home_symlink", home=str(home)) from error
    try:
        os.fchown(folder, 0, 0)
        os.fchmod(folder, 0o755)
    finally:
        os.close(folder)


def _create(progress: Progress) -> pwd.struct_passwd:
    _run(["useradd", "--system", "--user-group", "--create-home", "--home-dir",
          str(ROOTLESS_HOMES), "--shell", "/usr/sbin/nologin", "--comment",
          "labrunner rootless sandbox", ROOTLESS_USER])
    progress("flavour.rootless_user_created", {"user": ROOTLESS_USER,
                                               "home": str(ROOTLESS_HOMES)})
    return pwd.getpwnam(ROOTLESS_USER)


def _add_ranges(progress: Progress) -> None:
    first = free_range_start([path.read_text() if path.is_file() else "" for path in SUBID_FILES])
    last = first + SUBID_COUNT - 1
    _run(["usermod", "--add-subuids", f"{first}-{last}", "--add-subgids", f"{first}-{last}",
          ROOTLESS_USER])
    progress("flavour.rootless_ranges", {"user": ROOTLESS_USER, "first": first, "last": last})


def free_range_start(texts: list[str]) -> int:
    """The first id after every range of /etc/subuid and /etc/subgid (given as texts)."""
    end = SUBID_FIRST
    for text in texts:
        for line in text.splitlines():
            parts = line.strip().split(":")
            if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                end = max(end, int(parts[1]) + int(parts[2]))
    return end


def _has_range(path: Path, user: str) -> bool:
    try:
        return any(line.split(":", 1)[0] == user for line in path.read_text().splitlines())
    except OSError:
        return False


def shared_copy(source: Path, user: RootlessUser) -> Path:
    """`source` (an unpacked package) where the user can run it: its home's engines folder,
    hard links when on the same file system (instant), a copy otherwise; made once."""
    target = user.home / "engines" / source.name
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(target.parent, 0o755)
    partial = Path(tempfile.mkdtemp(prefix=".copying-", dir=target.parent))
    try:
        shutil.copytree(source, partial / "tree", symlinks=True, copy_function=_link_or_copy)
        os.chmod(partial / "tree", 0o755)
        (partial / "tree").rename(target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise SandboxError("flavour.rootless_user_failed", user=ROOTLESS_USER,
                           command=" ".join(command), detail=done.stderr.strip())
