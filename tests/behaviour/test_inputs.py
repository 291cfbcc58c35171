"""Input generation: shapes from hints and examples, domain kept, budget, determinism."""

from __future__ import annotations

import importlib
import itertools
import sys
from pathlib import Path

import pytest
from hypothesis.configuration import storage_directory

from assay.behaviour.inputs import (
    generate_inputs,
    guess_hints,
    infer_shapes,
    inputs_of_size,
    length_relations,
    proposed_arguments,
    shape_from_hint,
    shape_of_values,
    sorted_arguments,
    stated_arguments,
)
from assay.behaviour.spec import extract_spec


def test_shapes_from_hints() -> None:
    assert shape_from_hint("List[int]").describe() == "list[int]"
    assert shape_from_hint("Optional[str]").describe() == "str | none"
    assert shape_from_hint("dict[str, float]").describe() == "dict[str, float]"
    assert shape_from_hint("tuple[int, ...]").describe() == "tuple[int, ...]"
    assert shape_from_hint("int | None").describe() == "int | none"
    assert shape_from_hint("SomeClass").kind == "any"


def test_shapes_from_example_values_keep_the_domain() -> None:
    shape = shape_of_values([[3, 0, 7], [1]])
    assert shape.describe() == "list[int >= 0]"
    assert shape.min_len == 1
    assert shape_of_values(["abc", "xy"]).alphabet == "abcdefghijklmnopqrstuvwxyz"
    assert shape_of_values(["1A", "FF"]).alphabet == "0123456789ABCDEF"
    assert shape_of_values([1, 2.5]).kind == "float"


STUB = '''def f(xs: list[int], word: str) -> int:
    """>>> f([3, 1, 2], "abc")
    3
    >>> f([5], "zz")
    1
    """
'''


def test_generated_inputs_start_with_examples_and_stay_in_the_domain() -> None:
    spec = extract_spec(STUB)
    inputs = generate_inputs(spec, budget=30)
    assert [i.origin for i in inputs[:2]] == ["example", "example"]
    assert inputs[0].args == ([3, 1, 2], "abc")
    assert len(inputs) == 30
    assert len({i.key for i in inputs}) == 30
    assert {"boundary", "mutation", "random"} <= {i.origin for i in inputs}
    for item in inputs:
        xs, word = item.args
        assert all(isinstance(x, int) and x >= 0 for x in xs)
        assert set(word) <= set("abcdefghijklmnopqrstuvwxyz")
    assert ([], "abc") in [i.args for i in inputs]


def test_ties_set_a_number_of_an_example_to_its_neighbours_value() -> None:
    # `<` where `<=` was meant shows only on equal values: intervals that touch.
    stub = '''def merge_intervals(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Merge overlapping closed intervals.

    >>> merge_intervals([(1, 3), (2, 6), (8, 10)])
    [(1, 6), (8, 10)]
    """
'''
    example = [1, 3, 2, 6, 8, 10]
    ties = [i.args[0] for i in generate_inputs(extract_spec(stub), budget=40) if i.origin == "tie"]
    assert len(ties) == 3
    for intervals in ties:
        assert all(isinstance(pair, tuple) for pair in intervals)
        numbers = [n for pair in intervals for n in pair]
        (changed,) = [k for k, (a, b) in enumerate(zip(numbers, example, strict=True)) if a != b]
        neighbours = {example[k] for k in (changed - 1, changed + 1) if 0 <= k < len(example)}
        assert numbers[changed] in neighbours


def test_ties_reach_across_arguments_and_leave_bools_alone() -> None:
    stub = '''def clamp(low: int, high: int, strict: bool) -> int:
    """Clamp.

    >>> clamp(2, 5, True)
    2
    """
'''
    ties = {i.args for i in generate_inputs(extract_spec(stub), budget=40) if i.origin == "tie"}
    assert ties == {(2, 2, True), (5, 5, True)}


