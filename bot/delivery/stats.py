"""What the outbox holds, for /metrics: rows by status and the age of the oldest waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import DeliveryStatus, OutboxMessage

WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.RETRY)


@dataclass(frozen=True)
class OutboxStats:
    """Rows per status (every status present, 0 when none) and the oldest waiting's age."""

    by_status: dict[str, int]
    oldest_waiting_seconds: float


async def outbox_stats(session: AsyncSession, now: datetime) -> OutboxStats:
    """Count the outbox by status (grouped on the status index) and find its oldest waiting
    message."""
    counts = {status.value: 0 for status in DeliveryStatus}
    grouped = await session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    )
    for status, count in grouped:
        counts[str(status.value if isinstance(status, DeliveryStatus) else status)] = int(count)
    oldest = await session.scalar(
        select(func.min(OutboxMessage.created_at)).where(OutboxMessage.status.in_(WAITING))
    )
    age = 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())
    return OutboxStats(counts, age)
