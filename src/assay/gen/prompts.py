"""Prompt templates, as versioned plain functions, and code extraction from model output.

Every template has an id with a version (``gen-v1``); changing a template's text means a new
id, so recorded samples (`assay.llm.replay`) never silently mix template versions. Builders
are plain functions of their inputs (task text, criteria, evidence): the ledger can feed past
failures in as acceptance criteria, and the bench can replay a run exactly.

Templates:

* ``bare-v1``      the bare request, greedy: the stub is the start of the answer (a completion).
* ``plain-v1``     the plain instruction ("complete this function" and the stub), no prefill:
  how a user asks the bare model. With ``bare-v1`` the two raw baselines of ``assay bench``.
* ``gen-v1``       the request plus explicit acceptance criteria.
* ``para-v1``      asks the model to restate the task (metamorphic prompt testing);
  ``gen-para-v1`` then implements from the restatement: candidates from paraphrases that
  disagree with the others reveal errors.
* ``tests-v1``     model-written assert tests (CodeT-style; down-weighted evidence).
* ``repair-v1``    the failing code plus concrete evidence (input, expected vs got, finding).
* ``fim-v1``       fill-in-the-middle at a point in a file.

The templates of ``assay gen --edit`` (``edit-v1``, ``edit-repair-v1``) live with their loop in
`assay.gen.edit`.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assay.llm.base import Params, Request, chat_request, fim_request
from assay.model import Task, TrustTier

__all__ = [
    "CODE_STOPS",
    "PLAIN_STOPS",
    "SYSTEM",
    "Evidence",
    "bare_request",
    "default_criteria",
    "extract_code",
    "extract_tests",
    "fim_completion_request",
    "gen_request",
    "paraphrase_request",
    "paraphrased_gen_request",
    "plain_request",
    "repair_request",
    "sampling_plan",
    "stub_of",
    "tests_request",
]

SYSTEM = "You are a careful Python programmer. Reply with one ```python code block only."

#: Stop sequences for code answers: the closing fence, or top-level test/demo code.
CODE_STOPS = ("\n```", "\nif __name__", "\nprint(", "\nassert ", "\n# Test", "\n# Example")
#: Stop sequences for an answer without a prefill: its opening fence may follow a line of
#: prose (``Here is...\n```python``), so only a closing fence (followed by a newline) stops it.
PLAIN_STOPS = ("\n```\n", *CODE_STOPS[1:])

_DEFAULT_CRITERIA: dict[TrustTier, tuple[str, ...]] = {
    TrustTier.BOILERPLATE: ("Keep it simple and use only the standard library.",),
    TrustTier.LOGIC: (
        "Match every example in the description exactly, including the type of the result.",
        "Handle edge cases: empty inputs, a single element, zero, negative numbers, duplicates.",
        "Use only the standard library; do not read input, print, or touch files or the network.",
    ),
    TrustTier.SECURITY_SENSITIVE: (
        "Validate every external input and raise ValueError with a clear message when invalid.",
        "Never use eval, exec, pickle on untrusted data, shell=True, or string-built SQL.",
        "Use the secrets module for tokens and hmac.compare_digest for secret comparison.",
    ),
    TrustTier.PERFORMANCE_CRITICAL: (
        "Run in O(n log n) time or better; avoid nested loops over the input.",
        "Do not copy or re-scan large inputs inside loops.",
        "Handle edge cases: empty inputs, a single element, duplicates.",
    ),
}


def default_criteria(tier: TrustTier = TrustTier.LOGIC) -> list[str]:
    """The acceptance criteria assay adds when the user gives none, by trust tier."""
    return list(_DEFAULT_CRITERIA[tier])


def stub_of(task: Task) -> str | None:
    """The task's prompt when it is a Python stub (a signature to complete), else None."""
    text = task.prompt
    if not task.entry_point or f"def {task.entry_point}" not in text:
        return None
    try:
        ast.parse(text + ("\n" if not text.endswith("\n") else "") + "    pass\n")
    except SyntaxError:
        return None
    return text if text.endswith("\n") else text + "\n"


