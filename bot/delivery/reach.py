"""Whether a chat can be written to: a person who blocked the bot is known before sending (the
platform says so with an update, or a send was refused), and unblocking makes them reachable
again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from models import ChatAddress


async def set_blocked(
    session: AsyncSession, channel: str, external_id: str, blocked: bool, now: datetime
) -> bool:
    """Record that the person blocked (or unblocked) the bot in this chat; False if no member
    is linked to it."""
    result = await session.execute(
        update(ChatAddress)
        .where(ChatAddress.channel == channel, ChatAddress.external_id == external_id)
        .values(blocked_at=now if blocked else None)
    )
    return bool(getattr(result, "rowcount", 0))
