"""[tool.assay] is one typed schema: valid keys load, unknown keys are rejected by name."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

import assay.config
from assay import check
from assay.config import (
    ENVIRONMENT_VARIABLES,
    MIN_PROBE_TIMEOUT,
    Environment,
    Settings,
    env_flag,
    load_settings,
    read_environment,
)
from assay.errors import ConfigError
from assay.ledger import ledger_disabled
from assay.model import Severity


def _pyproject(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_valid_table_loads_with_kebab_case_keys(tmp_path: Path) -> None:
    path = _pyproject(
        tmp_path,
        '[tool.assay]\nselect = ["AS1"]\nfail-on = "error"\nseverity = {AS101 = "info"}\n'
        'exclude = ["build/"]\n',
    )
    settings = load_settings(pyproject=path)
    assert settings.select == ["AS1"]
    assert settings.fail_on is Severity.ERROR
    assert settings.severity == {"AS101": Severity.INFO}
    assert settings.exclude == ["build/"]


def test_unknown_key_is_rejected_with_its_name_and_the_valid_keys(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, "[tool.assay]\nselct = ['AS1']\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(pyproject=path)
    message = str(caught.value)
    assert "unknown key 'selct'" in message
    assert "select" in message and str(path) in message


def test_invalid_value_names_the_key_and_the_value(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, '[tool.assay]\nfail-on = "sometimes"\n')
    with pytest.raises(ConfigError, match="fail-on.*'sometimes'"):
        load_settings(pyproject=path)


def test_target_python_comes_from_requires_python(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, '[project]\nname = "x"\nrequires-python = ">=3.12"\n')
    assert load_settings(pyproject=path).target_python == (3, 12)


def test_explicit_python_wins_and_is_validated(tmp_path: Path) -> None:
    path = _pyproject(
        tmp_path, '[project]\nrequires-python = ">=3.9"\n[tool.assay]\npython = "3.13"\n'
    )
    assert load_settings(pyproject=path).target_python == (3, 13)
    with pytest.raises(ConfigError, match="python"):
        Settings().with_overrides(python="three")


def test_broken_toml_is_a_config_error(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, "[tool.assay\n")
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(pyproject=path)


def test_environment_offline_flag_is_parsed_strictly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _pyproject(tmp_path, "")
    monkeypatch.setenv("ASSAY_OFFLINE", "0")
    assert load_settings(pyproject=path).offline is False
    monkeypatch.setenv("ASSAY_OFFLINE", "maybe")
    with pytest.raises(ConfigError, match="ASSAY_OFFLINE"):
        load_settings(pyproject=path)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("1", True),
        ("Yes", True),
        (" true ", True),
        ("0", False),
        ("no", False),
        ("", False),
    ],
)
def test_env_flag_reads_on_off_values(raw: str | None, expected: bool | None) -> None:
    environ = {} if raw is None else {"ASSAY_NO_LEDGER": raw}
    assert env_flag("ASSAY_NO_LEDGER", environ) is expected
    assert ledger_disabled(environ) is (expected is True)


def test_env_flag_names_the_variable_and_the_values_it_takes() -> None:
    with pytest.raises(ConfigError, match=r"ASSAY_NO_LEDGER='off' must be 1/0/true/false"):
        ledger_disabled({"ASSAY_NO_LEDGER": "off"})


@pytest.mark.parametrize(
    "body",
    [
        "[tool]\nassay = 5\n",
        "tool = 3\n",
        "[tool]\nassay = ['AS1']\n",
        "[project]\nrequires-python = 3\n",
        "project = 'x'\n",
    ],
)
def test_a_table_of_the_wrong_shape_is_a_config_error(tmp_path: Path, body: str) -> None:
    path = _pyproject(tmp_path, body)
    with pytest.raises(ConfigError, match=r"must be a (table|string)") as caught:
        load_settings(pyproject=path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("probe-timeout = 1e7", "less than or equal to 600"),
        ("probe-timeout = 1e-9", "greater than or equal to 0.1"),
        ("probe-timeout = nan", "finite number"),
        ("probe-timeout = inf", "finite number"),
        ("network-timeout = 0", "greater than or equal to 0.01"),
        ("network-timeout = 1e300", "less than or equal to 600"),
        ("cache-ttl-hours = -1", "greater than or equal to 0"),
        ("cache-ttl-hours = 1e18", "less than or equal to 87600"),
        ("max-file-bytes = 10", "greater than or equal to 1000"),
        ("max-file-bytes = 1_000_000_000_000", "less than or equal to 200000000"),
    ],
)
def test_every_numeric_setting_has_a_range_stated_in_its_error(
    tmp_path: Path, line: str, expected: str
) -> None:
    key = line.split(" = ")[0]
    path = _pyproject(tmp_path, f"[tool.assay]\n{line}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(pyproject=path)
    message = str(caught.value)
    assert key in message and expected in message
    # The message also states the valid range (the field's description).
    assert re.search(r"\d[\d,.]*-[\d,.]+\d", message.split(expected, 1)[1])


def test_the_smallest_probe_timeout_allowed_still_runs_the_probes(tmp_path: Path) -> None:
    source = tmp_path / "adder.py"
    source.write_text(
        "def add(a: int, b: int) -> int:\n"
        '    """Add.\n\n    >>> add(2, 3)\n    5\n    """\n'
        "    return a - b\n",
        encoding="utf-8",
    )
    _pyproject(tmp_path, f"[tool.assay]\nprobe-timeout = {MIN_PROBE_TIMEOUT}\n")
    report = check(str(source), offline=True)
    assert report.errors == []
    assert any(finding.rule.startswith("AS6") for finding in report.findings)


def test_file_walk_settings_load(tmp_path: Path) -> None:
    path = _pyproject(tmp_path, "[tool.assay]\nmax-file-bytes = 2000\nfollow-symlinks = true\n")
    settings = load_settings(pyproject=path)
    assert settings.max_file_bytes == 2000 and settings.follow_symlinks is True
    assert Settings().max_file_bytes == 5_000_000 and Settings().follow_symlinks is False


# --------------------------------------------------------------------------- environment
# The sandbox's child side reads the private start-up variables its parent set for it.
_CHILD_SIDE = {"sandbox/_zygote.py", "sandbox/_isolate.py"}


def _environment_reads(tree: ast.AST) -> list[int]:
    """Lines reading os.environ / os.getenv; writes (``os.environ[k] = v``, ``setdefault``)
    pass configuration on to libraries and child processes and are not reads."""
    writes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            writes.add(id(node.value))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setdefault"
        ):
            writes.add(id(node.func.value))
    lines = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "os"
            and node.attr in {"environ", "getenv", "environb"}
            and id(node) not in writes
        ):
            lines.append(node.lineno)
    return lines


def test_the_environment_is_read_in_config_only() -> None:
    src = Path(assay.config.__file__).resolve().parent
    offenders = []
    for path in sorted(src.rglob("*.py")):
        relative = path.relative_to(src).as_posix()
        if relative == "config.py" or relative in _CHILD_SIDE:
            continue
        for line in _environment_reads(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{relative}:{line}")
    assert offenders == [], "read the environment through assay.config.read_environment"


def test_every_variable_read_is_documented_and_parsed() -> None:
    fields = {field.name for field in dataclasses.fields(Environment)}
    assert len(ENVIRONMENT_VARIABLES) == len(fields)
    everything = {name: "1" for name in ENVIRONMENT_VARIABLES}
    everything["ASSAY_CACHE_DIR"] = "/tmp/assay-cache"
    parsed = read_environment(everything)
    assert all(getattr(parsed, name) not in (None, False) for name in fields)
    assert read_environment({}) == Environment()


def test_empty_means_unset_and_flags_are_strict() -> None:
    assert read_environment({"ASSAY_LEDGER_URL": "  ", "FORCE_COLOR": "0"}) == Environment()
    with pytest.raises(ConfigError, match="ASSAY_NO_CACHE='maybe'"):
        read_environment({"ASSAY_NO_CACHE": "maybe"})


def test_the_readme_lists_every_environment_variable() -> None:
    readme = (Path(assay.config.__file__).resolve().parents[2] / "README.md").read_text("utf-8")
    for name, effect in ENVIRONMENT_VARIABLES.items():
        assert f"| `{name}` | {effect} |" in readme, name
