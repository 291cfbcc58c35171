"""assay and Bandit on a real-code corpus, every assay warning/error joined with a hand judgment.

Usage::

    python bench/realcode_corpus.py --no-dynamic                 # static run only
    python bench/realcode_corpus.py                              # static and default (dynamic) runs
    python bench/realcode_corpus.py --packages jinja2,black      # some packages; others kept
    python bench/realcode_corpus.py --report-only                # re-join the saved findings
    python bench/realcode_corpus.py --no-dynamic --untriaged-out /tmp/todo.toml

The corpus (issue 20 item 7; reused by issues 19 and 21) is the pinned list in
``bench/realcode/packages.toml``: popular pure-Python packages installed with
``pip install --no-deps --target`` into ``--corpus`` (default ``bench/out/realcode``) when they
are missing, and four standard-library packages copied from the running interpreter.

For each package, in the same run and on the same files, the script times ``assay check
--offline --no-ledger --format json`` (``--no-dynamic``, then the default run with the sandboxed
probes unless ``--no-dynamic`` is given) and ``bandit -r -f json``. It reports non-blank lines,
assay warnings+errors per 1,000 lines per family and per rule, Bandit MEDIUM/HIGH per 1,000
lines, and wall times.

Every assay warning/error is joined with ``bench/realcode/triage.toml``, whose entries are keyed by
(package, path inside the package, rule, enclosing function, hash of the stripped source line,
occurrence): line numbers are not part of the key, so a judgment survives edits elsewhere in the
file. Each entry says ``verdict = "true" | "deliberate" | "false-alarm"`` and a one-line reason.
The report gives the counts per verdict, the false alarms per 1,000 lines (targets: <= 0.10
overall, <= 0.02 from the dynamic families) and lists the findings nobody has judged yet.

Results go to ``bench/results/realcode_static.json`` and ``bench/results/realcode_dynamic.json``;
apart from the wall times they are deterministic (sorted findings, sorted keys).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # the project supports 3.10, where tomli is a dependency
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "bench" / "realcode" / "packages.toml"
TRIAGE = ROOT / "bench" / "realcode" / "triage.toml"
DEFAULT_CORPUS = ROOT / "bench" / "out" / "realcode"
RESULTS = ROOT / "bench" / "results"

VERDICTS = ("true", "deliberate", "false-alarm")
# Only these severities gate a merge (exit code 1 at the default --fail-on), so only these are
# judged and counted; `info` findings are listed in assay's report but do not cry wolf.
COUNTED_SEVERITIES = frozenset({"warning", "error"})
# Families whose findings come from running code in the sandbox.
DYNAMIC_FAMILIES = frozenset({"runtime", "disagreement"})
BANDIT_COUNTED = frozenset({"MEDIUM", "HIGH"})
TARGET_FALSE_ALARMS = 0.10
TARGET_DYNAMIC_FALSE_ALARMS = 0.02

Json = dict[str, Any]


@dataclass(frozen=True)
class Package:
    """One entry of the manifest: what to install (or copy) and which files to check."""

    name: str
    version: str
    stdlib: bool
    paths: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    pip_args: tuple[str, ...] = ()

    def install_dir(self, corpus: Path) -> Path:
        # The standard-library packages share one directory so their relative paths read like
        # imports (`json/decoder.py`), as the PyPI packages' do.
        return corpus / ("stdlib" if self.stdlib else self.name)


def load_manifest(path: Path = MANIFEST) -> list[Package]:
    """The packages of the corpus, in the manifest's order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    python = str(data["python"])
    packages = [
        Package(
            name=str(entry["name"]),
            version=str(entry["version"]),
            stdlib=False,
            paths=tuple(entry["paths"]),
            exclude=tuple(entry.get("exclude", ())),
            pip_args=tuple(entry.get("pip_args", ())),
        )
        for entry in data.get("package", [])
    ]
    packages += [
        Package(name=str(entry["name"]), version=python, stdlib=True, paths=(str(entry["name"]),))
        for entry in data.get("stdlib", [])
    ]
    return packages


