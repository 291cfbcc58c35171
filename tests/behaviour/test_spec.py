"""Spec extraction: every example shape, user tests, hints, contradictions, hiding."""

from __future__ import annotations

import pytest

from assay.behaviour.spec import (
    NOT_LITERAL,
    extract_spec,
    literal_value,
    spec_from_tests,
    strip_examples,
)
from assay.errors import InvalidArgument


def _pairs(text: str, entry: str | None = None) -> list[tuple[str, object]]:
    return [(e.actual, e.expected_value) for e in extract_spec(text, entry).examples]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("f([1, 2]) == 3", 3),
        ("f([1, 2]) ➞ 3", 3),
        ("f([1, 2]) => 3", 3),
        ("f([1, 2]) ==> 3", 3),
        ("f([1, 2]) -> 3", 3),
        ("f([1, 2]) should return 3.", 3),
        ("f([1, 2]) returns 3", 3),
        ("f([1, 2])   # returns 3", 3),
        ("f([1, 2]) = 1 + 2 = 3", 3),
        ("* f([1, 2]) => true", True),
    ],
)
def test_inline_example_shapes(line: str, expected: object) -> None:
    stub = f'def f(xs):\n    """Sum.\n\n    Examples:\n    {line}\n    """\n'
    assert _pairs(stub) == [("f([1, 2])", expected)]


def test_doctests_with_multiline_expected_and_exceptions() -> None:
    stub = '''def f(n: int) -> list[int]:
    """Digits.

    >>> f(120)
    [1,
     2, 0]
    >>> f(-1)
    Traceback (most recent call last):
    ValueError: negative
    >>> f(7) == [7]
    True
    """
'''
    examples = extract_spec(stub).examples
    assert [(e.actual, e.expected_value, e.raises) for e in examples] == [
        ("f(120)", [1, 2, 0], None),
        ("f(-1)", NOT_LITERAL, "ValueError"),
        ("f(7)", [7], None),
    ]
    assert examples[0].args == (120,)
    assert examples[0].origin == "doctest"


def test_input_output_and_for_sentences() -> None:
    stub = '''def maximum(arr, k):
    """Largest k.

    Example 1:
        Input: arr = [-3, -4, 5], k = 3
        Output: [-4, -3, 5]
    For arr = [4, -4, 4], k = 2 the output should be [4, 4]
    """
'''
    assert _pairs(stub) == [
        ("maximum([-3, -4, 5], 3)", [-4, -3, 5]),
        ("maximum([4, -4, 4], 2)", [4, 4]),
    ]


def test_example_call_spanning_lines() -> None:
    stub = '''def rows(grid, x):
    """Find x.

    rows([
      [1, 2],
      [3, 1]
    ], 1) == [(0, 0), (1, 1)]
    """
'''
    assert _pairs(stub) == [("rows([[1, 2], [3, 1]], 1)", [(0, 0), (1, 1)])]


def test_asserts_in_prompt_text_and_in_check_functions() -> None:
    prompt = '"""\nWrite a function to find shared elements.\nassert set(shared((3, 4), (4, 5))) == set((4,))\n"""\n'
    spec = extract_spec(prompt)
    assert spec.entry_point == "shared"
    assert [(e.actual, e.expected_value, e.direct) for e in spec.examples] == [
        ("set(shared((3, 4), (4, 5)))", {4}, False)
    ]
    tests = "def check(candidate):\n    assert candidate(2) == 4\n    assert abs(candidate(1.5) - 2.25) < 1e-6\n"
    spec = spec_from_tests([tests], "square")
    assert [(e.actual, e.expected_value, e.tolerance) for e in spec.examples] == [
        ("square(2)", 4, None),
        ("square(1.5)", 2.25, 1e-6),
    ]


def test_signature_and_hints() -> None:
    spec = extract_spec(
        "from typing import List\ndef f(xs: List[int], k: int = 2, *rest) -> bool:\n    pass\n"
    )
    assert spec.signature is not None
    assert spec.signature.arity == (1, None)
    assert spec.hints == {"xs": "List[int]", "k": "int"}
    assert spec.signature.returns == "bool"


