"""The pre-commit hook definitions and the GitHub Action are well-formed and run real commands."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - 3.10 only
    import tomli as tomllib

from assay.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str) -> Any:
    return yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))


def _console_scripts() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project["scripts"])


def test_pre_commit_hooks_structure() -> None:
    hooks = _load(".pre-commit-hooks.yaml")
    assert isinstance(hooks, list) and hooks
    ids = [hook["id"] for hook in hooks]
    assert len(ids) == len(set(ids)) and "assay" in ids
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert "python" in hook["types"]
        command = shlex.split(hook["entry"])
        assert command[0] in _console_scripts()
        assert command[1] == "check"


def test_pre_commit_entries_parse_as_cli_options(tmp_path: Path) -> None:
    clean = tmp_path / "clean.py"
    clean.write_text("import json\n")
    # The behaviour-diff hook compares with HEAD: the file is committed in a repository.
    for step in (["init", "-q"], ["add", "clean.py"], ["commit", "-qm", "base"]):
        subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                "user.name=a",
                "-c",
                "user.email=a@b.invalid",
                *step,
            ],
            check=True,
            capture_output=True,
        )
    for hook in _load(".pre-commit-hooks.yaml"):
        argv = [*shlex.split(hook["entry"])[1:], "--offline", str(clean)]
        assert main(argv) == 0, hook["id"]


def test_action_structure() -> None:
    action = _load("action.yml")
    assert action["name"] and action["description"]
    runs = action["runs"]
    assert runs["using"] == "composite"
    steps = runs["steps"]
    for step in steps:
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", "composite run steps need an explicit shell"
            assert "${{ inputs." not in step["run"].replace("${{ inputs.fail-on }}", ""), (
                "pass inputs through env, not straight into the script (injection)"
            )
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    check = next(step for step in steps if step.get("id") == "check")
    assert re.search(r"assay check .*--format sarif --output", check["run"])


def test_action_inputs_are_declared_and_used() -> None:
    action = _load("action.yml")
    text = (ROOT / "action.yml").read_text(encoding="utf-8")
    declared = set(action["inputs"])
    referenced = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert referenced <= declared, referenced - declared
    assert declared <= referenced, declared - referenced
    assert action["inputs"]["sarif-file"]["default"].endswith(".sarif")


def test_action_command_runs(tmp_path: Path) -> None:
    """The command line the action builds works with its default inputs."""
    action = _load("action.yml")
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    (tmp_path / "clean.py").write_text("import json\n")
    sarif = tmp_path / inputs["sarif-file"]
    argv = [
        "check",
        str(tmp_path),
        "--format",
        "sarif",
        "--output",
        str(sarif),
        "--fail-on",
        inputs["fail-on"],
        *shlex.split(inputs["args"]),
        "--offline",
    ]
    assert main(argv) == 0
    assert json.loads(sarif.read_text())["version"] == "2.1.0"


def test_action_diff_step_command_runs(tmp_path: Path) -> None:
    """The behaviour diff step's command on a repository whose function changed since the base."""
    action = _load("action.yml")
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "diff")
    assert 'assay diff --base "$DIFF_BASE"' in step["run"] and "--format sarif" in step["run"]
    module = tmp_path / "stats.py"
    module.write_text("def first(xs: list[int]) -> int | None:\n    return xs[0] if xs else None\n")
    for command in (["init", "-q"], ["add", "stats.py"], ["commit", "-qm", "base"]):
        subprocess.run(
            [
                "git",
                "-C",
                str(tmp_path),
                "-c",
                "user.name=a",
                "-c",
                "user.email=a@b.invalid",
                *command,
            ],
            check=True,
            capture_output=True,
        )
    module.write_text("def first(xs: list[int]) -> int | None:\n    return xs[0]\n")
    sarif = tmp_path / action["inputs"]["diff-sarif-file"]["default"]
    argv = ["diff", "--base", "HEAD", str(module), "--format", "sarif", "--output", str(sarif)]
    assert main([*argv, "--no-performance"]) == 1
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["AS702"]
