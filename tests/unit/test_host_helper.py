"""When a run may need the helper container: only for a lab that looks at the engine's own
files (a path, container_layer or layer_store check, or a storage variable)."""

from __future__ import annotations

import textwrap

from runner.lab.loader import bundled_labs, load_lab
from runner.run.host_helper import looks_at_engine_files


def load(tmp_path, step: str):
    path = tmp_path / "lab.yaml"
    path.write_text(textwrap.dedent("""\
        format: 2
        id: demo
        title: {fr: Démo, en: Demo}
        steps:
          - id: one
            title: {fr: Un, en: One}
            explain: {fr: Explication, en: Explanation}
        """) + textwrap.indent(textwrap.dedent(step), "    "), encoding="utf-8")
    return load_lab(path, lambda notice: None, cached=False)


def test_a_lab_of_output_and_image_checks_needs_no_helper(tmp_path):
    lab = load(tmp_path, "run: docker pull nginx\nchecks:\n  - type: image\n    name: nginx\n")
    assert not looks_at_engine_files(lab)


def test_a_storage_variable_in_a_command_needs_it(tmp_path):
    assert looks_at_engine_files(load(tmp_path, "run: ls {layer_files}\n"))


def test_a_path_check_needs_it(tmp_path):
    lab = load(tmp_path, "run: 'true'\nchecks:\n  - type: path\n    path: /x\n")
    assert looks_at_engine_files(lab)


def test_the_find_myfile_lab_needs_it():
    path = next(path for path in bundled_labs() if path.stem == "inspect-overlay2")
    assert looks_at_engine_files(load_lab(path, lambda notice: None))
