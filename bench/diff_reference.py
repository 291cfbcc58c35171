"""The behaviour diff against the reference solution (issue 24, item 6), hidden-examples regime.

For HumanEval and MBPP, OLD is the task's reference solution and NEW is one real model sample
from ``bench/out`` (``python bench/behaviour_data.py --data ../shared/data --out bench/out``
pools them, with the re-executed labels). Nothing else reaches the engine: no tests, no
docstring examples (they are removed from every docstring and module-level string of both
versions, as `strip_examples` does for the selection bench's hidden regime). What the
sample's own code calls at module level stays: that is part of the sample.

* OLD, HumanEval: the prompt + the canonical solution; MBPP: the original MBPP ``code``
  (the reference of the asserts the labels come from), the function its asserts call
  renamed to the typed prompts' entry point where the names differ (``is_Product_Even``);
  with ``--mbpp-stated-signature``, also given the typed prompt's annotations (position by
  position) and its docstring (the task's text, examples removed like every docstring):
  the reference as its task states it, as HumanEval's OLD is.
* Both versions start with ``from typing import *``, the convention the labels were
  re-executed with (samples use ``List`` without importing it).
* A NEW that does not parse, or lacks the entry point, is a difference the diff reports
  without running anything (engine ``static``: "raises SyntaxError at import", "function
  removed"); it counts as found, and apart (``static_found``).
* ``found``: the diff reports a counterexample on which OLD returned a value (the input is
  in the reference's domain) and that is inside the domain OLD's docstring states. A
  difference only on inputs where OLD raises is counted apart (``old_raises_only``: the
  task never allows an input its reference rejects), and so is one only outside the stated
  domain (``outside_domain_only``: the diff reports it as information).

Figures per benchmark, over distinct programs (a program submitted k times has one label
and one verdict) and weighted by submissions:

* recall: failing programs found different (each with a counterexample);
* false differences: passing programs found different;
* symbolic: differences only the symbolic engine found; pairs where it ran;
* seconds per pair (wall clock, median and mean).

The subset: per benchmark, distinct programs drawn task by task in a seeded order
(round-robin over tasks, each task's programs shuffled), so every task is represented
before any gets a second program; ``--limit 0`` runs the full pool.

Usage::

    python bench/diff_reference.py --limit 600 --seed 0 --json bench/results/diff_reference.json
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from assay.behaviour.diff import diff_sources
from assay.behaviour.spec import strip_examples
from assay.benchmarks.humaneval import load_humaneval
from assay.sandbox import Sandbox

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
PREAMBLE = "from typing import *\n"


@dataclass(frozen=True)
class Pair:
    """One distinct program of a task, with its label and how many samples submitted it."""

    benchmark: str
    task_id: str
    entry: str
    old: str
    new: str
    passed: bool
    samples: int
    first_index: int


@dataclass(frozen=True)
class Verdict:
    """What the diff said about one pair."""

    task_id: str
    first_index: int
    passed: bool
    samples: int
    #: found | old_raises_only | outside_domain_only | equivalent | unverified | error
    outcome: str
    engines: tuple[str, ...]
    symbolic_found: bool
    inputs_tried: int
    seconds: float
    counterexample: str
    kinds: tuple[str, ...]
    detail: str


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def hide_examples(source: str, entry: str) -> str:
    """`source` with the examples removed from every docstring and module-level string
    (code lines are never touched: `strip_examples` alone would also drop a code line that
    looks like ``f(x) == y``)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source
    lines = source.splitlines(keepends=True)
    spans = sorted(
        (node.lineno, node.end_lineno or node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )
    for start, end in reversed(spans):
        text = "".join(lines[start - 1 : end])
        stripped = strip_examples(text, entry)
        lines[start - 1 : end] = [stripped if stripped.endswith("\n") else stripped + "\n"]
    return "".join(lines)


def _renamed(code: str, entry: str, tests: list[str]) -> str:
    """The MBPP reference with the function its asserts call renamed to `entry` (the typed
    prompts call ``is_Product_Even`` ``is_product_even``, Mbpp/160's ``solution``
    ``find_solution``)."""
    called = (
        re.match(r"\s*assert\s+(?:not\s+)?\(?\s*([A-Za-z_]\w*)\s*\(", tests[0]) if tests else None
    )
    defined = {n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}
    if entry in defined or called is None or called.group(1) not in defined:
        return code
    return re.sub(rf"\b{re.escape(called.group(1))}\b", entry, code)


def with_stated_signature(code: str, entry: str, prompt: str) -> str:
    """The MBPP reference `code` with the typed prompt's annotations (position by position,
    when both take as many parameters) and its docstring (the task's text): the reference
    as its task states it, as HumanEval's prompt + canonical solution is."""
    try:
        tree, stated = ast.parse(code), ast.parse(prompt)
    except SyntaxError:
        return code
    function = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == entry), None
    )
    typed = next(
        (n for n in stated.body if isinstance(n, ast.FunctionDef) and n.name == entry), None
    )
    if function is None or typed is None:
        return code
    mine = [*function.args.posonlyargs, *function.args.args]
    theirs = [*typed.args.posonlyargs, *typed.args.args]
    if len(mine) == len(theirs):
        for arg, annotated in zip(mine, theirs, strict=True):
            arg.annotation = annotated.annotation
        function.returns = typed.returns
    docstring = ast.get_docstring(typed)
    if docstring and ast.get_docstring(function) is None:
        function.body.insert(0, ast.Expr(ast.Constant(docstring)))
    return ast.unparse(tree) + "\n"


