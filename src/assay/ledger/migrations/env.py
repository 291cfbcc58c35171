"""Alembic environment for the ledger: always runs on the connection assay hands over.

assay runs migrations programmatically (`assay.ledger.store.open_ledger`), passing an open
connection in ``config.attributes["connection"]``; there is no offline (SQL script) mode.
"""

from __future__ import annotations

from alembic import context

from assay.errors import LedgerError
from assay.ledger._schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise LedgerError(
        "the ledger migrations run only through assay (assay.ledger.open_ledger), "
        "which passes the database connection; do not run `alembic` on them directly"
    )
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
