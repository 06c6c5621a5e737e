"""outbox: the parts of a long message already sent, and a chat a message must avoid

Revision ID: 0007_outbox_parts
Revises: 0006
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_outbox_parts"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avoid_chat", sa.String(length=150), nullable=True))
        batch_op.add_column(
            sa.Column("part_ids", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("parts", sa.Integer(), nullable=True))
    # The default was only for the rows already there; new rows get theirs from chibo.
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("part_ids", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("parts")
        batch_op.drop_column("part_ids")
        batch_op.drop_column("avoid_chat")
