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
"""

from __future__ import annotations

import ast
import builtins
import gzip
import json
from pathlib import Path

from assay.bench.humaneval import Problem
from assay.errors import BenchmarkError

__all__ = ["DEFAULT_MBPP_DIR", "load_mbpp"]

#: Where the shared data set lives relative to the working directory of a checkout.
DEFAULT_MBPP_DIR = Path("../shared/data/mbpp_problems")


def load_mbpp(path: Path | None = None) -> dict[str, Problem]:
    """MBPP problems by ``Mbpp/<n>``.

    Args:
        path: ``mbpp.jsonl`` or ``mbpp.jsonl.gz``, or a directory holding one; default:
            `DEFAULT_MBPP_DIR`.
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
    plus = source.parent / "MbppPlus-v0.1.0.jsonl.gz"
    if plus.is_file() and source.name.startswith("mbpp.jsonl"):
        problems.update(_plus_problems(plus))
    return problems


def _plus_problems(path: Path) -> dict[str, Problem]:
    """MBPP+ (EvalPlus v0.1.0) versions of the tasks it covers: its prompt (text + first
    test, with the original's quirks fixed, e.g. results compared as values rather than as
    strings) and its base asserts as the hidden test."""
    problems: dict[str, Problem] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                row = json.loads(line)
                asserts = [a for a in str(row["assertion"]).splitlines() if a.strip()]
                body = "\n".join(f"    {a}" for a in asserts)
                problems[row["task_id"]] = Problem(
                    task_id=row["task_id"],
                    prompt=row["prompt"],
                    entry_point=row["entry_point"],
                    canonical_solution=row["canonical_solution"],
                    test=f"def check(candidate):\n{body}\n",
                )
    except (OSError, ValueError, KeyError) as error:
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
