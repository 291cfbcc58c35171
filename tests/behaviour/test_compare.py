"""`assay.compare` and `assay compare`: select among real implementations in the sandbox."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

import assay
from assay.cli import main
from assay.model import Candidate, Task

TASK = '''def dedupe(items: list[int]) -> list[int]:
    """Remove repeated values, keeping the first occurrence of each, in order.

    >>> dedupe([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
'''
KEEP_ORDER = """def dedupe(items: list[int]) -> list[int]:
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
"""
FROM_KEYS = "def dedupe(items: list[int]) -> list[int]:\n    return list(dict.fromkeys(items))\n"
ADJACENT_ONLY = """def dedupe(items: list[int]) -> list[int]:
    out = []
    for item in items:
        if item not in out[-2:]:
            out.append(item)
    return out
"""
SORTED = "def dedupe(items: list[int]) -> list[int]:\n    return sorted(set(items))\n"


def test_compare_flags_the_wrong_candidate_with_a_counterexample() -> None:
    report = assay.compare(TASK, [KEEP_ORDER, FROM_KEYS, ADJACENT_ONLY])
    assert [v.accepted for v in report.verdicts] == [True, True, False]
    assert [v.selected for v in report.verdicts].count(True) == 1
    (finding,) = [f for f in report.findings if f.rule == "AS701"]
    assert finding.candidate == "candidate-2"
    call = finding.evidence["input"]
    assert call.startswith("dedupe(")
    items = eval(call[len("dedupe(") : -1])  # the counterexample is a literal list
    assert finding.evidence["expected"] == repr(list(dict.fromkeys(items)))
    assert report.clusters[0]["size"] == 2
    assert report.stats["selected"] in {"candidate-0", "candidate-1"}


MERGE_TASK = '''def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping closed intervals and return them sorted by start.

    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])
    [(1, 6), (8, 10)]
    """
'''
MERGE = """def merge_intervals(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start {op} merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
"""
MERGE_UNSORTED = """def merge_intervals(intervals):
    merged = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged
"""


def test_an_off_by_one_comparison_is_caught_on_a_tie() -> None:
    # `<` for `<=` never shows on the example, whose intervals overlap by more than a
    # point; the intervals must touch. A clearly wrong fourth candidate splits the random
    # draws, so the tie built from the example is what finds the difference.
    candidates = [
        MERGE.format(op="<="),
        MERGE.format(op="<=").replace("merged", "out"),
        MERGE.format(op="<"),
        MERGE_UNSORTED,
    ]
    report = assay.compare(MERGE_TASK, candidates)
    assert [v.accepted for v in report.verdicts] == [True, True, False, False]
    (finding,) = [f for f in report.findings if f.rule == "AS701" and f.candidate == "candidate-2"]
    intervals = eval(finding.evidence["input"][len("merge_intervals(") : -1])
    assert any(a[1] == b[0] for a, b in itertools.pairwise(intervals))


TRIANGLE_TASK = '''def right_angle_triangle(a: int, b: int, c: int) -> bool:
    """Whether sides a, b and c form a right-angled triangle.

    >>> right_angle_triangle(3, 4, 5)
    True
    >>> right_angle_triangle(1, 2, 3)
    False
    """
'''
ANY_SIDE = (
    "def right_angle_triangle(a, b, c):\n"
    "    x, y, z = sorted((a, b, c))\n"
    "    return x * x + y * y == z * z\n"
)
EACH_SIDE = (
    "def right_angle_triangle(a, b, c):\n"
    "    return a*a + b*b == c*c or a*a + c*c == b*b or b*b + c*c == a*a\n"
)
LAST_SIDE = "def right_angle_triangle(a, b, c):\n    return a**2 + b**2 == c**2\n"


def test_code_relying_on_the_order_of_the_examples_arguments_is_caught_on_a_swap() -> None:
    report = assay.compare(TRIANGLE_TASK, [ANY_SIDE, EACH_SIDE, ANY_SIDE + "# again\n", LAST_SIDE])
    assert [v.accepted for v in report.verdicts] == [True, True, True, False]
    (finding,) = [f for f in report.findings if f.rule == "AS701"]
    sides = eval(finding.evidence["input"][len("right_angle_triangle") :])
    assert sorted(sides) == [3, 4, 5] and sides[2] != 5


def test_a_candidate_defining_another_function_does_not_load_and_says_what_it_defines() -> None:
    misnamed = FROM_KEYS.replace("def dedupe(", "def remove_duplicates(")
    report = assay.compare(TASK, [KEEP_ORDER, Candidate(code=misnamed, name="misnamed")])
    verdict = report.verdicts[1]
    assert not verdict.accepted and verdict.score == 0.0
    assert "defines no function 'dedupe' (it defines remove_duplicates)" in verdict.summary
    (finding,) = verdict.findings
    assert finding.rule == "AS602" and finding.evidence["input"] == "<import>"
    assert report.verdicts[0].selected


def test_a_candidate_failing_the_examples_is_rejected_even_alone() -> None:
    report = assay.compare(TASK, [Candidate(code=SORTED, name="sorted")])
    (verdict,) = report.verdicts
    assert not verdict.accepted
    assert verdict.selected
    assert "AS601" in {f.rule for f in verdict.findings}
    assert verdict.examples_total == 1


def test_an_assert_on_a_float_is_met_only_to_nine_digits() -> None:
    # The user's own `==` fails when π is written 3.14159 (8e-7 off); assay must not say
    # the program passes it.
    task = Task(
        prompt="def radian_degree(degree: float) -> float:\n"
        '    """Convert degrees to radians."""\n',
        entry_point="radian_degree",
        tests=["assert radian_degree(90) == 1.5707963267948966"],
    )
    exact = "import math\n\ndef radian_degree(degree):\n    return degree * math.pi / 180\n"
    rounded = "def radian_degree(degree):\n    return degree * 3.14159 / 180\n"
    report = assay.compare(task, [exact, rounded])
    assert [v.accepted for v in report.verdicts] == [True, False]
    assert [v.examples_passed for v in report.verdicts] == [1, 0]
    assert "AS601" in {f.rule for f in report.verdicts[1].findings}


def test_hidden_examples_fall_back_to_agreement() -> None:
    report = assay.compare(TASK, [KEEP_ORDER, FROM_KEYS, SORTED], hide_examples=True)
    assert [v.accepted for v in report.verdicts] == [True, True, False]
    assert report.stats["examples"] == 0


def test_extra_tests_break_a_tie_as_weak_evidence() -> None:
    task = Task(
        prompt="def dedupe(items: list[int]) -> list[int]:\n    pass\n", entry_point="dedupe"
    )
    tests = ["assert dedupe([2, 1, 2]) == [2, 1]"]
    report = assay.compare(task, [SORTED, KEEP_ORDER], extra_tests=tests)
    assert [v.accepted for v in report.verdicts] == [False, True]
    assert report.clusters[0]["extra_passed"] == 1
    assert not [f for f in report.findings if f.rule == "AS601"]


def test_cli_compare_writes_json_and_exits_1_on_a_rejection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = tmp_path / "task.py"
    task.write_text(TASK, encoding="utf-8")
    paths = []
    for name, code in (("a.py", KEEP_ORDER), ("b.py", FROM_KEYS), ("c.py", ADJACENT_ONLY)):
        (tmp_path / name).write_text(code, encoding="utf-8")
        paths.append(str(tmp_path / name))
    code = main(["compare", str(task), *paths, "--format", "json"])
    assert code == 1
    payload = json.loads(capsys.readouterr().out)
    assert [v["accepted"] for v in payload["verdicts"]] == [True, True, False]
    flagged = [f for f in payload["findings"] if f["rule"] == "AS701"]
    assert flagged[0]["path"] == paths[2]
    assert flagged[0]["line"] == 1


def test_cli_compare_rejects_a_missing_file(tmp_path: Path) -> None:
    assert main(["compare", str(tmp_path / "nope.py"), str(tmp_path / "a.py")]) == 2


def test_a_candidate_file_that_is_not_utf8_is_a_source_error(tmp_path: Path) -> None:
    from assay.errors import SourceError

    broken = tmp_path / "latin1.py"
    broken.write_bytes("def f(x):\n    return 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(SourceError, match="latin1.py.*UTF-8"):
        assay.compare("def f(x):\n    pass\n", [broken])
