"""dashboard sign-in links

Revision ID: 0016_web_sign_ins
Revises: 0018_kept_files
Create Date: 2026-12-01 03:00:00

A single-use link opens the web dashboard for a few minutes; only the SHA-256 of its token is
stored, so a copy of the database holds no working link.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_web_sign_ins"
down_revision: str | None = "0018_kept_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_web_sign_ins_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sign_ins")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sign_ins_token_hash")),
    )
    with op.batch_alter_table("web_sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_sign_ins_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_sign_ins_member_id"))
    op.drop_table("web_sign_ins")