def ensure_package(package: Package, corpus: Path) -> Path:
    """The install directory of `package`, installing or copying it first if it is missing."""
    root = package.install_dir(corpus)
    if all((root / p).exists() for p in package.paths):
        return root
    if package.stdlib:
        running = ".".join(map(str, sys.version_info[:3]))
        if running != package.version:
            print(
                f"note: copying {package.name} from Python {running}; the manifest's figures "
                f"were taken with {package.version}",
                file=sys.stderr,
            )
        source = Path(sysconfig.get_paths()["stdlib"]) / package.name
        shutil.copytree(
            source, root / package.name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        return root
    # A half-finished install would be trusted by the check above next time: start clean.
    shutil.rmtree(root, ignore_errors=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(root),
        *package.pip_args,
        f"{package.name}=={package.version}",
    ]
    subprocess.run(command, check=True)
    return root


def corpus_files(package: Package, root: Path) -> list[str]:
    """The checked files of `package`, as sorted POSIX paths relative to its install directory."""
    found: set[str] = set()
    for entry in package.paths:
        target = root / entry
        candidates = [target] if target.is_file() else target.rglob("*.py")
        for path in candidates:
            relative = path.relative_to(root).as_posix()
            if "__pycache__" not in relative and relative not in package.exclude:
                found.add(relative)
    return sorted(found)


def count_lines(path: Path) -> int:
    """Non-blank lines of `path` (the unit of every per-1,000-lines figure)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return sum(1 for line in text.splitlines() if line.strip())


def line_hash(source_line: str) -> str:
    """A short, stable fingerprint of one stripped source line."""
    return hashlib.sha256(source_line.strip().encode("utf-8")).hexdigest()[:12]


def _run(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> float:
    start = time.perf_counter()
    completed = subprocess.run(
        list(command), cwd=cwd, env=dict(env), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    # Both tools exit 1 when they found something; anything else is a failed run, and a figure
    # computed from a failed run would be wrong, not merely incomplete.
    if completed.returncode not in (0, 1):
        raise SystemExit(
            f"{' '.join(command[:6])} ... failed ({completed.returncode}) in {cwd}:\n"
            f"{completed.stderr[-3000:]}"
        )
    return elapsed


def _assay_env() -> dict[str, str]:
    env = dict(os.environ)
    # Measure the assay of this checkout, not whatever is installed.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    env["ASSAY_NO_LEDGER"] = "1"
    env["PYTHONHASHSEED"] = "0"
    return env


def run_assay(files: Sequence[str], root: Path, dynamic: bool) -> tuple[Json, float]:
    """assay's JSON report on `files` (relative to `root`) and the wall time of the run."""
    with tempfile.TemporaryDirectory(prefix="realcode-assay-") as scratch:
        out = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "assay", "check", *files, "--offline", "--no-ledger"]
        command += ["--format", "json", "--output", str(out)]
        if not dynamic:
            command.append("--no-dynamic")
        seconds = _run(command, root, _assay_env())
        return json.loads(out.read_text(encoding="utf-8")), seconds


def run_bandit(files: Sequence[str], root: Path) -> tuple[Json, float]:
    """Bandit's JSON report on `files` (relative to `root`) and the wall time of the run."""
    with tempfile.TemporaryDirectory(prefix="realcode-bandit-") as scratch:
        out = Path(scratch) / "bandit.json"
        command = [sys.executable, "-m", "bandit", "-r", "-q", "-f", "json", "-o", str(out)]
        seconds = _run([*command, *files], root, os.environ)
        return json.loads(out.read_text(encoding="utf-8")), seconds


def _relative(path: str, root: Path) -> str:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    return candidate.resolve().relative_to(root.resolve()).as_posix()


def _source_line(root: Path, relative: str, line: int, cache: dict[str, list[str]]) -> str:
    if relative not in cache:
        text = (root / relative).read_text(encoding="utf-8", errors="replace")
        cache[relative] = text.splitlines()
    lines = cache[relative]
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def counted_findings(package: str, report: Json, root: Path) -> list[Json]:
    """assay's warnings and errors in `report`, each with its stable triage key, sorted."""
    cache: dict[str, list[str]] = {}
    rows: list[Json] = []
    for finding in report["findings"]:
        if finding["severity"] not in COUNTED_SEVERITIES:
            continue
        relative = _relative(finding["path"], root)
        line = int(finding.get("line") or 0)
        source = _source_line(root, relative, line, cache)
        rows.append(
            {
                "package": package,
                "path": relative,
                "rule": finding["rule"],
                "family": finding["family"],
                "severity": finding["severity"],
                "function": finding.get("function") or "",
                "line": line,
                "source": source,
                "line_hash": line_hash(source),
                "message": finding["message"],
            }
        )
    return assign_occurrences(rows)


