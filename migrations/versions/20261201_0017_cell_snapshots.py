"""Cell snapshots: the slow figures of every cell (households and their progress, households
nobody helped for 3 months, the last meeting), taken every few minutes for scopes of
thousands of cells.

Revision ID: 0017_cell_snapshots
Revises: 0015_meeting_place
Create Date: 2026-12-01 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_cell_snapshots"
down_revision: str | None = "0015_meeting_place"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cell_snapshots",
        sa.Column("cell_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("sanitary_toilet", sa.Integer(), nullable=False),
        sa.Column("waste_incinerator", sa.Integer(), nullable=False),
        sa.Column("hardened_floor", sa.Integer(), nullable=False),
        sa.Column("quiet", sa.Integer(), nullable=False),
        sa.Column("last_meeting_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_listed", sa.Integer(), nullable=False),
        sa.Column("last_present", sa.Integer(), nullable=False),
        sa.Column("last_spoke", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell_id"],
            ["organisations.id"],
            name=op.f("fk_cell_snapshots_cell_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("cell_id", "month", name=op.f("pk_cell_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("cell_snapshots")