def references(
    benchmark: str, data: Path, *, stated_signature: bool = False
) -> dict[str, tuple[str, str]]:
    """``task_id -> (entry point, OLD source)`` in the hidden-examples regime (for MBPP with
    `stated_signature`, the reference under the typed prompt's signature and text)."""
    found: dict[str, tuple[str, str]] = {}
    if benchmark == "humaneval":
        for task_id, problem in load_humaneval().items():
            source = problem.prompt + problem.canonical_solution
            found[task_id] = (problem.entry_point, source)
        return found
    typed = {row["task_id"]: row for row in _rows(HERE / "out" / "mbpp_typed_problems.jsonl")}
    for row in _rows(data / "mbpp_problems" / "mbpp.jsonl.gz"):
        task_id = f"Mbpp/{row['task_id']}"
        if task_id in typed:
            entry = typed[task_id]["entry_point"]
            setup = row.get("test_setup_code") or ""
            code = _renamed(row["code"], entry, row.get("test_list") or [])
            if stated_signature:
                code = with_stated_signature(code, entry, typed[task_id]["prompt"])
            found[task_id] = (entry, setup + "\n" + code)
    return found


def pairs(benchmark: str, data: Path, out: Path, *, stated_signature: bool = False) -> list[Pair]:
    """Every distinct (task, program) of the pooled samples with its label."""
    refs = references(benchmark, data, stated_signature=stated_signature)
    labels = {
        (row["task_id"], int(row["sample_index"])): bool(row["passed"])
        for row in _rows(out / f"{benchmark}_pooled_labels.jsonl")
    }
    per_task: dict[str, int] = defaultdict(int)
    grouped: dict[tuple[str, str], list[int]] = {}
    for row in _rows(out / f"{benchmark}_pooled.jsonl"):
        task_id = row["task_id"]
        index = per_task[task_id]
        per_task[task_id] += 1
        if task_id in refs:
            grouped.setdefault((task_id, row["solution"].rstrip() + "\n"), []).append(index)
    made: list[Pair] = []
    for (task_id, program), indices in grouped.items():
        entry, reference = refs[task_id]
        verdicts = {labels[(task_id, i)] for i in indices if (task_id, i) in labels}
        if len(verdicts) != 1:
            continue  # unlabelled, or one program with two labels (a flaky test)
        made.append(
            Pair(
                benchmark=benchmark,
                task_id=task_id,
                entry=entry,
                old=PREAMBLE + hide_examples(reference, entry),
                new=PREAMBLE + hide_examples(program, entry),
                passed=verdicts.pop(),
                samples=len(indices),
                first_index=indices[0],
            )
        )
    return made