def _base_key(row: Mapping[str, Any]) -> tuple[str, str, str, str, str]:
    return (row["package"], row["path"], row["rule"], row["function"], row["line_hash"])


def assign_occurrences(rows: Iterable[Json]) -> list[Json]:
    """Sort `rows` and number the ones that share a key (`except Exception:` twice in a function)."""
    ordered = sorted(rows, key=lambda r: (_base_key(r), r["line"], r["message"]))
    seen: Counter[tuple[str, str, str, str, str]] = Counter()
    for row in ordered:
        seen[_base_key(row)] += 1
        row["occurrence"] = seen[_base_key(row)]
    return sorted(ordered, key=lambda r: (r["package"], r["path"], r["line"], r["rule"]))


def triage_key(row: Mapping[str, Any]) -> tuple[str, str, str, str, str, int]:
    return (*_base_key(row), int(row.get("occurrence", 1)))


def load_triage(path: Path) -> dict[tuple[str, str, str, str, str, int], Json]:
    """The hand judgments of `path`, by key; a malformed entry stops the run rather than skew it."""
    if not path.exists():
        return {}
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("finding", [])
    judged: dict[tuple[str, str, str, str, str, int], Json] = {}
    for entry in entries:
        if entry.get("verdict") not in VERDICTS or not str(entry.get("reason", "")).strip():
            raise SystemExit(f"{path}: entry without a valid verdict and reason: {entry}")
        key = triage_key(entry)
        if key in judged:
            raise SystemExit(f"{path}: two entries for {key}")
        judged[key] = entry
    return judged


def join_triage(rows: Iterable[Json], judged: Mapping[tuple[Any, ...], Json]) -> list[Json]:
    """`rows` with the verdict and reason of their triage entry (None when not judged yet)."""
    joined = []
    for row in rows:
        entry = judged.get(triage_key(row))
        joined.append(
            {
                **row,
                "verdict": entry["verdict"] if entry else None,
                "reason": entry["reason"] if entry else None,
            }
        )
    return joined


def per_kloc(count: int, lines: int) -> float:
    return round(1000 * count / lines, 3) if lines else 0.0


def bandit_counted(report: Json) -> int:
    return sum(1 for r in report.get("results", []) if r["issue_severity"] in BANDIT_COUNTED)


def summarise(packages: Sequence[Json]) -> Json:
    """Totals, rates and the triage figures of the per-package records of one run."""
    lines = sum(p["lines"] for p in packages)
    findings = [f for p in packages for f in p["findings"]]
    families = Counter(f["family"] for f in findings)
    rules = Counter(f["rule"] for f in findings)
    verdicts = Counter(f["verdict"] or "untriaged" for f in findings)
    false_alarms = [f for f in findings if f["verdict"] == "false-alarm"]
    dynamic_false = [f for f in false_alarms if f["family"] in DYNAMIC_FAMILIES]
    bandit = sum(p["bandit_medium_high"] for p in packages)
    return {
        "lines": lines,
        "files": sum(p["files"] for p in packages),
        "findings": len(findings),
        "findings_per_kloc": per_kloc(len(findings), lines),
        "per_family": {
            k: {"count": v, "per_kloc": per_kloc(v, lines)} for k, v in families.items()
        },
        "per_rule": {k: {"count": v, "per_kloc": per_kloc(v, lines)} for k, v in rules.items()},
        "per_rule_verdict": {
            rule: dict(Counter(f["verdict"] or "untriaged" for f in findings if f["rule"] == rule))
            for rule in rules
        },
        "bandit_medium_high": bandit,
        "bandit_per_kloc": per_kloc(bandit, lines),
        "verdicts": {v: verdicts.get(v, 0) for v in (*VERDICTS, "untriaged")},
        "false_alarms_per_kloc": per_kloc(len(false_alarms), lines),
        "dynamic_false_alarms_per_kloc": per_kloc(len(dynamic_false), lines),
        "targets": {
            "false_alarms_per_kloc": TARGET_FALSE_ALARMS,
            "dynamic_false_alarms_per_kloc": TARGET_DYNAMIC_FALSE_ALARMS,
        },
        "seconds": {
            key: round(sum(p["seconds"][key] for p in packages), 2) for key in ("assay", "bandit")
        },
    }


