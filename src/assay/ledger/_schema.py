"""The ledger's tables, as SQLAlchemy Core metadata.

This is the shape the migrations in ``migrations/versions`` build; a test compares the two
(``alembic.autogenerate.compare_metadata``) so they cannot drift apart. Change the schema
by adding a migration *and* editing this module.

* ``runs``: one row per ``assay check`` / ``compare`` / ``gen`` invocation.
* ``candidates``: the code that run judged (a checked file, or one generated candidate).
* ``findings``: what assay reported, linked to the run and, when known, the candidate.
* ``outcomes``: what happened later (``assay ledger mark``): a failure found after the fact.
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["candidates", "findings", "metadata", "outcomes", "runs"]

metadata = sa.MetaData()

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("task", sa.Text, nullable=False),
    sa.Column("task_kind", sa.String(64), nullable=False),
    sa.Column("backend", sa.String(128), nullable=True),
    sa.Column("model", sa.String(256), nullable=True),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("finding_count", sa.Integer, nullable=False),
    sa.Column("duration_s", sa.Float, nullable=True),
    sa.Column("tool_version", sa.String(32), nullable=False),
    sa.Column("timings", sa.JSON, nullable=False),
    sa.Index("ix_runs_created_at", "created_at"),
)

candidates = sa.Table(
    "candidates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("code", sa.Text, nullable=False),
    sa.Column("accepted", sa.Boolean, nullable=True),
    sa.Column("selected", sa.Boolean, nullable=False),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("cluster", sa.Integer, nullable=True),
    sa.Index("ix_candidates_run_id", "run_id"),
    sa.Index("ix_candidates_digest", "digest"),
)

findings = sa.Table(
    "findings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("candidate", sa.Text, nullable=True),
    sa.Column("rule", sa.String(16), nullable=False),
    sa.Column("family", sa.String(32), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("path", sa.Text, nullable=False),
    sa.Column("line", sa.Integer, nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Index("ix_findings_run_id", "run_id"),
    sa.Index("ix_findings_rule", "rule"),
)

outcomes = sa.Table(
    "outcomes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("failed", sa.Boolean, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("family", sa.String(32), nullable=True),
    sa.Column("detected_after_s", sa.Float, nullable=True),
    sa.Column("fix_path", sa.Text, nullable=True),
    sa.Column("fix_code", sa.Text, nullable=True),
    sa.Index("ix_outcomes_run_id", "run_id"),
)
