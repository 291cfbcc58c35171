"""A bounded fuzz run of `assay.check_source` (issue 28 item 8): no input may cause an
internal error or an ill-formed report.

Usage::

    python bench/fuzz_check.py [--programs 2000] [--bytes 500] [--seed 0] [--dynamic]

Generates `--programs` valid Python programs with hypothesmith (half from the grammar, half
from libcst's node types, which reach deeper statements) and `--bytes` random byte strings
(decoded as Latin-1, so every byte becomes a character, NUL included), checks each in-process
with ``check_source(text, offline=True, dynamic=False)`` and prints the number of internal
errors (target 0) with the first inputs that caused each distinct one. `problems` is the
definition of a well-formed report that tests/test_fuzz.py uses too.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable

from assay import check_source
from assay.model import Report
from assay.report import FORMATS

#: FileError kinds that mean assay itself failed on the input, not that the input is bad.
INTERNAL_KINDS = frozenset({"internal", "rule"})
#: Line endings as the parser counts them (a form feed is not one).
_NEWLINE = re.compile(r"\r\n|\r|\n")


def problems(source: str, report: Report) -> list[str]:
    """What is wrong with `report` as the check of `source` (empty when well-formed): an
    internal or rule error, a finding outside the text, a renderer that fails, a report that
    does not survive its own JSON."""
    found = [
        f"{error.kind} error: {error.message}"
        for error in report.errors
        if error.kind in INTERNAL_KINDS
    ]
    lines = len(_NEWLINE.findall(source)) + 1
    for finding in report.findings:
        if not 1 <= finding.line <= lines + 1:
            found.append(f"{finding.rule} at line {finding.line} of a {lines}-line text")
    # `sources` is not serialised, so the round trip is judged on the JSON itself.
    dumped = report.model_dump_json()
    if Report.model_validate_json(dumped).model_dump_json() != dumped:
        found.append("the report does not survive a JSON round trip")
    for name, render in FORMATS.items():
        try:
            rendered = render(report)
        except Exception as error:  # noqa: BLE001 - a renderer's failure is what is sought
            found.append(f"render {name} raised {type(error).__name__}: {error}")
            continue
        if name in {"json", "sarif"}:
            json.loads(rendered)
    return found


def _programs(count: int, seed: int) -> list[str]:
    import hypothesmith

    half = count // 2
    return _examples(hypothesmith.from_grammar(), half, seed) + _examples(
        hypothesmith.from_node(), count - half, seed
    )


def _examples(strategy: object, wanted: int, seed: int) -> list[str]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as seeded

    batch: list[str] = []

    @seeded(seed)
    @settings(
        max_examples=wanted, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )
    @given(strategy)
    def draw(program: str) -> None:
        batch.append(program)

    draw()
    return batch[:wanted]


def _random_texts(count: int, seed: int) -> list[str]:
    import random

    generator = random.Random(seed)
    return [
        bytes(generator.randrange(256) for _ in range(generator.randrange(1, 400))).decode(
            "latin-1"
        )
        for _ in range(count)
    ]


def fuzz(
    inputs: list[str], *, dynamic: bool, log: Callable[[str], None] = print
) -> tuple[int, Counter[str], dict[str, str]]:
    """Check every input; the number of inputs with problems, the problems counted by their
    first line, and one input per distinct problem."""
    bad = 0
    counted: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for index, source in enumerate(inputs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                report = check_source(source, offline=True, dynamic=dynamic)
            except Exception as error:  # noqa: BLE001 - any escaped exception is a finding
                found = [f"check_source raised {type(error).__name__}: {error}"]
            else:
                found = problems(source, report)
        if found:
            bad += 1
            for problem in found:
                key = problem.splitlines()[0][:200]
                counted[key] += 1
                examples.setdefault(key, source)
        if (index + 1) % 250 == 0:
            log(f"  {index + 1} checked, {bad} with problems")
    return bad, counted, examples


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz campaign and print the count of internal errors; exit 1 if any."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=2000)
    parser.add_argument("--bytes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dynamic", action="store_true", help="run the sandboxed probes too")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    programs = _programs(args.programs, args.seed)
    texts = _random_texts(args.bytes, args.seed)
    print(f"generated {len(programs)} programs and {len(texts)} random texts", flush=True)
    total = 0
    for label, inputs in (("programs", programs), ("random bytes", texts)):
        bad, counted, examples = fuzz(inputs, dynamic=args.dynamic)
        total += bad
        print(f"{label}: {len(inputs)} checked, {bad} with an internal error or ill-formed report")
        for problem, count in counted.most_common():
            print(f"  {count:5} x {problem}")
            print("        first input: " + repr(examples[problem][:300]))
    print(f"{time.perf_counter() - started:.0f} s")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