def test_swaps_exchange_arguments_of_one_type_in_each_example() -> None:
    # Code that takes the last side for the hypotenuse passes both examples.
    stub = '''def right_angle_triangle(a, b, c):
    """Return True if the three sides form a right-angled triangle.

    right_angle_triangle(3, 4, 5) == True
    right_angle_triangle(1, 2, 3) == False
    """
'''
    inputs = generate_inputs(extract_spec(stub, "right_angle_triangle"), budget=40)
    swaps = [i.args for i in inputs if i.origin == "swap"]
    assert swaps == [(4, 3, 5), (5, 4, 3), (3, 5, 4), (2, 1, 3), (3, 2, 1), (1, 3, 2)]


def test_swaps_keep_each_argument_its_type_and_sign() -> None:
    stub = '''def shift(xs: list[int], by: int, offset: int, start: int) -> list[int]:
    """Shift.

    >>> shift([1, 2], 3, -4, 5)
    [4, 5]
    """
'''
    swaps = [i.args for i in generate_inputs(extract_spec(stub), budget=40) if i.origin == "swap"]
    assert swaps == [([1, 2], 5, -4, 3)]


def test_generation_is_deterministic_for_a_seed() -> None:
    spec = extract_spec(STUB)
    first = [i.key for i in generate_inputs(spec, budget=25, seed=3)]
    again = [i.key for i in generate_inputs(spec, budget=25, seed=3)]
    assert first == again


