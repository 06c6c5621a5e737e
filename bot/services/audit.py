"""Writing the audit log: who changed, viewed or exported what."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry

# Built once (Core, on the table): `write_audit` is on a report's path.
_INSERT = insert(cast(Table, AuditEntry.__table__))


def _entry(
    at: datetime,
    actor_member_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    details: dict[str, str | int | None],
) -> dict[str, Any]:
    return {
        "at": at,
        "actor_member_id": actor_member_id,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "details": details,
    }


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
        AuditEntry(**_entry(at, actor_member_id, action, subject_type, subject_id, details))
    )


async def write_audit(
    session: AsyncSession,
    *,
    at: datetime,
    actor_member_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int | None,
    **details: str | int | None,
) -> None:
    """`record_audit`, written at once by one prepared statement (no ORM flush): for the
    changes made on every member's path, such as a report."""
    await session.execute(
        _INSERT, _entry(at, actor_member_id, action, subject_type, subject_id, details)
    )