def subset(all_pairs: list[Pair], limit: int, seed: int) -> list[Pair]:
    """`limit` pairs drawn round-robin over tasks in a seeded order (0: all of them)."""
    if limit <= 0 or limit >= len(all_pairs):
        return list(all_pairs)
    rng = random.Random(seed)
    by_task: dict[str, list[Pair]] = defaultdict(list)
    for pair in all_pairs:
        by_task[pair.task_id].append(pair)
    tasks = sorted(by_task)
    rng.shuffle(tasks)
    for task in tasks:
        rng.shuffle(by_task[task])
    chosen: list[Pair] = []
    round_ = 0
    while len(chosen) < limit:
        added = False
        for task in tasks:
            if round_ < len(by_task[task]) and len(chosen) < limit:
                chosen.append(by_task[task][round_])
                added = True
        if not added:
            break
        round_ += 1
    return chosen


def judge(pair: Pair, sandbox: Sandbox, symbolic_timeout_s: float, seed: int) -> Verdict:
    """Diff one pair and classify it."""
    started = time.perf_counter()
    try:
        diff = diff_sources(
            pair.old,
            pair.new,
            entry_points=[pair.entry],
            performance=False,
            symbolic_timeout_s=symbolic_timeout_s,
            seed=seed,
            sandbox=sandbox,
        )
    except Exception as error:  # noqa: BLE001 - one pair's failure is a row of the report
        return Verdict(
            pair.task_id,
            pair.first_index,
            pair.passed,
            pair.samples,
            "error",
            (),
            False,
            0,
            time.perf_counter() - started,
            "",
            (),
            f"{type(error).__name__}: {error}",
        )
    seconds = time.perf_counter() - started
    result = next((p for p in diff.pairs if pair.entry in (p.old, p.new)), None)
    if result is None and pair.entry in diff.unchanged:
        # The same code as the reference (and the same dependencies): not run, equivalent.
        return Verdict(
            pair.task_id,
            pair.first_index,
            pair.passed,
            pair.samples,
            "equivalent",
            ("unchanged",),
            False,
            0,
            seconds,
            "",
            (),
            "the code is the reference's",
        )
    if result is None:
        reasons = [u.reason for u in diff.unverified] + list(diff.errors)
        outcome = "error" if diff.errors else "unverified"
        return Verdict(
            pair.task_id,
            pair.first_index,
            pair.passed,
            pair.samples,
            outcome,
            (),
            False,
            0,
            seconds,
            "",
            (),
            "; ".join(reasons)[:300],
        )
    answered = [c for c in result.counterexamples if not c.old.startswith("raises ")]
    in_domain = [c for c in answered if not c.outside_domain]
    if in_domain:
        outcome = "found"
    elif answered:
        outcome = "outside_domain_only"
    elif result.counterexamples:
        outcome = "old_raises_only"
    else:
        outcome = "equivalent"
    shown = in_domain or answered or list(result.counterexamples)
    first = shown[0] if shown else None
    return Verdict(
        task_id=pair.task_id,
        first_index=pair.first_index,
        passed=pair.passed,
        samples=pair.samples,
        outcome=outcome,
        engines=result.engines,
        symbolic_found=bool(in_domain) and all(c.engine == "symbolic" for c in in_domain),
        inputs_tried=result.inputs_tried,
        seconds=seconds,
        counterexample=(
            f"{first.input}: {first.old[:120]} -> {first.new[:120]} [{first.engine}, {first.kind}]"
            if first
            else ""
        ),
        kinds=tuple(sorted({c.kind for c in in_domain})),
        detail=(first.outside_domain + "; " if first and first.outside_domain else "")
        + result.coverage,
    )


