"""Broadcasts: their kind, so the one-tap reminder to report is a broadcast of its own that
`/dagui` shows as such.

Revision ID: 0014_broadcast_kind
Revises: 0012_deed_entered_by
Create Date: 2026-12-01 03:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_broadcast_kind"
down_revision: str | None = "0012_deed_entered_by"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("notice", "nudge", name="broadcastkind", native_enum=False, length=32),
                server_default="notice",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("kind")
