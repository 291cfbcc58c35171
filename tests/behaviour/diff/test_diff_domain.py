"""The domain the old version states: read from its docstring and code, drawn inside first,
and a difference only outside it reported as information."""

from __future__ import annotations

import ast

import pytest

from assay.behaviour.diff import diff_sources
from assay.behaviour.diff._domain import Bound, Domain, read_domain
from assay.behaviour.inputs import ProbeInput


def _domain(source: str) -> Domain:
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef))
    return read_domain(node, tree)


def _kinds(domain: Domain, name: str) -> list[tuple[str, float, bool, str, bool]]:
    return [(b.kind, b.value, b.strict, b.chars, b.draw_only) for b in domain.bounds[name]]


@pytest.mark.parametrize(
    ("docstring", "parameters", "name", "expected"),
    [
        ("Given a positive integer n, count.", "n", "n", ("low", 0, True, "")),
        ("Takes an non-negative integer and counts.", "n", "n", ("low", 0, False, "")),
        ("Given a non-empty list of integers lst.", "lst, k", "lst", ("length", 1, False, "")),
        (
            'brackets is a string of "(" and ")".',
            "brackets",
            "brackets",
            ("alphabet", 0, False, "()"),
        ),
        ("Inputs a and b consisting only of 1s and 0s.", "a, b", "b", ("alphabet", 0, False, "01")),
        ("Assume n > 1 and is not a prime.", "n", "n", ("low", 1, True, "")),
        ("Constraints: 1 <= len(arr) <= 100", "arr, k", "arr", ("length", 1, False, "")),
        ("Constraints: 1 <= n <= 10^3", "n", "n", ("high", 1000, False, "")),
        (
            "A list of numbers (of length at least two).",
            "numbers",
            "numbers",
            ("length", 2, False, ""),
        ),
        ("base numbers are less than 10.", "x, base", "base", ("high", 10, True, "")),
        (
            "The list is guaranteed to have unique elements.",
            "arr",
            "arr",
            ("distinct", 0, False, ""),
        ),
    ],
)
def test_docstring_phrases_bound_the_parameter_they_name(
    docstring: str, parameters: str, name: str, expected: tuple[str, float, bool, str]
) -> None:
    domain = _domain(f'def f({parameters}):\n    """{docstring}"""\n    return 0\n')
    assert (*expected, False) in _kinds(domain, name)


def test_a_phrase_names_the_parameter_after_it() -> None:
    domain = _domain(
        'def f(grid, k):\n    """Given a grid with N rows and a positive integer k, each cell."""\n'
    )
    assert "grid" not in domain.bounds
    assert _kinds(domain, "k") == [("low", 0, True, "", False)]


@pytest.mark.parametrize(
    "docstring",
    [
        "Return only positive numbers in the list.",
        "Create a function that returns the smallest of positive integers in a list.",
        "If there are no positive integers, return None.",
        "Please note that a path visits k cells (not necessarily distinct).",
    ],
)
def test_what_is_said_of_the_result_is_not_a_domain(docstring: str) -> None:
    assert not _domain(f'def f(l):\n    """{docstring}"""\n    return l\n')


def test_letters_include_the_space_between_words() -> None:
    domain = _domain('def f(s):\n    """The string s contains lowercase letters only."""\n')
    (bound,) = domain.bounds["s"]
    assert bound.chars == "abcdefghijklmnopqrstuvwxyz "
    assert bound.admits("ab c") and not bound.admits("aB")


def test_compared_characters_and_guards_steer_the_drawing_only() -> None:
    domain = _domain(
        "def depth(s, n):\n"
        "    if n < 0:\n        raise ValueError(n)\n"
        "    d = 0\n"
        "    for c in s:\n"
        "        if c == '(':\n            d += 1\n"
        "        elif c == ')':\n            d -= 1\n"
        "    return d + n\n"
    )
    assert _kinds(domain, "s") == [("alphabet", 0, False, "()a", True)]
    assert _kinds(domain, "n") == [("low", 0, False, "", True)]
    # Not stated: no input is outside the documented domain.
    assert domain.outside(ProbeInput(("x!", -3))) is None
    assert domain.outside(ProbeInput(("x!", -3)), stated_only=False) is not None


