"""Writing the audit log: who changed, viewed or exported what."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry


def record_audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor_member_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    **details: str | int | None,
) -> None:
    """Add one audit entry to the session (committed with the change it describes)."""
    session.add(
        AuditEntry(
            at=at,
            actor_member_id=actor_member_id,
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            details=dict(details),
        )
    )
