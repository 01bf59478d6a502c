"""Image references as the sandbox's Docker Hub mirror names them (`python:3.9` is
`library/python:3.9`), and as `docker images` shows them."""

from __future__ import annotations

import pytest

from runner.sandbox.references import parse


@pytest.mark.parametrize(("reference", "host", "mirror_path", "familiar"), [
    ("python:3.9", "", "library/python:3.9", "python:3.9"),
    ("nginx", "", "library/nginx:latest", "nginx:latest"),
    ("user/repo:tag", "", "user/repo:tag", "user/repo:tag"),
    ("docker.io/library/python:3.9", "", "library/python:3.9", "python:3.9"),
    ("index.docker.io/user/repo:1", "", "user/repo:1", "user/repo:1"),
    ("ghcr.io/x/y:1", "ghcr.io", "x/y:1", "ghcr.io/x/y:1"),
    ("localhost:5000/app", "localhost:5000", "app:latest", "localhost:5000/app:latest"),
    ("localhost/app:2", "localhost", "app:2", "localhost/app:2"),
])
def test_mirror_naming(reference, host, mirror_path, familiar):
    parsed = parse(reference)
    assert (parsed.host, parsed.mirror_path, parsed.familiar) == (host, mirror_path, familiar)