def test_a_character_class_question_reads_no_alphabet() -> None:
    domain = _domain("def f(s):\n    return sum(1 for c in s if c in 'aeiou' or c.isupper())\n")
    assert not domain


def test_project_moves_an_input_inside_and_arrange_puts_it_first() -> None:
    domain = _domain(
        'def f(xs, s):\n    """xs is a non-empty list of positive integers. s is a string of '
        '"<" and ">"."""\n'
    )
    outside = ProbeInput(([-3, 0, 5], "a<b"))
    moved = domain.project(outside)
    assert moved is not None and moved.origin == "domain"
    assert domain.outside(moved) is None
    assert all(x > 0 for x in moved.args[0]) and set(moved.args[1]) <= {"<", ">"}
    assert domain.project(ProbeInput(([], "<"))) is None  # no element to repeat
    arranged = domain.arrange([outside, ProbeInput(([1], "<>"))], budget=10)
    assert [domain.outside(i) is None for i in arranged] == [True, True, False]


def test_bounds_on_numbers_keep_their_side() -> None:
    low = Bound("low", 0, strict=True)
    high = Bound("high", 10, strict=False)
    assert low.project(-4) == 5 and low.project(0) == 1
    assert high.project(13) == 7
    assert low.project(float("-inf")) is None
    assert low.admits("text") and low.admits([1, 2]) and not low.admits([1, 0])


OLD = '''
def balanced(brackets: str) -> bool:
    """brackets is a string of "(" and ")"."""
    depth = 0
    for b in brackets:
        if b == "(":
            depth += 1
        else:
            depth -= 1
        if depth < 0:
            return False
    return depth == 0
'''

#: The same inside the domain; another character is no longer read as ")".
SAME_INSIDE = OLD.replace("        else:\n", '        elif b == ")":\n')
#: Wrong inside the domain too: an opening bracket left unclosed passes.
WRONG = SAME_INSIDE.replace("return depth == 0", "return depth <= 1")


def test_a_difference_only_outside_the_documented_domain_is_information() -> None:
    result = diff_sources(OLD, SAME_INSIDE, performance=False, symbolic=False)
    (pair,) = result.pairs
    assert not pair.equivalent and pair.outside_domain and not pair.changed
    example = pair.counterexamples[0]
    assert "written in '(' ')'" in example.outside_domain
    assert result.exit_code == 0


def test_a_difference_inside_the_domain_is_a_change_shrunk_inside_it() -> None:
    result = diff_sources(OLD, WRONG, performance=False, symbolic=False)
    (pair,) = result.pairs
    assert pair.changed and not pair.outside_domain
    inside = [c for c in pair.counterexamples if not c.outside_domain]
    assert inside[0].input == "balanced('(')"
    assert result.exit_code == 1


def test_as702_is_information_outside_the_domain() -> None:
    from assay.behaviour.diff.findings import diff_findings
    from assay.model import Severity

    result = diff_sources(OLD, SAME_INSIDE, performance=False, symbolic=False)
    (finding,) = diff_findings(result, "new.py")
    assert finding.rule == "AS702" and finding.severity is Severity.INFO
    assert "outside the documented domain" in finding.message


def test_bounds_between_parameters() -> None:
    domain = _domain('def f(arr, k):\n    """Constraints: 1 <= k <= len(arr)"""\n')
    assert domain.outside(ProbeInput(([1, 2], 2))) is None
    assert "k <= len(arr)" in (domain.outside(ProbeInput(([1], 2))) or "")
    moved = domain.project(ProbeInput(([1], 2)))
    assert moved is not None and moved.args[1] <= 1
    equal = _domain('def g(a, b):\n    """You are given two arrays of equal length."""\n')
    assert equal.outside(ProbeInput(([1], [])))
    assert equal.outside(ProbeInput(([1], [2]))) is None
