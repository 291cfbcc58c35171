"""The first ledger schema: runs, candidates, findings, outcomes.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the four ledger tables and their indexes."""
    op.create_table(
        "runs",
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
    )
    op.create_index("ix_runs_created_at", "runs", ["created_at"])
    op.create_table(
        "candidates",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("accepted", sa.Boolean, nullable=True),
        sa.Column("selected", sa.Boolean, nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("cluster", sa.Integer, nullable=True),
    )
    op.create_index("ix_candidates_run_id", "candidates", ["run_id"])
    op.create_index("ix_candidates_digest", "candidates", ["digest"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("candidate", sa.Text, nullable=True),
        sa.Column("rule", sa.String(16), nullable=False),
        sa.Column("family", sa.String(32), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("line", sa.Integer, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("evidence", sa.JSON, nullable=False),
    )
    op.create_index("ix_findings_run_id", "findings", ["run_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("failed", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("family", sa.String(32), nullable=True),
        sa.Column("detected_after_s", sa.Float, nullable=True),
        sa.Column("fix_path", sa.Text, nullable=True),
        sa.Column("fix_code", sa.Text, nullable=True),
    )
    op.create_index("ix_outcomes_run_id", "outcomes", ["run_id"])


def downgrade() -> None:
    """Drop the ledger tables (loses every record)."""
    for table in ("outcomes", "findings", "candidates", "runs"):
        op.drop_table(table)
