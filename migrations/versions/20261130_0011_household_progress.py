"""household progress: current flags on households; indexes for scoped summaries

Revision ID: 0011_household_progress
Revises: 0010_invite_links
Create Date: 2026-11-30 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_household_progress"
down_revision: str | None = "0010_invite_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FLAGS = ("sanitary_toilet", "waste_incinerator", "hardened_floor")


def upgrade() -> None:
    with op.batch_alter_table("households", schema=None) as batch_op:
        for flag in FLAGS:
            batch_op.add_column(sa.Column(f"{flag}_since", sa.Date(), nullable=True))
    # The current state of each flag is its newest record (by date, then by id).
    for flag in FLAGS:
        op.execute(
            sa.text(
                f"""
                UPDATE households SET {flag}_since = (
                    SELECT CASE WHEN p.achieved THEN p.changed_on END
                    FROM household_progress p
                    WHERE p.household_id = households.id AND p.flag = :flag
                    ORDER BY p.changed_on DESC, p.id DESC
                    LIMIT 1
                )
                """
            ).bindparams(flag=flag)
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_current_by_member",
            ["member_id", "household_id", "started_on"],
            unique=False,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
    with op.batch_alter_table("deed_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_deed_reports_household_month", ["household_id", "month"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("deed_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_deed_reports_household_month")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_assignments_current_by_member",
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
    with op.batch_alter_table("households", schema=None) as batch_op:
        for flag in reversed(FLAGS):
            batch_op.drop_column(f"{flag}_since")