def _task_block(task: Task) -> str:
    """The request as the user message. A stub is not repeated here: it is the prefill of
    the answer (see `_prefill`), which the model sees once and continues."""
    if stub_of(task) is not None:
        return f"Complete the Python function `{task.entry_point}` that starts your answer."
    text = task.prompt.strip()
    if task.entry_point:
        text += f"\n\nName the function `{task.entry_point}`."
    return text


def _prefill(task: Task) -> str:
    stub = stub_of(task)
    return "```python\n" + (stub if stub is not None else "")


def _task_with_stub(task: Task) -> str:
    """The request with the stub inline, for prompts whose answer does not start with it."""
    stub = stub_of(task)
    if stub is None:
        return _task_block(task)
    return f"Complete this Python function:\n```python\n{stub}```"


def bare_request(task: Task) -> Request:
    """``bare-v1``: the request alone, as a user would ask the bare model."""
    return chat_request(
        _task_block(task), system=SYSTEM, prefill=_prefill(task), template="bare-v1"
    )


def plain_request(task: Task) -> Request:
    """``plain-v1``: the plain instruction with the stub inline and no prefill, the way a
    user asks the bare model for the whole function."""
    return chat_request(_task_with_stub(task), system=SYSTEM, template="plain-v1")


def gen_request(task: Task, criteria: Sequence[str]) -> Request:
    """``gen-v1``: the request plus explicit acceptance criteria."""
    lines = [_task_block(task)]
    if criteria:
        lines.append("Acceptance criteria:\n" + "\n".join(f"- {c}" for c in criteria))
    lines.append(_reply_rule(task))
    return chat_request(
        "\n\n".join(lines), system=SYSTEM, prefill=_prefill(task), template="gen-v1"
    )


def _reply_rule(task: Task) -> str:
    name = f"`{task.entry_point}`" if task.entry_point else "the function"
    return (
        f"Reply with one ```python block containing the complete {name} with the imports and "
        "helpers it needs. No tests, no prints, no explanation."
    )


def paraphrase_request(task: Task) -> Request:
    """``para-v1``: ask the model to restate what the function must do, in its own words."""
    user = (
        f"{_task_with_stub(task)}\n\nRestate precisely, in your own words and in at most five "
        "short sentences, what the function must return for every kind of input. Do not "
        "write code."
    )
    return chat_request(user, template="para-v1")


def paraphrased_gen_request(task: Task, paraphrase: str, criteria: Sequence[str]) -> Request:
    """``gen-para-v1``: implement the task from a restatement of it, keeping its signature."""
    signature = _signature(task)
    lines = [f"Write a Python function `{task.entry_point or 'solution'}`."]
    if signature:
        lines.append(f"Signature:\n```python\n{signature}\n```")
    lines.append(f"What it must do:\n{paraphrase.strip()}")
    if criteria:
        lines.append("Acceptance criteria:\n" + "\n".join(f"- {c}" for c in criteria))
    lines.append(_reply_rule(task))
    prefill = "```python\n" + (_imports_of(task) + signature + "\n" if signature else "")
    return chat_request("\n\n".join(lines), system=SYSTEM, prefill=prefill, template="gen-para-v1")


def _signature(task: Task) -> str:
    stub = stub_of(task)
    if stub is None or not task.entry_point:
        return ""
    match = re.search(rf"^def {re.escape(task.entry_point)}\(.*?\).*?:\s*$", stub, re.M | re.S)
    return match.group(0).rstrip() if match else ""


def _imports_of(task: Task) -> str:
    stub = stub_of(task) or ""
    found = [
        line
        for line in stub.splitlines()
        if line.startswith(("import ", "from ")) and not line.rstrip().endswith("\\")
    ]
    return "".join(f"{line}\n" for line in found) + ("\n" if found else "")


