"""The README's example lab is true: it validates and passes `labrunner test` in both
languages on the real engine (a trainer copies it first)."""

from __future__ import annotations

from pathlib import Path

from runner.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Writing a lab", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


def test_the_readme_example_lab_passes_its_self_test(sandbox_engine, clean_engine, tmp_path,
                                                      capsys):
    path = tmp_path / "my-first-lab.yaml"
    path.write_text(readme_example(), encoding="utf-8")
    code = main(["test", str(path), "--engine", sandbox_engine.docker_host])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 passed, 0 failed" in out