def summary(verdicts: list[Verdict]) -> dict[str, Any]:
    """Recall, false differences and the rest, by distinct program and by sample."""
    figures: dict[str, Any] = {}
    for weighting in ("programs", "samples"):

        def weight(v: Verdict, weighting: str = weighting) -> int:
            return v.samples if weighting == "samples" else 1

        failing = [v for v in verdicts if not v.passed]
        passing = [v for v in verdicts if v.passed]
        found_failing = sum(weight(v) for v in failing if v.outcome == "found")
        found_passing = sum(weight(v) for v in passing if v.outcome == "found")
        total_failing = sum(weight(v) for v in failing)
        total_passing = sum(weight(v) for v in passing)
        figures[weighting] = {
            "failing": total_failing,
            "passing": total_passing,
            "recall": round(found_failing / total_failing, 4) if total_failing else None,
            "false_differences": (
                round(found_passing / total_passing, 4) if total_passing else None
            ),
            "old_raises_only": {
                "failing": sum(weight(v) for v in failing if v.outcome == "old_raises_only"),
                "passing": sum(weight(v) for v in passing if v.outcome == "old_raises_only"),
            },
            "outside_domain_only": {
                "failing": sum(weight(v) for v in failing if v.outcome == "outside_domain_only"),
                "passing": sum(weight(v) for v in passing if v.outcome == "outside_domain_only"),
            },
            "static_found": {
                "failing": sum(
                    weight(v) for v in failing if v.outcome == "found" and v.engines == ("static",)
                ),
                "passing": sum(
                    weight(v) for v in passing if v.outcome == "found" and v.engines == ("static",)
                ),
            },
            "unverified_or_error": {
                "failing": sum(weight(v) for v in failing if v.outcome in ("unverified", "error")),
                "passing": sum(weight(v) for v in passing if v.outcome in ("unverified", "error")),
            },
        }
    seconds = [v.seconds for v in verdicts]
    figures["pairs"] = len(verdicts)
    figures["symbolic_ran"] = sum("symbolic" in v.engines for v in verdicts)
    figures["symbolic_found"] = {
        "failing": sum(v.symbolic_found for v in verdicts if not v.passed),
        "passing": sum(v.symbolic_found for v in verdicts if v.passed),
    }
    figures["kinds_on_passing"] = _count(k for v in verdicts if v.passed for k in v.kinds)
    figures["kinds_on_failing"] = _count(k for v in verdicts if not v.passed for k in v.kinds)
    figures["misses_by_reason"] = _count(
        miss_reason(v) for v in verdicts if not v.passed and v.outcome != "found"
    )
    figures["false_differences_by_class"] = _count(
        false_difference_class(v) for v in verdicts if v.passed and v.outcome == "found"
    )
    figures["seconds_per_pair"] = {
        "median": round(statistics.median(seconds), 2) if seconds else None,
        "mean": round(statistics.mean(seconds), 2) if seconds else None,
        "max": round(max(seconds), 2) if seconds else None,
    }
    return figures


def miss_reason(verdict: Verdict) -> str:
    """Why a failing program was not found different, in a few classes."""
    if verdict.outcome == "unverified":
        if "no annotation" in verdict.detail:
            return "not run: no annotation and no input to take types from"
        if "raised on every input" in verdict.detail:
            return "not run: the reference raised on every input (argument types guessed wrong)"
        return "not run: " + verdict.detail[:60]
    if verdict.outcome == "outside_domain_only":
        return "differs only outside the domain the reference's docstring states"
    if verdict.outcome == "error":
        return "diff failed: " + verdict.detail[:60]
    if verdict.outcome == "old_raises_only":
        return "differs only where the reference raises"
    if verdict.engines == ("unchanged",):
        return "same code as the reference"
    if verdict.detail.startswith("0 returned"):
        return "the reference raised on every input (argument types guessed wrong)"
    if verdict.inputs_tried <= 3:
        return "at most 3 inputs generated"
    return "no generated input told them apart"