def tests_request(task: Task) -> Request:
    """``tests-v1``: model-written assert tests for the entry point (CodeT-style)."""
    name = task.entry_point or "solution"
    user = (
        f"{_task_with_stub(task)}\n\nWrite 5 different assert statements that test `{name}` "
        "on typical inputs and edge cases, each of the form "
        f"`assert {name}(...) == expected`. Only the asserts, no implementation."
    )
    return chat_request(
        user, system=SYSTEM, prefill=f"```python\nassert {name}(", template="tests-v1"
    )


@dataclass(frozen=True)
class Evidence:
    """What was wrong with a candidate, in terms the model can act on."""

    summary: str
    input: str | None = None
    expected: str | None = None
    got: str | None = None
    rule: str | None = None
    docs: str | None = None

    def render(self) -> str:
        """Bullet lines for the repair prompt."""
        lines = [f"- {self.summary}"]
        if self.input is not None:
            lines.append(f"  input: {self.input}")
        if self.expected is not None:
            lines.append(f"  expected: {self.expected}")
        if self.got is not None:
            lines.append(f"  got: {self.got}")
        if self.rule:
            lines.append(f"  rule {self.rule}" + (f": {self.docs}" if self.docs else ""))
        return "\n".join(lines)


def repair_request(
    task: Task, code: str, evidence: Sequence[Evidence], criteria: Sequence[str]
) -> Request:
    """``repair-v1``: the failing code and the concrete evidence against it."""
    shown = "\n".join(item.render() for item in evidence[:4])
    lines = [
        _task_block(task),
        f"This attempt is wrong:\n```python\n{code.strip()}\n```",
        f"Evidence:\n{shown}",
    ]
    if criteria:
        lines.append("Acceptance criteria:\n" + "\n".join(f"- {c}" for c in criteria))
    lines.append("Fix the code so that it passes. " + _reply_rule(task))
    return chat_request(
        "\n\n".join(lines), system=SYSTEM, prefill=_prefill(task), template="repair-v1"
    )


def fim_completion_request(prefix: str, suffix: str) -> Request:
    """``fim-v1``: fill in the code between `prefix` and `suffix`."""
    return fim_request(prefix, suffix, template="fim-v1")


def sampling_plan(n: int, *, max_tokens: int = 384, seed: int = 0) -> list[Params]:
    """Parameters of `n` samples: the first greedy, the rest at a higher temperature (with
    distinct seeds) for diversity."""
    plan = [Params(temperature=0.0, max_tokens=max_tokens, stop=CODE_STOPS, seed=seed)]
    plan += [
        Params(temperature=0.8, max_tokens=max_tokens, stop=CODE_STOPS, seed=seed + i)
        for i in range(1, n)
    ]
    return plan


