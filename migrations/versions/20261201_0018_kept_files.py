"""Kept files: members' pictures downloaded from Zalo's CDN (whose URLs may expire) and kept
in the database, referred to as "kept:<sha256>".

Revision ID: 0018_kept_files
Revises: 0013_committee_follows
Create Date: 2026-12-01 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_kept_files"
down_revision: str | None = "0013_committee_follows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("mime_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_kept_files_sha256")),
    )


def downgrade() -> None:
    op.drop_table("kept_files")