def package_record(
    package: Package, root: Path, files: Sequence[str], assay: Json, bandit: Json, seconds: Json
) -> Json:
    """What one run found in one package (findings not yet joined with the triage)."""
    lines = sum(count_lines(root / f) for f in files)
    bandit_rules = Counter(
        r["test_id"] for r in bandit.get("results", []) if r["issue_severity"] in BANDIT_COUNTED
    )
    return {
        "package": package.name,
        "version": package.version,
        "stdlib": package.stdlib,
        "files": len(files),
        "lines": lines,
        "findings": counted_findings(package.name, assay, root),
        "assay_run_errors": len(assay.get("errors", [])),
        "bandit_medium_high": bandit_counted(bandit),
        "bandit_per_rule": dict(sorted(bandit_rules.items())),
        "seconds": seconds,
    }


def render(summary: Json, packages: Sequence[Json], label: str, limit: int = 40) -> str:
    """A plain-text report of one run."""
    out = [f"== {label} run: {summary['files']} files, {summary['lines']} non-blank lines =="]
    out.append(
        f"{'package':<18}{'version':>18}{'lines':>8}{'assay':>7}{'/kLOC':>8}"
        f"{'bandit':>8}{'/kLOC':>8}{'assay s':>9}{'bandit s':>9}"
    )
    for p in packages:
        n = len(p["findings"])
        out.append(
            f"{p['package']:<18}{p['version']:>18}{p['lines']:>8}{n:>7}"
            f"{per_kloc(n, p['lines']):>8.3f}{p['bandit_medium_high']:>8}"
            f"{per_kloc(p['bandit_medium_high'], p['lines']):>8.3f}"
            f"{p['seconds']['assay']:>9.1f}{p['seconds']['bandit']:>9.1f}"
        )
    out.append(
        f"{'total':<18}{'':>18}{summary['lines']:>8}{summary['findings']:>7}"
        f"{summary['findings_per_kloc']:>8.3f}{summary['bandit_medium_high']:>8}"
        f"{summary['bandit_per_kloc']:>8.3f}{summary['seconds']['assay']:>9.1f}"
        f"{summary['seconds']['bandit']:>9.1f}"
    )
    out.append("assay warnings+errors per family (count, per kLOC):")
    for family, v in sorted(summary["per_family"].items()):
        out.append(f"  {family:<16}{v['count']:>5}{v['per_kloc']:>9.3f}")
    out.append("per rule (count, per kLOC, verdicts):")
    for rule, v in sorted(summary["per_rule"].items()):
        verdicts = ", ".join(
            f"{k} {n}" for k, n in sorted(summary["per_rule_verdict"][rule].items())
        )
        out.append(f"  {rule:<8}{v['count']:>5}{v['per_kloc']:>9.3f}   {verdicts}")
    verdicts = summary["verdicts"]
    out.append("verdicts: " + ", ".join(f"{k} {v}" for k, v in verdicts.items()))
    out.append(
        f"false alarms per kLOC: {summary['false_alarms_per_kloc']:.3f} "
        f"(target <= {TARGET_FALSE_ALARMS}); from dynamic rules: "
        f"{summary['dynamic_false_alarms_per_kloc']:.3f} (target <= {TARGET_DYNAMIC_FALSE_ALARMS})"
    )
    untriaged = [f for p in packages for f in p["findings"] if f["verdict"] is None]
    if untriaged:
        out.append(f"untriaged findings ({len(untriaged)}):")
        for f in untriaged[:limit]:
            out.append(
                f"  {f['package']}/{f['path']}:{f['line']} {f['rule']} {f['function'] or '-'}: "
                f"{f['source'][:70]}"
            )
        if len(untriaged) > limit:
            out.append(f"  ... and {len(untriaged) - limit} more (see --untriaged-out)")
    return "\n".join(out)


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes) as long as it has no `\/`,
    # which json.dumps never writes.
    return json.dumps(value, ensure_ascii=False)


