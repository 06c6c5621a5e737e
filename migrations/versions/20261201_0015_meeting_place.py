"""Meetings: a place (địa điểm) per meeting and per cell's regular meetings; an RSVP
remembers the meeting time it answered, so a moved meeting asks again.

Revision ID: 0015_meeting_place
Revises: 0016_web_sign_ins
Create Date: 2026-12-01 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_meeting_place"
down_revision: str | None = "0016_web_sign_ins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=True))
    with op.batch_alter_table("cell_schedules", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=True))
    with op.batch_alter_table("rsvps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("for_starts_at", sa.DateTime(timezone=True), nullable=True))
    # Answers given before this revision were for the meeting's time as it stands.
    op.execute(
        "UPDATE rsvps SET for_starts_at = "
        "(SELECT starts_at FROM meetings WHERE meetings.id = rsvps.meeting_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("rsvps", schema=None) as batch_op:
        batch_op.drop_column("for_starts_at")
    with op.batch_alter_table("cell_schedules", schema=None) as batch_op:
        batch_op.drop_column("place")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("place")
