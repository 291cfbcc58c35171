"""The `performance` family (AS5xx): code that is fine on 10 rows and quadratic on 10,000.

Static shapes (AS501–AS507) look for linear work repeated inside a loop over the input:
membership tests and ``.index`` on lists, ``pop(0)``, string ``+=``, sorting or copying,
pairwise loops over one collection, and queries or HTTP requests issued per item (N+1).
AS508 plans the file's SQLite queries with ``EXPLAIN QUERY PLAN`` against the schema
written in the same file, in the sandbox of `assay.behaviour.stages.query_plans`. AS509 is reported by `assay.behaviour.stages.complexity` from
timings at growing input sizes.

Loops over a small constant collection (``for op in ("+", "-")``, ``range(3)``) are not
"over the input" and never make these rules fire.
"""

from __future__ import annotations

__all__: list[str] = []
