"""The behaviour diff on the refactor corpus: expected verdict against found, per pair.

Usage::

    python bench/diff_refactors.py                 # table on stdout
    python bench/diff_refactors.py --json out.json # and every row as JSON
    python bench/diff_refactors.py --no-symbolic   # the random engine alone

Each file of ``tests/corpus/refactors/`` is one realistic function before (`# --- old`) and
after (`# --- new`) an edit, with its truth in the header (`# expect: equivalent|changed`,
`# input:` the class of inputs that tell the versions apart, `# witness:` one such
argument tuple; see the corpus README). Each pair is diffed with `assay.behaviour.diff.
diff_sources` on its entry point alone, nothing else given (no tests, no examples).

Columns: expected and found verdict, the engines that ran, the inputs tried, the seconds of
the diff, and the first counterexample. A verdict is ``changed`` when the diff reports a
counterexample, ``equivalent`` when it reports none, ``unverified``/``error`` when it could not
compare the pair. A pair the engine is known to get wrong says why in `# known miss:`; exit
status 1 when a verdict differs from what the corpus records.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assay.behaviour.diff import diff_sources
from assay.sandbox import Sandbox

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "refactors"
_HEADER = re.compile(r"^# (entry|expect|input|witness|edit|known miss): (.*)$")
VERDICTS = ("equivalent", "changed")


@dataclass(frozen=True)
class Refactor:
    """One corpus pair and its stated truth."""

    name: str
    entry: str
    expect: str
    input_class: str
    witness: tuple[Any, ...] | None
    edit: str
    old: str
    new: str
    #: why the engine is known to get this pair wrong ("" when it gets it right)
    known_miss: str = ""


@dataclass(frozen=True)
class Row:
    """What the diff said about one pair."""

    name: str
    expect: str
    found: str
    engines: tuple[str, ...]
    inputs_tried: int
    seconds: float
    counterexample: str
    detail: str
    known_miss: str = ""

    @property
    def agrees(self) -> bool:
        """Whether the verdict is the expected one."""
        return self.found == self.expect

    @property
    def as_recorded(self) -> bool:
        """Whether the verdict is what the corpus records: right, or a known miss still missed."""
        return self.agrees != bool(self.known_miss)


def load(path: Path) -> Refactor:
    """Parse one corpus file (header lines, then OLD up to ``# --- new``, then NEW)."""
    text = path.read_text(encoding="utf-8")
    if "# --- old\n" not in text or "# --- new\n" not in text:
        raise ValueError(f"{path.name}: needs '# --- old' and '# --- new' marker lines")
    header, rest = text.split("# --- old\n", 1)
    old, new = rest.split("# --- new\n", 1)
    fields: dict[str, str] = {}
    for line in header.splitlines():
        match = _HEADER.match(line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
    if fields.get("expect") not in VERDICTS or "entry" not in fields:
        raise ValueError(f"{path.name}: needs '# entry: NAME' and '# expect: equivalent|changed'")
    witness = ast.literal_eval(fields["witness"]) if "witness" in fields else None
    if fields["expect"] == "changed" and not isinstance(witness, tuple):
        raise ValueError(f"{path.name}: a changed pair needs '# witness: (args, ...)'")
    return Refactor(
        name=path.stem,
        entry=fields["entry"],
        expect=fields["expect"],
        input_class=fields.get("input", ""),
        witness=witness,
        edit=fields.get("edit", ""),
        old=old,
        new=new,
        known_miss=fields.get("known miss", ""),
    )


def load_corpus(directory: Path = CORPUS) -> list[Refactor]:
    """Every pair of the corpus, by file name."""
    return [load(path) for path in sorted(directory.glob("*.py"))]


def judge(pair: Refactor, *, sandbox: Sandbox, symbolic: bool = True, seed: int = 0) -> Row:
    """Diff one pair on its entry point and classify the result."""
    started = time.perf_counter()
    diff = diff_sources(
        pair.old,
        pair.new,
        entry_points=[pair.entry],
        symbolic=symbolic,
        performance=False,
        seed=seed,
        sandbox=sandbox,
    )
    seconds = time.perf_counter() - started
    result = next((p for p in diff.pairs if pair.entry in (p.old, p.new)), None)
    if result is None:
        reasons = [u.reason for u in diff.unverified] + list(diff.errors)
        found = "error" if diff.errors else "unverified"
        return Row(
            pair.name, pair.expect, found, (), 0, seconds, "", "; ".join(reasons), pair.known_miss
        )
    first = result.counterexamples[0] if result.counterexamples else None
    return Row(
        name=pair.name,
        expect=pair.expect,
        found="equivalent" if result.equivalent else "changed",
        engines=result.engines,
        inputs_tried=result.inputs_tried,
        seconds=seconds,
        counterexample=(
            f"{first.input}: {first.old} -> {first.new} [{first.engine}, {first.kind}]"
            if first
            else ""
        ),
        detail=result.coverage,
        known_miss=pair.known_miss,
    )


def run(*, symbolic: bool = True, seed: int = 0, directory: Path = CORPUS) -> list[Row]:
    """Judge every pair of the corpus in one sandbox."""
    with Sandbox(workers=2) as sandbox:
        return [
            judge(pair, sandbox=sandbox, symbolic=symbolic, seed=seed)
            for pair in load_corpus(directory)
        ]


def table(rows: list[Row]) -> str:
    """The rows as a fixed-width table with a summary line."""
    lines = [
        f"{'pair':<34} {'expected':<10} {'found':<10} {'engines':<16} {'inputs':>6} "
        f"{'s':>6}  counterexample"
    ]
    for row in rows:
        mark = "" if row.agrees else "  (known miss)" if row.known_miss else "  <-- MISMATCH"
        lines.append(
            f"{row.name:<34} {row.expect:<10} {row.found:<10} {'+'.join(row.engines):<16} "
            f"{row.inputs_tried:>6} {row.seconds:>6.2f}  {row.counterexample[:90]}{mark}"
        )
    agree = sum(row.agrees for row in rows)
    changed = [r for r in rows if r.expect == "changed"]
    equivalent = [r for r in rows if r.expect == "equivalent"]
    symbolic = sum("symbolic" in r.counterexample for r in rows if r.found == "changed")
    lines.append(
        f"\n{agree}/{len(rows)} verdicts as expected; changed found "
        f"{sum(r.found == 'changed' for r in changed)}/{len(changed)}, equivalent kept "
        f"{sum(r.found == 'equivalent' for r in equivalent)}/{len(equivalent)}; "
        f"{symbolic} found by the symbolic engine; "
        f"{sum(r.seconds for r in rows):.1f} s in all"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the table (and write JSON when asked); 1 when a verdict is not the recorded one
    (a wrong verdict not marked as a known miss, or a known miss the engine now gets right)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-symbolic", action="store_true", help="the random engine alone")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="write every row here as JSON")
    args = parser.parse_args(argv)
    rows = run(symbolic=not args.no_symbolic, seed=args.seed)
    print(table(rows))
    if args.json:
        args.json.write_text(
            json.dumps([asdict(row) | {"agrees": row.agrees} for row in rows], indent=2) + "\n",
            encoding="utf-8",
        )
    return 0 if all(row.as_recorded for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
