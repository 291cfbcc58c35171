"""The README's set-up commands, CI's command and the generated rule docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

from assay.cli.check import rules_markdown

ROOT = Path(__file__).resolve().parents[1]


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)\n```", text, flags=re.DOTALL)[:2]


def test_readme_opens_with_exactly_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_section = text.split("\n## ", 1)[0]
    assert first_section.count("```bash") == 2
    main_job, tests = _readme_commands()
    assert main_job.startswith("pip install") and "assay check examples/" in main_job
    assert tests.startswith("pip install") and "pytest" in tests


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, tests = _readme_commands()
    assert tests in ci.splitlines()


def test_rules_doc_is_generated_from_the_registry(update_golden: bool) -> None:
    path = ROOT / "docs" / "rules.md"
    expected = rules_markdown()
    if update_golden:
        path.write_text(expected, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run `python -m pytest tests/test_project_files.py --update-golden`"
    )
