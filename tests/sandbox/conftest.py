"""One warm sandbox shared by a test module (starting workers is the slow part)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assay.sandbox import Sandbox


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    with Sandbox(workers=2) as sandbox:
        yield sandbox