def test_contradicting_examples_are_reported_and_not_trusted() -> None:
    stub = '''def f(a, b):
    """>>> f(1, 2)
    3
    >>> f(1, 2)
    4
    >>> f(1)
    1
    >>> f(2, 2)
    4
    """
'''
    spec = extract_spec(stub)
    assert [e.actual for e in spec.trusted_examples] == ["f(2, 2)"]
    assert len(spec.problems) == 2
    assert "different expected values" in spec.problems[1]
    assert "passes 1 argument(s)" in spec.problems[0]


def test_one_element_tuple_without_comma_is_suspect() -> None:
    stub = '''def bf(a, b):
    """Planets between.

    bf("Jupiter", "Neptune") ==> ("Saturn", "Uranus")
    bf("Earth", "Mercury") ==> ("Venus")
    bf("Mercury", "Venus") ==> ()
    """
'''
    spec = extract_spec(stub)
    assert [e.expected_value for e in spec.examples if not e.trusted] == ["Venus"]
    assert "missing its comma" in spec.problems[0]


def test_doctest_that_needs_an_earlier_line_is_dropped() -> None:
    stub = ">>> data = [1, 2]\n>>> f(data)\n3\n>>> f([5])\n5\n"
    assert _pairs(stub, "f") == [("f([5])", 5)]


def test_strip_examples_keeps_the_description() -> None:
    stub = '''def f(xs):
    """Sum of the even numbers.

    For example:
    >>> f([1, 2, 4])
    6
    f([]) == 0
    """
'''
    hidden = strip_examples(stub, "f")
    assert "Sum of the even numbers." in hidden
    assert extract_spec(hidden).examples == ()
    assert "For example" not in hidden


def test_literal_value_evaluates_literals_and_arithmetic_only() -> None:
    assert literal_value("19 - 5 - 6") == 8
    assert literal_value("[0] * 3") == [0, 0, 0]
    assert literal_value("set((1, 2))") == {1, 2}
    assert literal_value("-float('inf')") == float("-inf")
    assert literal_value("null") is None
    assert literal_value("open('x')") is NOT_LITERAL
    assert literal_value("x + 1") is NOT_LITERAL
    assert literal_value("'a' * 10**9") is NOT_LITERAL


def test_no_entry_point_is_an_invalid_argument() -> None:
    with pytest.raises(InvalidArgument, match="--entry-point"):
        extract_spec("Write a function that adds two numbers.")


# HumanEval/81's docstring calls the function by an earlier name.
RENAMED = '''def numerical_letter_grade(grades):
    """Turn GPAs into letter grades: 4.0 is A+, above 3.7 is A, ...

    Example:
    grade_equation([4.0, 3, 1.7, 2, 3.5]) ==> ['A+', 'B', 'C-', 'C', 'A-']
    """
'''


def test_examples_calling_the_function_by_a_stale_name_are_its_examples() -> None:
    assert _pairs(RENAMED, "numerical_letter_grade") == [
        ("numerical_letter_grade([4.0, 3, 1.7, 2, 3.5])", ["A+", "B", "C-", "C", "A-"])
    ]
    hidden = strip_examples(RENAMED, "numerical_letter_grade")
    assert "grade_equation" not in hidden
    assert extract_spec(hidden, "numerical_letter_grade").examples == ()


def test_other_names_are_not_taken_for_the_entry_point() -> None:
    # The entry point is called: other calls are helpers or prose.
    helper = '''def f(n):
    """Odd numbers of the Collatz sequence; collatz(1) is [1].

    f(5) returns [1, 5]
    """
'''
    assert [a for a, _ in _pairs(helper, "f")] == ["f(5)"]
    # A name that is also a word of the prose ("the Collatz(1) sequence") is no alias.
    prose = '''def g(n):
    """Note: Collatz(1) is [1]. The Collatz conjecture says the sequence reaches 1."""
'''
    assert _pairs(prose, "g") == []
    # Two unknown names: no way to tell which one is meant.
    two = '''def h(xs):
    """first_name([1]) == 1 and other_name([2]) == 2"""
'''
    assert _pairs(two, "h") == []
    # A function defined (or imported) in the prompt is a helper, not the entry point.
    defined = '''from math import floor


def helper(x):
    return x


def k(x):
    """floor(2.5) == 2 and helper(3) == 3"""
'''
    assert _pairs(defined, "k") == []