def test_draws_do_not_depend_on_the_modules_the_process_has_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Hypothesis draws about one value in twenty from the constants written in "local"
    # (non-library) modules loaded in the process: the caller's script, an editable
    # install. assay's inputs must not change with what its caller has imported.
    spec = extract_spec(
        'def f(word: str, n: int) -> int:\n    """>>> f("hello", 4)\n    2\n    """\n'
    )
    before = [i.key for i in generate_inputs(spec, budget=150, seed=1)]
    words = ("".join(letters) for letters in itertools.product("qxzjw", repeat=3))
    constants = "\n".join(f"WORD_{k} = {word!r}" for k, word in enumerate(words))
    (tmp_path / "caller_constants_module.py").write_text(constants + "\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module("caller_constants_module")
    try:
        after = [i.key for i in generate_inputs(spec, budget=150, seed=1)]
    finally:
        sys.modules.pop("caller_constants_module", None)
    assert after == before
    # Nor does generating inputs write Hypothesis's constants cache for the caller's files.
    cache = storage_directory("constants", intent_to_write=False).path
    cached = cache.iterdir() if cache.is_dir() else iter(())
    assert not any(str(tmp_path) in p.read_text("utf-8", "replace") for p in cached)


def test_nothing_is_generated_without_hints_or_examples() -> None:
    spec = extract_spec("def g(thing, other):\n    pass\n")
    assert generate_inputs(spec) == []
    assert infer_shapes(spec) == (shape_from_hint(None), shape_from_hint(None))


def test_parameters_with_defaults_are_left_alone() -> None:
    spec = extract_spec("def g(n: int, verbose: bool = False) -> int:\n    pass\n")
    assert {len(i.args) for i in generate_inputs(spec, budget=10)} == {1}


def test_hints_guessed_from_names_and_description() -> None:
    spec = extract_spec(
        'def g(lst, s, n):\n    """Given a list of strings lst, a string s and n."""\n'
    )
    assert guess_hints(spec) == {"lst": "list[str]", "s": "str", "n": "int"}


def test_inputs_of_size_scale_collections() -> None:
    spec = extract_spec(STUB)
    for size in (0, 5, 40):
        (item,) = inputs_of_size(spec, size)
        assert len(item.args[0]) == size
        assert len(item.args[1]) == size
    numeric = extract_spec("def h(n: int) -> int:\n    pass\n")
    assert inputs_of_size(numeric, 1000, count=2)[1].args == (1000,)


def test_arguments_of_wrapped_example_calls_are_inputs() -> None:
    # HumanEval/32: the examples round the result, so they are not direct calls, but they
    # still state that [1, 2] and [-6, 11, -6, 1] are valid arguments.
    stub = '''def find_zero(xs: list):
    """Find x such that poly(x) = 0.
    >>> round(find_zero([1, 2]), 2) # f(x) = 1 + 2x
    -0.5
    >>> round(find_zero([-6, 11, -6, 1]), 2)
    1.0
    """
'''
    spec = extract_spec(stub)
    assert [e.direct for e in spec.examples] == [False, False]
    assert stated_arguments(spec) == [([1, 2],), ([-6, 11, -6, 1],)]
    (shape,) = infer_shapes(spec) or ()
    assert shape.describe() == "list[int]"
    inputs = generate_inputs(spec, budget=20)
    assert [i.args for i in inputs[:2]] == [([1, 2],), ([-6, 11, -6, 1],)]
    assert {i.origin for i in inputs[:2]} == {"example"}
    assert all(all(isinstance(x, int) for x in i.args[0]) for i in inputs)


def test_examples_overrule_a_hint_guessed_from_the_parameter_name() -> None:
    # HumanEval/119: ``lst`` suggests list[int], the examples pass lists of strings.
    stub = '''def match_parens(lst):
    """Can the two strings be concatenated into a balanced string?
    match_parens(['()(', ')']) == 'Yes'
    match_parens([')', ')']) == 'No'
    """
'''
    spec = extract_spec(stub)
    (shape,) = infer_shapes(spec) or ()
    assert shape.describe() == "list[str]"
    for item in generate_inputs(spec, budget=30):
        assert all(isinstance(x, str) and set(x) <= {"(", ")"} for x in item.args[0])
    # A real annotation still wins, and a guess the examples agree with is kept.
    annotated = extract_spec('def f(lst: list[int]):\n    """f(["a"]) == 1"""\n')
    assert (infer_shapes(annotated) or ())[0].describe() == "list[int]"
    agreeing = extract_spec('def g(lst):\n    """g([3, 1]) == 1"""\n')
    assert (infer_shapes(agreeing) or ())[0].describe() == "list[int >= 1]"


def test_a_length_argument_follows_its_collection() -> None:
    # Mbpp/306: ``n`` is ``len(a)`` in the example; inputs with another ``n`` are outside
    # the task, and candidates indexing ``a[n - 1]`` would crash there.
    stub = """from typing import List

def max_sum_increasing_subseq(a: List[int], n: int, index: int, k: int) -> int:
    \"\"\"Write a function to find the maximum sum of increasing subsequence.\"\"\"
    ...

assert max_sum_increasing_subseq([1, 101, 2, 3, 100, 4, 5], 7, 4, 6) == 11
"""
    spec = extract_spec(stub, "max_sum_increasing_subseq")
    assert length_relations(stated_arguments(spec)) == {1: 0}
    inputs = generate_inputs(spec, budget=30)
    assert len(inputs) == 30
    assert all(item.args[1] == len(item.args[0]) for item in inputs)
    # ``index`` and ``k`` vary freely: only the argument equal to the length is tied.
    assert len({item.args[2] for item in inputs}) > 1


def test_a_length_relation_needs_every_example() -> None:
    assert length_relations([("abc", 3), ("ab", 5)]) == {}
    assert length_relations([("0110", 4), ("11", 2)]) == {1: 0}
    assert length_relations([([1, 2], 2, [3, 4])]) == {1: 0}
    assert length_relations([(True, [1])]) == {}


def test_lists_the_task_calls_sorted_stay_sorted() -> None:
    # Mbpp/597: code for "two sorted arrays" may merge or binary-search; an unsorted input
    # is outside the task, and candidates answering differently there are not wrong.
    stub = """from typing import List

def find_kth(arr1: List[int], arr2: List[int], k: int) -> int:
    \"\"\"Write a function to find kth element from the given two sorted arrays.\"\"\"
    ...

assert find_kth([2, 3, 6, 7, 9], [1, 4, 8, 10], 5) == 6
"""
    spec = extract_spec(stub, "find_kth")
    assert sorted_arguments(spec, stated_arguments(spec)) == {0, 1}
    inputs = generate_inputs(spec, budget=30)
    assert len(inputs) == 30
    for item in inputs:
        assert list(item.args[0]) == sorted(item.args[0])
        assert list(item.args[1]) == sorted(item.args[1])


def test_sorted_needs_both_the_words_and_sorted_examples() -> None:
    # "in sorted order" describes the output; "a list" with sorted examples is habit.
    output_sorted = """from typing import List

def union_elements(a: List[int], b: List[int]) -> List[int]:
    \"\"\"Write a function to find the union of two lists and output them in sorted order.\"\"\"
    ...

assert union_elements([3, 4, 5, 6], [5, 7, 4, 10]) == [3, 4, 5, 6, 7, 10]
"""
    habit = output_sorted.replace("in sorted order", "as a list").replace(
        "[3, 4, 5, 6], [5, 7, 4, 10]", "[1, 2, 3], [4, 5, 6]"
    )
    unsorted_example = habit.replace("as a list", "of two sorted lists").replace(
        "[1, 2, 3]", "[3, 1, 2]"
    )
    for stub in (output_sorted, habit):
        spec = extract_spec(stub, "union_elements")
        assert sorted_arguments(spec, stated_arguments(spec)) == set()
    # Each argument on its own: the first example list is not sorted, the second is.
    spec = extract_spec(unsorted_example, "union_elements")
    assert sorted_arguments(spec, stated_arguments(spec)) == {1}


def test_numeric_strings_are_drawn_and_mutated_as_numbers() -> None:
    # Mbpp/117: "convert all possible convertible elements to float"; the examples' strings
    # spell numbers, and a mutation to "4e" or "x.45" is garbage the task never defined.
    stub = """from typing import List, Tuple

def list_to_float(pairs: List[Tuple[str, str]]) -> List[Tuple[float, float]]:
    \"\"\"Write a function to convert all possible convertible elements in a list of lists to floats.\"\"\"
    ...

assert list_to_float([("3", "4"), ("1", "26.45"), ("7.32", "8"), ("4", "8")]) == [(3.0, 4.0), (1.0, 26.45), (7.32, 8.0), (4.0, 8.0)]
"""
    spec = extract_spec(stub, "list_to_float")
    inputs = generate_inputs(spec, budget=30)
    texts = [text for item in inputs for pair in item.args[0] for text in pair]
    assert len(texts) > 30
    for text in texts:
        float(text)
    assert len(set(texts)) > 10


def test_digit_strings_keep_their_digit_alphabet() -> None:
    # Binary numbers and codes are digit strings but not quantities: no sign, no point.
    assert not shape_of_values(["0110", "11"]).numeric
    assert shape_of_values(["-12", "7"]).numeric
    assert not shape_of_values(["7.5", "abc"]).numeric


def test_the_candidates_own_calls_become_inputs() -> None:
    # HumanEval/160's docstring shows its example in prose no parser reads; the candidates'
    # own closing calls give the argument shapes, and mutations grow from them.
    stub = '''def do_algebra(operator, operand):
    """Build the expression from the operators and operands and evaluate it."""
'''
    candidates = [
        "def do_algebra(operator, operand):\n    return 0\n\n"
        "print(do_algebra(['+', '*', '-'], [2, 3, 4, 5]))\n",
        "def do_algebra(operator, operand):\n"
        "    assert do_algebra(['x'], [1]) == 1  # inside the function: not a proposal\n"
        "    return 1\n\n"
        "assert do_algebra(['+', '*', '-'], [2, 3, 4, 5]) == 9\n"
        "assert do_algebra(['**'], [2, 10]) == 1024\n"
        "assert do_algebra(*make_args()) == 1\n",
    ]
    proposed = proposed_arguments(candidates, "do_algebra")
    assert proposed == [(["+", "*", "-"], [2, 3, 4, 5]), (["**"], [2, 10])]
    spec = extract_spec(stub, "do_algebra")
    assert generate_inputs(spec, budget=20) == []
    inputs = generate_inputs(spec, budget=20, proposed=proposed)
    assert [i.origin for i in inputs[:2]] == ["proposed", "proposed"]
    assert len(inputs) == 20
    assert all(isinstance(i.args[0], list) and isinstance(i.args[1], list) for i in inputs)