def untriaged_entries(rows: Iterable[Json]) -> str:
    """TOML entries, verdict and reason left empty, for the findings nobody has judged yet."""
    blocks = []
    for f in rows:
        if f["verdict"] is not None:
            continue
        blocks.append(
            "\n".join(
                [
                    "[[finding]]",
                    f"package = {_toml_string(f['package'])}",
                    f"path = {_toml_string(f['path'])}",
                    f"rule = {_toml_string(f['rule'])}",
                    f"function = {_toml_string(f['function'])}",
                    f"line_hash = {_toml_string(f['line_hash'])}",
                    f"occurrence = {f['occurrence']}",
                    f"# line {f['line']}: {f['source'][:90]}",
                    f"# {f['message'][:160]}",
                    'verdict = ""',
                    'reason = ""',
                ]
            )
        )
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def _results_path(dynamic: bool) -> Path:
    return RESULTS / ("realcode_dynamic.json" if dynamic else "realcode_static.json")


def _load_records(path: Path) -> dict[str, Json]:
    if not path.exists():
        return {}
    return {p["package"]: p for p in json.loads(path.read_text(encoding="utf-8"))["packages"]}


def measure(
    packages: Sequence[Package], corpus: Path, dynamic: bool, previous: Mapping[str, Json]
) -> dict[str, Json]:
    """Run assay (static or default) and Bandit on each package; keep `previous` for the others."""
    records = dict(previous)
    for package in packages:
        root = ensure_package(package, corpus)
        files = corpus_files(package, root)
        assay, assay_seconds = run_assay(files, root, dynamic)
        bandit, bandit_seconds = run_bandit(files, root)
        seconds = {"assay": round(assay_seconds, 2), "bandit": round(bandit_seconds, 2)}
        records[package.name] = package_record(package, root, files, assay, bandit, seconds)
        print(
            f"{package.name}: {len(files)} files, assay {assay_seconds:.1f}s, "
            f"bandit {bandit_seconds:.1f}s",
            file=sys.stderr,
        )
    return records


def report(
    manifest: Sequence[Package], records: Mapping[str, Json], judged: Mapping[tuple[Any, ...], Json]
) -> tuple[list[Json], Json]:
    """The per-package records (manifest order) joined with the triage, and their summary."""
    ordered = [
        {**records[p.name], "findings": join_triage(records[p.name]["findings"], judged)}
        for p in manifest
        if p.name in records
    ]
    return ordered, summarise(ordered)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="install directory")
    parser.add_argument("--packages", default="", help="comma-separated subset (others kept)")
    parser.add_argument("--no-dynamic", action="store_true", help="the static run only")
    parser.add_argument("--dynamic-only", action="store_true", help="the default run only")
    parser.add_argument("--report-only", action="store_true", help="re-join saved findings")
    parser.add_argument("--triage", type=Path, default=TRIAGE)
    parser.add_argument("--untriaged-out", type=Path, help="write TOML stubs of untriaged findings")
    args = parser.parse_args(argv)

    manifest = load_manifest()
    wanted = {n.strip() for n in args.packages.split(",") if n.strip()}
    unknown = wanted - {p.name for p in manifest}
    if unknown:
        parser.error(f"not in the manifest: {', '.join(sorted(unknown))}")
    selected = [p for p in manifest if not wanted or p.name in wanted]
    modes = [False] if args.no_dynamic else [True] if args.dynamic_only else [False, True]
    judged = load_triage(args.triage)
    stubs: list[Json] = []
    for dynamic in modes:
        path = _results_path(dynamic)
        records = _load_records(path)
        if not args.report_only:
            records = measure(selected, args.corpus.resolve(), dynamic, records)
        packages, summary = report(manifest, records, judged)
        if not packages:
            print(f"no saved results in {path}", file=sys.stderr)
            continue
        RESULTS.mkdir(parents=True, exist_ok=True)
        payload = {
            "mode": "default (dynamic)" if dynamic else "--no-dynamic",
            "python": ".".join(map(str, sys.version_info[:3])),
            "summary": summary,
            "packages": packages,
        }
        path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(render(summary, packages, "default (dynamic)" if dynamic else "static"))
        stubs += [f for p in packages for f in p["findings"]]
    if args.untriaged_out:
        # The static and dynamic runs share most findings: one stub per key.
        unique = {triage_key(f): f for f in stubs}
        args.untriaged_out.write_text(untriaged_entries(unique.values()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
