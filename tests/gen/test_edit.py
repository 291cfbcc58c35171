"""`assay gen --edit`: a model's rewrite of one function, accepted only when it behaves like
the original. Answers come from a scripted backend, recorded into a JSONL file and read
back through the real `ReplayBackend` for the command line; every diff runs in the real
sandbox."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from tests.llm.helpers import ScriptedBackend

import assay
from assay.cli import main
from assay.cli._edit import split_target
from assay.errors import InvalidArgument
from assay.gen.edit import (
    EDIT_TEMPLATE,
    REPAIR_TEMPLATE,
    EditEvidence,
    EditPolicy,
    declared_intent,
    dropped_calls,
    edit_function,
    edit_request,
    judge_edit,
    returned_count,
    splice_function,
)
from assay.gen.verdict import VerdictLevel
from assay.llm.base import Params, Request
from assay.llm.replay import RecordingBackend
from assay.source import parsed

HELPERS = '''"""List helpers."""

import os


def dedupe(items: list[int]) -> list[int]:
    """The items without repeats, first occurrence kept, in order."""
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def double(x: int) -> int:
    return x * 2


def export_name(folder: str, stem: str) -> str:
    """FOLDER/STEM.csv, with the folder's ~ expanded."""
    return os.path.join(os.path.expanduser(folder), stem + ".csv")
