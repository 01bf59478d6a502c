"""A storage pattern substituted into a command matches the real folders in bash, even when
the engine's root has a space in it."""

from __future__ import annotations

import subprocess

from runner.lab.variables import substitute


def test_a_storage_pattern_matches_real_folders(tmp_path):
    (tmp_path / "a b" / "l1" / "diff").mkdir(parents=True)
    (tmp_path / "a b" / "l1" / "diff" / "MYFILE").touch()
    values = {"layer_files": f"{tmp_path}/a b/*/diff"}
    command = substitute("ls -d {layer_files}/MYFILE", values, quote=True)
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"{tmp_path}/a b/l1/diff/MYFILE"
