"""Receiver types inferred by jedi: one instance type or nothing, within a budget."""

from __future__ import annotations

import ast
import subprocess
import sys
from typing import Any

import pytest

from assay.knowledge import infer
from assay.knowledge.infer import FileInference, InferredType
from assay.knowledge.resolve import ApiResolver

SYS_PATH = ApiResolver(use_disk_cache=False).sys_path


def _receiver_end(source: str, attribute: str) -> tuple[int, int]:
    """The ast end position of the receiver of the first `.attribute` in `source`."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == attribute:
            assert node.value.end_lineno is not None and node.value.end_col_offset is not None
            return node.value.end_lineno, node.value.end_col_offset
    raise AssertionError(f"no .{attribute} in the source")


def _type(source: str, attribute: str, **options: Any) -> InferredType | None:
    return FileInference(source, sys_path=SYS_PATH, **options).type_at(
        *_receiver_end(source, attribute)
    )


def test_call_result_of_a_standard_function_is_typed() -> None:
    source = "import subprocess\nsubprocess.run(['true']).returncodes\n"
    assert _type(source, "returncodes") == InferredType("subprocess", "CompletedProcess")


def test_name_bound_by_with_and_local_function_are_typed() -> None:
    source = (
        "import subprocess\n\n"
        "def make():\n"
        "    return subprocess.Popen(['true'])\n\n"
        "with make() as proc:\n"
        "    proc.returncodes\n"
    )
    assert _type(source, "returncodes") == InferredType("subprocess", "Popen")


def test_columns_count_characters_not_bytes() -> None:
    # "é" is two UTF-8 bytes: the ast column is one more than jedi's.
    source = "import io\nlabel = 'é'; io.StringIO(label).readall()\n"
    assert _type(source, "readall") == InferredType("io", "StringIO")


def test_several_candidate_types_are_not_an_answer() -> None:
    source = "import io, sys\nbuf = io.StringIO() if sys.argv else io.BytesIO()\nbuf.readall()\n"
    assert _type(source, "readall") is None


def test_unannotated_parameter_is_not_typed_from_call_sites() -> None:
    source = "import io\n\ndef use(buf):\n    return buf.readall()\n\nuse(io.StringIO())\n"
    assert _type(source, "readall") is None


def test_a_class_object_or_module_is_not_an_instance_type() -> None:
    assert _type("import io\nio.StringIO.readall\n", "readall") is None


def test_spent_budget_stops_further_queries() -> None:
    inference = FileInference("import io\nio.StringIO().readall()\n", sys_path=SYS_PATH, budget=0)
    assert inference.type_at(2, 13) is None
    assert inference.exhausted and inference.queries == 0


def test_query_limit_stops_further_queries() -> None:
    source = "import io\nio.StringIO().readall()\n"
    inference = FileInference(source, sys_path=SYS_PATH, max_queries=1)
    assert inference.type_at(2, 13) == InferredType("io", "StringIO")
    assert inference.type_at(2, 13) is None and inference.exhausted


def test_engine_failure_is_counted_and_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        def Script(self, *args: object, **kwargs: object) -> None:
            raise RecursionError("jedi gave up")

    monkeypatch.setattr(infer, "_engine", lambda sys_path: (Broken(), None, None))
    inference = FileInference("x = 1\nx.real\n", sys_path=SYS_PATH)
    assert inference.type_at(2, 1) is None
    assert inference.failures == 1 and inference.defines(2, 6) is None


def test_defines_finds_instance_attributes_set_in_init() -> None:
    source = "import subprocess\nr = subprocess.run(['true'])\nr.returncode\nr.returncodes\n"
    inference = FileInference(source, sys_path=SYS_PATH)
    assert inference.defines(3, 12) is True
    assert inference.defines(4, 13) is False


def test_importing_jedi_leaves_the_recursion_limit_alone() -> None:
    # A fresh interpreter: jedi's import sets the limit to 3000 as a side effect.
    code = (
        "import sys\n"
        "from assay.knowledge.infer import FileInference\n"
        "before = sys.getrecursionlimit()\n"
        "FileInference('x = 1\\nx.real\\n', sys_path=sys.path).type_at(2, 1)\n"
        "import jedi\n"
        "print(before, sys.getrecursionlimit())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    before, after = done.stdout.split()
    assert before == after