'''
# Answers continue the prefilled signature and docstring, as a model does.
FAST = "    return list(dict.fromkeys(items))\n```"
# Sorted: faster too, but the order of first occurrence is lost. The answer restates the
# signature (the last definition counts), and its docstring claims a behaviour change,
# which only the user can declare.
SORTED = (
    "def dedupe(items: list[int]) -> list[int]:\n"
    '    """Behaviour change: sorted."""\n'
    "    return sorted(set(items))\n```"
)
QUICK = {"symbolic": False, "performance": False, "budget": 24}


def _answers(by_template: dict[str, str]) -> ScriptedBackend:
    return ScriptedBackend(lambda request, params: by_template[request.template])


def _user_text(request: Request) -> str:
    return request.messages[1].content


def test_an_equivalent_rewrite_is_verified_first_time() -> None:
    backend = _answers({EDIT_TEMPLATE: FAST})
    result = edit_function(HELPERS, "dedupe", "make it faster", [backend], path="h.py", **QUICK)
    assert result.verdict.level is VerdictLevel.VERIFIED and result.verified
    assert result.selected == "e0" and len(result.candidates) == 1 and result.rounds == 0
    evidence = result.candidates[0].evidence
    assert evidence.counterexamples == [] and evidence.new_findings == []
    assert evidence.inputs_tried == 24 and evidence.returned == 24
    assert result.verdict.reasons == [
        "is equivalent to the original on 24 inputs (24 returned a value; engines: random)"
    ]
    # The rewrite replaces the function in place; the docstring it dropped is kept.
    assert result.source == HELPERS.replace(
        "    out = []\n    for item in items:\n        if item not in out:\n"
        "            out.append(item)\n    return out\n",
        "    return list(dict.fromkeys(items))\n",
    )
    assert "first occurrence kept" in result.source
    assert result.diff.startswith("--- a/h.py\n+++ b/h.py\n")
    assert "+    return list(dict.fromkeys(items))" in result.diff
    [(request, params)] = backend.requests
    assert request.template == EDIT_TEMPLATE and params.temperature == 0.0
    prompt = _user_text(request)
    assert prompt.startswith("Rewrite the function `dedupe` of the Python file `h.py`: make it")
    assert "# also defined in this file: double, export_name, mean\n\ndef dedupe(" in prompt
    assert "Task: make it faster\n" in prompt and "def mean(" not in prompt
    # The answer starts with the signature and docstring: the model writes the body.
    assert request.prefill == (
        "```python\ndef dedupe(items: list[int]) -> list[int]:\n"
        '    """The items without repeats, first occurrence kept, in order."""\n'
    )


def test_the_file_and_the_rewrite_are_parsed_once_each(monkeypatch: pytest.MonkeyPatch) -> None:
    # The splice, the static check of both files and the behaviour diff share one tree
    # per text (assay.source.parsed).
    parsed.clear()
    calls: list[str] = []
    real = ast.parse

    def counting(source: object, *args: object, **kwargs: object) -> ast.AST:
        calls.append(str(source))
        return real(source, *args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(ast, "parse", counting)
    backend = _answers({EDIT_TEMPLATE: FAST})
    result = edit_function(HELPERS, "dedupe", "make it faster", [backend], path="h.py", **QUICK)
    assert result.verified and result.source != HELPERS
    assert calls.count(HELPERS) == 1
    assert calls.count(result.source) == 1


def test_a_changed_behaviour_is_rejected_and_repaired_with_the_counterexample() -> None:
    backend = _answers({EDIT_TEMPLATE: SORTED, REPAIR_TEMPLATE: FAST})
    result = edit_function(
        HELPERS, "dedupe", "make it faster", [backend], n=1, repair_rounds=1, **QUICK
    )
    first, repaired = result.candidates
    assert (first.name, repaired.name) == ("e0", "e0-r1") and result.rounds == 1
    # The model's own "Behaviour change:" line declares nothing: rejected.
    assert first.verdict.level is VerdictLevel.REJECTED and result.declared_by is None
    [counterexample] = first.evidence.counterexamples
    assert counterexample["kind"] == "value"
    assert first.verdict.reasons == [
        f"behaviour changed: {counterexample['input']}: the original gives "
        f"{counterexample['old']}, the rewrite {counterexample['new']}"
    ]
    assert result.selected == "e0-r1" and result.verified
    [(_, _), (repair, params)] = backend.requests
    assert repair.template == REPAIR_TEMPLATE and params.temperature == 0.0
    prompt = _user_text(repair)
    assert "return sorted(set(items))" in prompt
    assert f"input: {counterexample['input']}" in prompt
    assert f"expected: {counterexample['old']}" in prompt
    assert f"got: {counterexample['new']}" in prompt


def test_a_change_the_instruction_asks_for_is_shown_for_the_user_to_judge() -> None:
    fixed = "    if not xs:\n        return 0.0\n    return sum(xs) / len(xs)\n```"
    backend = _answers({EDIT_TEMPLATE: fixed})
    result = edit_function(
        HELPERS, "mean", "Fix the empty list: return 0.0 for it", [backend], **QUICK
    )
    assert result.declared_by == "the instruction: 'Fix'"
    assert result.verdict.level is VerdictLevel.PLAUSIBLE and result.accepted
    assert [c["input"] for c in result.candidates[0].evidence.counterexamples] == ["mean([])"]
    assert "ZeroDivisionError" in result.candidates[0].evidence.counterexamples[0]["old"]
    assert result.verdict.reasons[-1] == "the change was declared (the instruction: 'Fix')"
    assert [r.template for r, _ in backend.requests] == [EDIT_TEMPLATE], "no repair"


def test_allow_change_declares_the_change() -> None:
    backend = _answers({EDIT_TEMPLATE: SORTED})
    result = edit_function(
        HELPERS, "dedupe", "sort it", [backend], allow_change=True, repair_rounds=0, **QUICK
    )
    assert result.declared_by == "--allow-change" and result.accepted
    assert result.verdict.level is VerdictLevel.PLAUSIBLE
    assert result.candidates[0].evidence.counterexamples and len(backend.requests) == 1


def test_a_rewrite_that_adds_a_finding_is_rejected() -> None:
    backend = _answers(
        {
            EDIT_TEMPLATE: '    return eval(f"{x} * 2")\n```',
            REPAIR_TEMPLATE: "    return x + x\n```",
        }
    )
    result = edit_function(HELPERS, "double", "write it another way", [backend], n=1, **QUICK)
    first, repaired = result.candidates
    assert first.evidence.counterexamples == []  # same results, but a new finding
    assert first.verdict.level is VerdictLevel.REJECTED
    assert first.evidence.new_findings and "eval" in first.evidence.new_findings[0]
    assert "new finding: " in _user_text(backend.requests[1][0])
    assert repaired.verdict.level is VerdictLevel.VERIFIED and result.selected == "e0-r1"


def test_a_rewrite_that_stops_calling_a_library_function_is_only_plausible() -> None:
    # No generated folder starts with "~", so the two look equivalent: the dropped call is
    # the only evidence that they are not.
    backend = _answers({EDIT_TEMPLATE: '    return os.path.join(folder, stem + ".csv")\n```'})
    result = edit_function(HELPERS, "export_name", "simplify", [backend], **QUICK)
    evidence = result.candidates[0].evidence
    assert evidence.dropped_calls == ["os.path.expanduser"]
    assert result.verdict.level is VerdictLevel.PLAUSIBLE
    assert result.verdict.missing[-1].startswith("the rewrite no longer calls os.path.expanduser")


def test_dropped_calls_count_library_functions_by_name() -> None:
    import ast

    old_tree = ast.parse(
        "import os\nfrom html import escape\n\n"
        "def f(p, xs):\n    xs.append(len(p))\n"
        "    return escape(os.path.join(os.path.expanduser(p), 'x'))\n"
    )
    new_tree = ast.parse(
        "from pathlib import Path\n\ndef f(p, xs):\n    xs.append(len(p))\n"
        "    return str(Path(p).expanduser() / 'x')\n"
    )
    old, new = old_tree.body[2], new_tree.body[1]
    assert isinstance(old, ast.FunctionDef) and isinstance(new, ast.FunctionDef)
    assert dropped_calls(old_tree, old, new) == ["escape", "os.path.join"]


def test_an_answer_without_the_function_is_rejected_without_running_it() -> None:
    backend = _answers({EDIT_TEMPLATE: "def unique(items):\n    return items\n```"})
    result = edit_function(HELPERS, "dedupe", "make it faster", [backend], repair_rounds=0, n=1)
    assert result.verdict.level is VerdictLevel.REJECTED and not result.accepted
    assert result.verdict.reasons == [
        "the rewrite of `dedupe` has no body (only its signature and docstring)"
    ]
    assert result.source is None and result.diff == ""


def test_the_command_line_writes_only_an_accepted_rewrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "helpers.py"
    source.write_text(HELPERS, encoding="utf-8")
    samples = tmp_path / "samples.jsonl"
    recording = RecordingBackend(_answers({EDIT_TEMPLATE: FAST}), samples)
    edit_function(HELPERS, "dedupe", "make it faster", [recording], path=str(source), **QUICK)
    command = ["gen", "make it faster", "--edit", f"{source}:dedupe"]
    command += ["--backend", f"replay:{samples}", "--quiet", "--write"]
    assert main(command) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"VERIFIED: e0 rewrites `dedupe` in {source}\n")
    assert "+    return list(dict.fromkeys(items))" in text
    assert "evidence for e0:\n  inputs: 48 (random" in text
    assert text.rstrip().endswith(f"written: {source}")
    written = source.read_text(encoding="utf-8")
    assert "dict.fromkeys" in written and "first occurrence kept" in written

    # Asked again about the new file, the model answers the function as it now is: the
    # instruction was not followed, and nothing is written.
    edit_function(
        written, "dedupe", "make it faster", [recording], path=str(source), n=1, repair_rounds=0
    )
    assert main([*command, "--format", "json", "-n", "1", "--repair", "0"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["verdict"]["level"] == "rejected" and document["written"] is None
    assert document["candidates"][0]["evidence"]["unchanged"] is True
    assert source.read_text(encoding="utf-8") == written


def test_command_line_misuse_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "helpers.py"
    source.write_text(HELPERS, encoding="utf-8")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    replay = ["--backend", f"replay:{empty}", "--quiet"]
    assert main(["gen", "x", "--edit", f"{source}:nothing", *replay]) == 2
    assert "one of: dedupe, mean, double, export_name" in capsys.readouterr().err
    assert main(["gen", "x", "--edit", str(source), *replay]) == 2
    assert "must be FILE:FUNCTION" in capsys.readouterr().err
    assert main(["gen", "Write add(a, b).", "-e", "add", "--write", *replay]) == 2
    assert "go with --edit" in capsys.readouterr().err
    assert main(["gen", "x", "--edit", f"{source}:dedupe", *replay]) == 2
    assert "no sample for template edit-v1" in capsys.readouterr().err


# ---------------------------------------------------------------------- pure parts


def test_splice_keeps_the_file_and_adds_what_the_rewrite_needs() -> None:
    source = (
        '"""Doc."""\nimport os\n\n\nclass Box:\n    @staticmethod\n    def size(a: int) -> int:\n'
        '        """Twice a."""\n        return a * 2\n\n    def other(self) -> int:\n'
        "        return 1\n"
    )
    answer = (
        "import os\nimport math\n\nLIMIT = 3\n\n\ndef _twice(a):\n    return a + a\n\n\n"
        "def size(a: int) -> int:\n    return _twice(a)\n"
    )
    assert splice_function(source, "Box.size", answer) == (
        '"""Doc."""\nimport os\nimport math\n\n\nLIMIT = 3\n\n\ndef _twice(a):\n'
        "    return a + a\n\n\nclass Box:\n    @staticmethod\n    def size(a: int) -> int:\n"
        '        """Twice a."""\n        return _twice(a)\n\n    def other(self) -> int:\n'
        "        return 1\n"
    )
    with pytest.raises(InvalidArgument, match="defines no function `size`"):
        splice_function(source, "Box.size", "def other(): pass\n")
    with pytest.raises(InvalidArgument, match="does not parse"):
        splice_function(source, "Box.size", "def size(:\n")
    with pytest.raises(InvalidArgument, match="one of: Box.size, Box.other"):
        splice_function(source, "size", answer)


def test_the_verdict_follows_the_evidence() -> None:
    seen = {"inputs_tried": 40, "returned": 30, "engines": ["random"]}
    changed = [{"input": "f(0)", "old": "0", "new": "1"}]
    assert judge_edit(EditEvidence(**seen)).level is VerdictLevel.VERIFIED
    thin = judge_edit(EditEvidence(**{**seen, "returned": 3}), EditPolicy(min_returned=10))
    assert thin.level is VerdictLevel.PLAUSIBLE
    assert thin.missing == [
        "the original returned a value on 3 of the 40 inputs (verified needs 10)"
    ]
    assert judge_edit(EditEvidence(**seen, counterexamples=changed)).level is VerdictLevel.REJECTED
    declared = judge_edit(
        EditEvidence(**seen, counterexamples=changed, declared_by="--allow-change")
    )
    assert declared.level is VerdictLevel.PLAUSIBLE and declared.advice
    nothing = judge_edit(EditEvidence(**seen, declared_by="--allow-change"))
    assert nothing.level is VerdictLevel.PLAUSIBLE and "none of the 40 inputs" in nothing.missing[0]
    unverified = judge_edit(EditEvidence(unverified="no inputs could be generated"))
    assert unverified.level is VerdictLevel.PLAUSIBLE
    assert judge_edit(EditEvidence(same_code=True)).level is VerdictLevel.VERIFIED
    dropped = judge_edit(EditEvidence(**seen, dropped_calls=["os.path.expanduser"]))
    assert dropped.level is VerdictLevel.PLAUSIBLE and "os.path.expanduser" in dropped.advice[0]
    assert judge_edit(EditEvidence(unchanged=True)).level is VerdictLevel.REJECTED
    slower = {"regressed": True, "old_class": "linear", "new_class": "quadratic"}
    assert judge_edit(EditEvidence(**seen, performance=slower)).reasons == [
        "slower: the rewrite's time grows quadratic where the original's grows linear"
    ]
    assert judge_edit(
        EditEvidence(**seen, new_findings=["AS301 line 3: eval of built text"])
    ).reasons == ["it adds a finding the original did not have: AS301 line 3: eval of built text"]


@pytest.mark.parametrize(
    ("instruction", "declared"),
    [
        ("make it faster", None),
        ("use pathlib instead of os.path", None),
        ("clean this up and add type hints", None),
        ("Fix the off-by-one at the end", "Fix"),
        ("there is a bug with empty input", "bug"),
        ("return None instead of raising KeyError", "instead of raising"),
        ("Behaviour change: accept tuples too", "Behaviour change:"),
        ("change what it returns for negative numbers", "change what it returns"),
        # Real requests for new behaviour.
        ("make it return None instead of raising", "instead of raising"),
        ("also accept tuples", "also accept"),
        ("change it to sort descending", "it to sort"),
        ("sort the result in descending order", "sort"),
        ("It should return 0 when the list is empty", "should return"),
        ("raise ValueError on negative amounts", "raise"),
        ("don't raise on missing keys, return the default", "don't raise"),
        ("stop printing and return the string", "stop printing"),
        ("please also support negative numbers", "please also support"),
        ("make it handle empty strings", "handle empty"),
        ("ignore blank lines in the input", "ignore"),
        ("round to two decimal places", "round"),
        ("return 0 rather than None for an empty list", "rather than None"),
        ("it crashes on an empty list", "crashes"),
        ("it gives the wrong answer for leap years", "wrong answer"),
        ("change the default separator to a semicolon", "change the default"),
        ("make it case-insensitive", "make it case-insensitive"),
        ("I want it to accept a tuple as well as a list", "it to accept"),
        ("make it faster, and it still crashes on None", "crashes"),
        # Requests about the code's form, or that say the behaviour stays.
        ("fix the type hints", None),
        ("fix the formatting and the naming", None),
        ("Fix typos in the docstring", None),
        ("fix the lint warnings", None),
        ("refactor it to use a list comprehension", None),
        ("rename the variables so they are clearer", None),
        ("use a set instead of a list for the lookup", None),
        ("return early instead of nesting the ifs", None),
        ("sort the imports and include a docstring", None),
        ("make it faster; it should still return the same list", None),
        ("make it faster without changing what it returns", None),
        ("don't change the behaviour, just simplify it", None),
        ("make it return the same result but faster", None),
        ("speed it up without introducing bugs", None),
        ("the function returns a list of dicts; use dataclasses", None),
        ("simplify the error handling", None),
        ("make it easier to debug", None),
    ],
)
def test_which_instructions_declare_a_change(instruction: str, declared: str | None) -> None:
    assert declared_intent(instruction) == declared


def test_small_helpers() -> None:
    assert returned_count("40 returned a value; 8 raised (ValueError ×8); inputs: random 48") == 40
    assert returned_count("no input ran") == 0
    with pytest.raises(InvalidArgument, match="FILE:FUNCTION"):
        split_target("helpers.py")
    method = "class Box:\n    def size(self) -> int: return 2\n\n    def other(self) -> int:\n"
    request = edit_request("b.py", method + "        return 1\n", "Box.size", "tidy")
    assert "# a method of class Box\ndef size(self) -> int: return 2\n```" in _user_text(request)
    assert request.prefill == "```python\n", "a one-line function has no header to prefill"
    assert callable(assay.edit) and "edit" in assay.__all__


def test_params_of_drafts_and_repairs() -> None:
    backend = _answers({EDIT_TEMPLATE: "```", REPAIR_TEMPLATE: "```"})
    edit_function(HELPERS, "dedupe", "make it faster", [backend], n=2, repair_rounds=1)
    kinds = [(r.template, p.temperature, p.seed) for r, p in backend.requests]
    assert kinds == [
        (EDIT_TEMPLATE, 0.0, 0),
        (REPAIR_TEMPLATE, 0.0, 0),
        (EDIT_TEMPLATE, 0.8, 1),
        (REPAIR_TEMPLATE, 0.0, 0),
    ]
    assert all(isinstance(p, Params) and p.max_tokens == 512 for _, p in backend.requests)
