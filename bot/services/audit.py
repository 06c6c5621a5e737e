"""Writing the audit log: who changed, viewed or exported what."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEntry

# Built once (Core, on the table): `write_audit` is on a report's path.
_INSERT = insert(cast(Table, AuditEntry.__table__))
# In `session.info`: entries `write_audit` holds back, for `write_held_audit` to write all at
# once (the dispatcher does, before a batch's commit: one statement for its reports' entries).
_HELD = "audit.held"


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
    """`record_audit` by one statement built beforehand (no ORM flush), for the changes on
    every member's path, such as a report: written at once, or with the others held in this
    session (`hold_audit`)."""
    entry = _entry(at, actor_member_id, action, subject_type, subject_id, details)
    held = session.info.get(_HELD)
    if held is not None:
        held.append(entry)
    else:
        await session.execute(_INSERT, entry)


def hold_audit(session: AsyncSession) -> None:
    """From now on `write_audit` keeps its entries for `write_held_audit` (same transaction)."""
    session.info[_HELD] = []


async def write_held_audit(session: AsyncSession) -> None:
    """Write the entries held since `hold_audit` (one statement for all) and stop holding."""
    held = session.info.pop(_HELD, None)
    if held:
        await session.execute(_INSERT, held)
