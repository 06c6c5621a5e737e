"""invite link codes; failed links by channel and time

Revision ID: 0010_invite_links
Revises: 0009_send_budgets
Create Date: 2026-11-30 21:30:00

Links and QR codes carry a long code nobody types (16 characters, about 79 bits); the short
code stays for typing. Failed attempts are counted per bot (channel) and hour.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_invite_links"
down_revision: str | None = "0009_send_budgets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("link_code", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_invite_codes_link_code"), ["link_code"], unique=True)
    with op.batch_alter_table("failed_links", schema=None) as batch_op:
        batch_op.create_index("ix_failed_links_channel_at", ["channel", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("failed_links", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_links_channel_at")
    with op.batch_alter_table("invite_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_codes_link_code"))
        batch_op.drop_column("link_code")
