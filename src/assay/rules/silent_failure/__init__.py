"""Silent failures: code that reports success when it did not succeed.

A broad ``except`` that returns ``[]``, a loop that drops the items it could not process, a
stub left inside finished code, a function that returns sample data whatever it is given,
``row[3]`` where a column name was available, ``assert`` standing in for validation, and
validation that was present in the previous version and is gone now (``--base REV``).
Each finding says what the caller will see instead of the error.

One module per rule, named after it (AS401 ``broad_except_fake_success`` … AS408
``same_literal_for_any_input``); the private modules hold what several rules share:
``_common`` (AST helpers), ``_handlers`` (broad except handlers, AS401/AS402), ``_stubs``
(stub bodies, AS403/AS404) and ``_literals`` (literal-only returns, AS404 and
`assay.behaviour.stages.constant_output`).
"""

from __future__ import annotations

__all__: list[str] = []
