"""[tool.assay] is one typed schema: valid keys load, unknown keys are rejected by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.config import Settings, env_flag, load_settings
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
