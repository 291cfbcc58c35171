"""AS606 only when the inputs reached different branches (issue 20 item 5): the line arcs
of the function under test, recorded in the sandbox, decide."""

from __future__ import annotations

import assay

ONE_PATH = '''
def parse_version(text: str) -> int:
    """Major version of a 'v<digits>' tag, 0 for anything else."""
    if text.startswith("v") and text[1:].isdigit():
        return int(text[1:])
    return 0
'''


def test_a_constant_from_one_path_of_several_is_a_note_naming_what_never_ran() -> None:
    report = assay.check_source(ONE_PATH, select=["runtime"], offline=True)
    assert report.findings == []
    assert report.notes == [
        "<source>: parse_version returned 0 for every input tried, and every input took the "
        "same path through it (lines 4, 6); line 5 never ran: constant output is not claimed"
    ]


SEVERAL_PATHS = """
def word_count(text: str) -> int:
    count = 0
    for _word in text.split():
        count + 1
    return count
"""


def test_a_constant_over_different_paths_is_claimed_with_the_paths_as_evidence() -> None:
    (finding,) = assay.check_source(SEVERAL_PATHS, select=["runtime"], offline=True).findings
    assert finding.rule == "AS606"
    assert finding.evidence["paths"] >= 2
    assert finding.evidence["lines_covered"] == [3, 4, 5, 6]
    assert finding.evidence["branches_at"] == [4]


BRANCH_FREE = """
def shipping_cost(weight_kg: float) -> float:
    return 4.99
"""


def test_a_function_without_branches_has_one_path_and_its_constant_is_claimed() -> None:
    (finding,) = [
        f
        for f in assay.check_source(BRANCH_FREE, select=["runtime"], offline=True).findings
        if f.rule == "AS606"
    ]
    assert (finding.evidence["paths"], finding.evidence["branches_at"]) == (1, [])
