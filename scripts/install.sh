#!/usr/bin/env bash
# Installs what labrunner needs on a fresh Debian/Ubuntu machine, idempotently:
#  - Debian packages for the sandbox engine (docker.io, docker-registry, busybox-static) and
#    its other flavours (podman and its helpers; rootlesskit and uidmap for rootless;
#    fuse-overlayfs, also the fuse-overlayfs flavour's storage driver; vfs needs nothing), only
#    when missing and only as root (otherwise it says what to install). dockerd 28.5 and
#    containerd 2.1 for the containerd and rootless flavours are not installed here: the
#    sandbox fetches them once, on the first `labrunner sandbox up --flavour containerd`;
#  - chromium, for the test that renders `labrunner grade`'s HTML page in a headless browser;
#  - a virtual environment .venv with labrunner (editable) and its test tools.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
for package in podman uidmap slirp4netns fuse-overlayfs catatonit rootlesskit chromium; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# CI only: the test of `labrunner check --engine ssh://` runs an sshd of its own on
# 127.0.0.1. Never installed on a user's machine, where the package would start a server.
if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ] && [ ! -x /usr/sbin/sshd ]; then
  missing+=(openssh-server)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "labrunner: installing ${missing[*]} (apt-get)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "labrunner: the sandbox engine needs: sudo apt-get install ${missing[*]}" >&2
  fi
fi

if [ ! -x .venv/bin/labrunner ] || [ pyproject.toml -nt .venv/.installed ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  # Bytecode now: where PYTHONDONTWRITEBYTECODE is set, every start would compile again.
  .venv/bin/python -m compileall -q runner >/dev/null
  touch .venv/.installed
fi
