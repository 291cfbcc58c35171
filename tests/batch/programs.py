"""Seeded batches of small programs with every kind of outcome (pass, failed assert, an
exception, output, a timeout), for the batch tests and bench/batch_scaling.py."""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_BODIES = (
    ("return x + 1", "assert f(1) == 2"),
    ("return x * 2", "assert f(3) == 7"),
    ("return [i * i for i in range(x)][-1]", "assert f(5) == 16"),
    ("return sorted({x, 3, 1})", "assert f(2) == [1, 2, 3]"),
    ("print('seen', x)\n    return x", "assert f(4) == 4"),
    ("return 1 // (x - x)", "assert f(2) == 0"),
    ("return sum(range(x * 20000))", "assert f(3) > 0"),
    ("return {'a': x}['b']", "assert f(1) == 1"),
)


def score_rows(count: int, *, seed: int = 0, hangs: int = 0) -> list[dict[str, Any]]:
    """`count` score lines ``{id, program, tests}``; `hangs` of them never return."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        body, test = _BODIES[rng.randrange(len(_BODIES))]
        if index < hangs:
            body, test = "while True:\n        pass", "assert f(1) is None"
        program = f"def f(x):\n    {body}\n"
        rows.append({"id": f"p{index:04d}", "program": program, "tests": f"{test}\n"})
    rng.shuffle(rows)
    return rows


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write one JSON object a line."""
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def results(path: Path) -> dict[str, Any]:
    """The output file's lines by id without what is measured (seconds, memory) or what the
    node's isolation is: what must not depend on the executor. Raises if an id is written
    twice."""
    by_id: dict[str, Any] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = json.loads(raw)
        assert line["id"] not in by_id, f"id {line['id']} written twice"
        line.pop("measured")
        line["result"] = without_node_warnings(line.get("result"))
        by_id[line["id"]] = line
    return by_id


def without_node_warnings(result: Any) -> Any:
    """`result` without "sandbox degraded" warnings: which isolation features a node has (a
    writable memory or pids cgroup at that moment) is the node's, not the item's."""
    if isinstance(result, dict) and isinstance(result.get("warnings"), list):
        kept = [w for w in result["warnings"] if not str(w).startswith("sandbox degraded:")]
        return {**result, "warnings": kept}
    return result


def same_results(got: Mapping[Any, Any], expected: Mapping[Any, Any]) -> str:
    """A unified diff of two `results` (empty when equal), for an assertion message that
    shows which field of which line differs."""
    import difflib

    def text(lines: Mapping[Any, Any]) -> list[str]:
        return json.dumps(lines, indent=1, sort_keys=True, default=str).splitlines()

    return "\n".join(difflib.unified_diff(text(expected), text(got), lineterm="", n=2))
