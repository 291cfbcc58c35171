"""No valid source crashes a run, and one bad file never loses the others (issue: hostile
input): recursion-heavy files become `errors` entries, the rest of the report stands, and
`assay check` exits 1, not 2."""

from __future__ import annotations

from pathlib import Path

import pytest

import assay
from assay.cli.check import exit_code
from assay.model import Severity

WRONG = (
    "def average(xs: list[float]) -> float:\n"
    '    """Mean of xs.\n\n    >>> average([1.0, 3.0])\n    2.0\n    """\n'
    "    return sum(xs) / (len(xs) + 1)\n"
)


def _hostile() -> dict[str, str]:
    terms = " + ".join(["a"] * 400)
    elifs = "".join(f"    elif x == {i}:\n        return {i}\n" for i in range(1, 1200))
    return {
        "chain.py": f"def f(a: int) -> int:\n    return {terms}\n",
        "unary.py": "x = " + "-" * 5000 + "1\n",
        "elifs.py": f"def g(x: int) -> int:\n    if x == 0:\n        return 0\n{elifs}    return -1\n",
    }


@pytest.mark.slow
def test_recursion_heavy_files_are_errors_and_the_other_files_keep_their_findings(
    tmp_path: Path,
) -> None:
    for name, text in _hostile().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "wrong.py").write_text(WRONG, encoding="utf-8")
    report = assay.check(tmp_path, offline=True)
    assert any(f.rule == "AS601" and f.path.endswith("wrong.py") for f in report.findings)
    failed = {Path(e.path).name for e in report.errors}
    assert failed <= set(_hostile()), report.errors
    assert "unary.py" in failed
    for error in report.errors:
        assert len(error.message) < 600
    assert exit_code(report, Severity.WARNING) == 1


def test_a_file_too_deep_to_parse_is_a_parse_error() -> None:
    report = assay.check_source(_hostile()["unary.py"], offline=True, dynamic=False)
    (error,) = report.errors
    assert error.kind == "parse" and "nested too deeply" in error.message


def test_a_crashing_rule_is_an_error_entry_and_exit_1() -> None:
    # Bandit's recursive visitor exceeds the recursion limit on 1,200 elifs.
    report = assay.check_source(_hostile()["elifs.py"], offline=True, dynamic=False)
    (error,) = report.errors
    assert error.kind == "rule" and "RecursionError" in error.message
    assert "please report" in error.message
    assert exit_code(report, Severity.ERROR) == 1
