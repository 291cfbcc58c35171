"""The bubblewrap command line: assay installed under /tmp stays visible inside the sandbox."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assay.sandbox import Call, Job, Sandbox
from assay.sandbox._policy import bubblewrap_prefix, policy_for


def test_import_paths_under_tmp_are_bound_back_read_only_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkout = Path("/tmp") / tmp_path.name / "src"
    checkout.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(sys, "path", [*sys.path, str(checkout)])
    args = list(bubblewrap_prefix("bwrap"))
    resolved = str(checkout.resolve())
    bind = args.index(resolved) - 1
    assert args[bind] == "--ro-bind" and args[bind + 2] == resolved
    assert bind > args.index("/tmp"), "the bind must come after the tmpfs that hides /tmp"
    keep = args[args.index("ASSAY_SANDBOX_KEEP") + 1]
    assert resolved in keep.split(":")


def test_a_module_imported_from_under_tmp_runs_in_the_sandbox(tmp_path: Path) -> None:
    package_root = Path("/tmp") / f"assay-policy-{tmp_path.name}"
    package_root.mkdir(exist_ok=True)
    (package_root / "helper_under_tmp.py").write_text("VALUE = 41\n", encoding="utf-8")
    sys.path.append(str(package_root))
    policy_for.cache_clear()  # the policy is probed once per process, from sys.path
    try:
        with Sandbox(workers=1) as sandbox:
            for _ in range(2):  # the second job proves the wipe kept the bound directory
                result = sandbox.run(
                    Job(
                        source="import helper_under_tmp\n\ndef f():\n    return helper_under_tmp.VALUE + 1\n",
                        calls=(Call.function("f"),),
                    )
                )
                assert result.outcomes[0].value_repr == "42", result
    finally:
        sys.path.remove(str(package_root))
        policy_for.cache_clear()
    assert (package_root / "helper_under_tmp.py").read_text(encoding="utf-8") == "VALUE = 41\n"