def false_difference_class(verdict: Verdict) -> str:
    """What kind of input a passing program was found different on, in a few classes."""
    text = verdict.counterexample
    call = text.split(": ", 1)[0]
    if verdict.kinds == ("mutation",):
        return "argument mutation only (the tests do not look)"
    if verdict.kinds == ("output",):
        return "printed output only"
    if re.search(r"[^\x00-\x7f]|\\x|\\u", call):
        return "non-ASCII or control characters"
    if re.search(r"\(\)|''|\[\]|\(0[,)]|, 0[,)]|[(\[ ]-\d|\(0\.0", call):
        return "empty, zero or negative argument"
    if " -> raises" in text:
        return "new raises where the reference answers"
    return "another value on another input"


def _count(items: Iterator[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item] += 1
    return dict(sorted(counts.items()))


def run(
    benchmark: str,
    *,
    data: Path,
    out: Path,
    limit: int,
    seed: int,
    symbolic_timeout_s: float,
    threads: int,
    details: Path | None,
    stated_signature: bool = False,
) -> dict[str, Any]:
    """Judge the subset of one benchmark; write each verdict to `details` as it comes."""
    pool = pairs(benchmark, data, out, stated_signature=stated_signature)
    chosen = subset(pool, limit, seed)
    verdicts: list[Verdict] = []
    lock = threading.Lock()
    handle = details.open("w", encoding="utf-8") if details else None
    started = time.perf_counter()
    try:
        with Sandbox(workers=threads) as sandbox, ThreadPoolExecutor(threads) as executor:
            for verdict in executor.map(
                lambda p: judge(p, sandbox, symbolic_timeout_s, seed), chosen
            ):
                with lock:
                    verdicts.append(verdict)
                    if handle:
                        handle.write(json.dumps(asdict(verdict)) + "\n")
                        handle.flush()
                if len(verdicts) % 50 == 0:
                    print(
                        f"  {benchmark}: {len(verdicts)}/{len(chosen)} "
                        f"({time.perf_counter() - started:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        if handle:
            handle.close()
    figures = summary(verdicts)
    figures.update(
        {
            "benchmark": benchmark,
            "pool_programs": len(pool),
            "pool_samples": sum(p.samples for p in pool),
            "subset_programs": len(chosen),
            "subset_tasks": len({p.task_id for p in chosen}),
            "seed": seed,
            "symbolic_timeout_s": symbolic_timeout_s,
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks asked for and print (and write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("humaneval", "mbpp"), default=None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--limit", type=int, default=600, help="programs per benchmark; 0: all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--symbolic-timeout", type=float, default=4.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--mbpp-stated-signature",
        action="store_true",
        help="give MBPP's reference the typed prompt's annotations and text (as HumanEval's has)",
    )
    parser.add_argument(
        "--summarise",
        type=Path,
        default=None,
        help="print the figures of a details file written by an earlier run, and stop",
    )
    args = parser.parse_args(argv)
    if args.summarise:
        rows = [Verdict(**json.loads(line)) for line in args.summarise.open(encoding="utf-8")]
        rows = [replace(v, engines=tuple(v.engines), kinds=tuple(v.kinds)) for v in rows]
        print(json.dumps(summary(rows), indent=2))
        return 0
    results = {}
    suffix = "_stated_signature" if args.mbpp_stated_signature else ""
    for benchmark in (args.only,) if args.only else ("humaneval", "mbpp"):
        results[benchmark] = run(
            benchmark,
            data=args.data,
            out=args.out,
            limit=args.limit,
            seed=args.seed,
            symbolic_timeout_s=args.symbolic_timeout,
            threads=args.threads,
            details=args.out / f"diff_reference_{benchmark}{suffix}_details.jsonl",
            stated_signature=args.mbpp_stated_signature,
        )
        results[benchmark]["mbpp_stated_signature"] = args.mbpp_stated_signature
        print(json.dumps(results[benchmark], indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