_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)(?:\n```|\Z)", re.S | re.I)

#: Names models use without importing them, and the import that provides each.
_IMPLICIT_IMPORTS: Mapping[str, str] = {
    "List": "from typing import List",
    "Dict": "from typing import Dict",
    "Tuple": "from typing import Tuple",
    "Optional": "from typing import Optional",
    "Any": "from typing import Any",
    "Set": "from typing import Set",
    "Union": "from typing import Union",
    "Callable": "from typing import Callable",
    "Iterable": "from typing import Iterable",
    "math": "import math",
    "re": "import re",
    "heapq": "import heapq",
    "itertools": "import itertools",
    "collections": "import collections",
    "functools": "import functools",
    "string": "import string",
    "hashlib": "import hashlib",
    "Counter": "from collections import Counter",
    "defaultdict": "from collections import defaultdict",
    "deque": "from collections import deque",
    "reduce": "from functools import reduce",
    "lru_cache": "from functools import lru_cache",
}


def extract_code(text: str, *, entry_point: str | None = None) -> str:
    """The Python code in a chatty model answer.

    Takes the fenced block that defines `entry_point` (else the longest block that parses,
    else the unfenced text from the first ``def``/``import`` line), trims trailing prose and
    top-level demo code that does not parse, and adds imports for names the code uses but
    never imports (``List``, ``math``, ...).
    """
    blocks = [block for block in _FENCE.findall(text) if block.strip()]
    if not blocks:
        blocks = [_from_first_code_line(text)]
    chosen = _choose_block(blocks, entry_point)
    code = _parseable_prefix(chosen)
    return _add_missing_imports(code).strip() + "\n"


def _from_first_code_line(text: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"(def |async def |class |import |from \S+ import |@)", line):
            return "\n".join(lines[index:])
    return text


def _choose_block(blocks: Sequence[str], entry_point: str | None) -> str:
    if entry_point:
        defining = [b for b in blocks if re.search(rf"^\s*def {re.escape(entry_point)}\b", b, re.M)]
        if defining:
            return max(defining, key=len)
    parsing = [b for b in blocks if _parses(b)]
    return max(parsing or list(blocks), key=len)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True


def _parseable_prefix(code: str) -> str:
    code = textwrap.dedent(code).rstrip()
    if _parses(code):
        return _drop_demo_code(code)
    lines = code.splitlines()
    for end in range(len(lines) - 1, 0, -1):
        head = "\n".join(lines[:end])
        if _parses(head) and any(
            ln.startswith(("def ", "class ", "async def ")) for ln in lines[:end]
        ):
            return _drop_demo_code(head)
    return code


def _drop_demo_code(code: str) -> str:
    """Remove the top-level statements after the last definition that only demo or test it
    (a model's ``print(f(3))``, ``assert f(1) == 2``, ``check(f)``, ``result = f(x)``, a
    loop over test cases, ``if __name__ == "__main__":``): run on import, they can fail, print
    or loop where the function itself is right."""
    tree = ast.parse(code)
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    keep_until = len(tree.body)
    while keep_until > 0 and _is_demo(tree.body[keep_until - 1], defined):
        keep_until -= 1
    if keep_until == len(tree.body) or keep_until == 0:
        return code
    last = tree.body[keep_until - 1]
    end = getattr(last, "end_lineno", None) or len(code.splitlines())
    return "\n".join(code.splitlines()[:end])


#: Calls that only show or test a result when made at module level.
_DEMO_CALLS = frozenset({"print", "input", "pprint", "main", "check", "test", "doctest"})


def _is_demo(node: ast.stmt, defined: set[str]) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Call | ast.Await)
    if isinstance(node, ast.If):
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and test.left.id == "__name__"
        ):
            return True
    if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.If):
        return _calls_any(node, defined | _DEMO_CALLS)
    if isinstance(node, ast.For | ast.While | ast.With | ast.Try):
        return _calls_any(node, defined | _DEMO_CALLS) or any(
            isinstance(child, ast.Assert) for child in ast.walk(node)
        )
    return False


def _calls_any(node: ast.AST, names: set[str] | frozenset[str]) -> bool:
    """`node` calls one of `names` (a plain name or the last part of a dotted one)."""
    for child in ast.walk(node):
        if isinstance(child, ast.Call):
            func = child.func
            name = (
                func.id
                if isinstance(func, ast.Name)
                else func.attr
                if isinstance(func, ast.Attribute)
                else None
            )
            if name is not None and (name in names or name.startswith("test")):
                return True
    return False


def _add_missing_imports(code: str) -> str:
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    bound = _bound_names(tree)
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    needed = sorted({_IMPLICIT_IMPORTS[name] for name in used - bound if name in _IMPLICIT_IMPORTS})
    if not needed:
        return code
    return "\n".join(needed) + "\n\n" + code


def _bound_names(tree: ast.Module) -> set[str]:
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return bound


def extract_tests(text: str, entry_point: str) -> list[str]:
    """The ``assert entry_point(...) == ...`` statements in a model answer, each parseable."""
    body = text.split("```python", 1)[-1].split("```", 1)[0]
    tests = [line.strip() for line in body.splitlines()]
    return list(
        dict.fromkeys(
            test for test in tests if test.startswith(f"assert {entry_point}(") and _parses(test)
        )
    )
