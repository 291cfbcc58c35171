"""Prompt templates and code extraction from chatty model answers."""

from __future__ import annotations

import ast

import pytest

from assay.gen.prompts import (
    Evidence,
    bare_request,
    default_criteria,
    extract_code,
    extract_tests,
    fim_completion_request,
    gen_request,
    paraphrase_request,
    paraphrased_gen_request,
    repair_request,
    sampling_plan,
    stub_of,
)
from assay.gen.prompts import (
    tests_request as model_tests_request,
)
from assay.llm.base import RequestKind
from assay.model import Task, TrustTier

STUB = '''from typing import List


def below_zero(operations: List[int]) -> bool:
    """Return True if the running balance ever drops below zero.

    >>> below_zero([1, 2, -4, 5])
    True
    """
'''
STUB_TASK = Task(prompt=STUB, entry_point="below_zero")
TEXT_TASK = Task(
    prompt="Write a function slugify(text) that lowercases and joins words with -.",
    entry_point="slugify",
)


def test_every_template_id_carries_a_version() -> None:
    requests = [
        bare_request(STUB_TASK),
        gen_request(STUB_TASK, ["c"]),
        paraphrase_request(STUB_TASK),
        paraphrased_gen_request(STUB_TASK, "It sums.", []),
        model_tests_request(STUB_TASK),
        repair_request(
            STUB_TASK, "def below_zero(o):\n    return False\n", [Evidence("wrong")], []
        ),
        fim_completion_request("a = ", "\n"),
    ]
    templates = [r.template for r in requests]
    assert all(t.rsplit("-", 1)[-1].startswith("v") for t in templates), templates
    assert len(set(templates)) == len(templates)


def test_stub_is_the_prefill_and_sent_once() -> None:
    request = bare_request(STUB_TASK)
    assert request.prefill == "```python\n" + STUB
    user = next(m.content for m in request.messages if m.role == "user")
    assert "below_zero" in user and "def below_zero" not in user


def test_natural_language_task_is_in_the_user_message() -> None:
    request = gen_request(TEXT_TASK, ["Return a str."])
    user = next(m.content for m in request.messages if m.role == "user")
    assert "slugify(text)" in user and "- Return a str." in user
    assert request.prefill == "```python\n"
    assert stub_of(TEXT_TASK) is None


def test_criteria_appear_only_in_the_criteria_prompt() -> None:
    criteria = ["Raise ValueError on an empty list."]
    assert "Raise ValueError" not in str(bare_request(STUB_TASK).messages)
    assert "Raise ValueError" in str(gen_request(STUB_TASK, criteria).messages)


def test_default_criteria_differ_by_tier() -> None:
    security = " ".join(default_criteria(TrustTier.SECURITY_SENSITIVE))
    performance = " ".join(default_criteria(TrustTier.PERFORMANCE_CRITICAL))
    assert "eval" in security and "O(n log n)" in performance
    assert default_criteria() == default_criteria(TrustTier.LOGIC)


def test_repair_prompt_carries_the_concrete_evidence() -> None:
    evidence = Evidence(
        summary="below_zero([-1]) returns False, but the spec says True",
        input="below_zero([-1])",
        expected="True",
        got="False",
        rule="AS601",
        docs="The function returns something else than an example says.",
    )
    request = repair_request(STUB_TASK, "def below_zero(o):\n    return False\n", [evidence], [])
    user = request.messages[1].content
    for needle in (
        "return False",
        "input: below_zero([-1])",
        "expected: True",
        "got: False",
        "rule AS601",
    ):
        assert needle in user


def test_paraphrased_prompt_keeps_signature_and_imports() -> None:
    request = paraphrased_gen_request(STUB_TASK, "Track a balance; report a negative one.", [])
    assert request.prefill.startswith("```python\nfrom typing import List\n")
    assert "def below_zero(operations: List[int]) -> bool:" in request.prefill
    assert "Track a balance" in request.messages[1].content


def test_sampling_plan_is_greedy_first_then_diverse() -> None:
    plan = sampling_plan(3, seed=7)
    assert [p.temperature for p in plan] == [0.0, 0.8, 0.8]
    assert len({p.seed for p in plan[1:]}) == 2


def test_fim_request_kind() -> None:
    request = fim_completion_request("def f():\n    ", "\n")
    assert request.kind is RequestKind.FIM and request.suffix == "\n"


CHATTY = """Sure! Here is the solution:

```python
def add(a: int, b: int) -> int:
    return a + b

print(add(1, 2))
assert add(2, 2) == 4
```

This function adds two numbers. Example:

```python
add(3, 4)
```
"""


def test_extract_prefers_the_block_defining_the_entry_point_and_drops_demo_code() -> None:
    code = extract_code(CHATTY, entry_point="add")
    assert code == "def add(a: int, b: int) -> int:\n    return a + b\n"


def test_extract_without_fences_starts_at_the_first_code_line() -> None:
    text = "The answer is\ndef double(x):\n    return 2 * x\n"
    assert extract_code(text, entry_point="double") == "def double(x):\n    return 2 * x\n"


def test_extract_adds_missing_typing_and_module_imports() -> None:
    text = "```python\ndef f(xs: List[int]) -> int:\n    return math.floor(sum(xs) / 2)\n```"
    code = extract_code(text, entry_point="f")
    assert code.startswith("from typing import List\nimport math\n\n")
    ast.parse(code)


def test_extract_keeps_existing_imports_and_parameters_named_like_modules() -> None:
    text = "```python\nimport math\n\ndef f(re):\n    return math.pi + re\n```"
    assert (
        extract_code(text, entry_point="f")
        == "import math\n\ndef f(re):\n    return math.pi + re\n"
    )


def test_extract_trims_a_truncated_tail() -> None:
    text = "```python\ndef f(x):\n    return x + 1\n\ndef g(y):\n    return (y +\n"
    assert extract_code(text, entry_point="f") == "def f(x):\n    return x + 1\n"


def test_extract_handles_an_unclosed_fence() -> None:
    text = "```python\ndef f(x):\n    return x"
    assert extract_code(text, entry_point="f") == "def f(x):\n    return x\n"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            "```python\nassert f(1) == 2\nassert f(1) == 2\n  assert f(0) == 1\nassert g(1) == 1\nassert f(\n```",
            ["assert f(1) == 2", "assert f(0) == 1"],
        ),
        ("no tests here", []),
    ],
)
def test_extract_tests(answer: str, expected: list[str]) -> None:
    assert extract_tests(answer, "f") == expected


def test_module_level_demo_and_test_code_is_removed_but_constants_stay() -> None:
    text = (
        "```python\nimport re\n\ndef f(x):\n    return PAT.sub('', x)\n\n"
        "PAT = re.compile('a')\n\ndef check(g):\n    assert g('ab') == 'b'\n\ncheck(f)\n"
        "result = f('aa')\nfor case in ['a', 'b']:\n    print(f(case))\n```"
    )
    code = extract_code(text, entry_point="f")
    assert "PAT = re.compile('a')" in code
    assert "check(f)" not in code and "result =" not in code and "for case" not in code


def test_the_plain_request_asks_for_the_whole_function_without_a_prefill() -> None:
    from assay.gen.prompts import PLAIN_STOPS, plain_request

    task = Task(prompt="def f(x):\n    '''Double x.'''\n", entry_point="f")
    request = plain_request(task)
    assert request.template == "plain-v1" and request.prefill == ""
    assert "def f(x):" in request.messages[-1].content
    # the opening fence may follow prose, so a bare fence must not stop the answer
    assert "\n```" not in PLAIN_STOPS and "\n```\n" in PLAIN_STOPS
