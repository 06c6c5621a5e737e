"""chat addresses: when the person blocked the bot there

Revision ID: 0008_chat_blocked
Revises: 0007_outbox_parts
Create Date: 2026-11-23 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_chat_blocked"
down_revision: str | None = "0007_outbox_parts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("chat_addresses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chat_addresses", schema=None) as batch_op:
        batch_op.drop_column("blocked_at")
