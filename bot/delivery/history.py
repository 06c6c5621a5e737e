"""What the outbox tells people: how a notice went, what a chat received lately, and which
choices a typed number answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Choice
from models import DeliveryStatus, Member, OutboxMessage


@dataclass(frozen=True)
class DeliveryLine:
    """One recipient in a delivery report."""

    name: str
    status: DeliveryStatus
    reason: str | None
    acked: bool


async def delivery_lines(session: AsyncSession, cause: str) -> list[DeliveryLine]:
    """Every recipient of `cause` with where their message is, by name."""
    rows = await session.execute(
        select(
            Member.full_name,
            OutboxMessage.status,
            OutboxMessage.last_error,
            OutboxMessage.acked_at,
        )
        .join(Member, Member.id == OutboxMessage.member_id)
        .where(OutboxMessage.cause == cause)
        .order_by(Member.full_name)
    )
    return [
        DeliveryLine(name, status, error, acked is not None) for name, status, error, acked in rows
    ]


async def take_unseen(
    session: AsyncSession, channel: str, chat_id: str, kept: str, seen: str, limit: int = 5
) -> tuple[list[OutboxMessage], int]:
    """The messages delivered to a chat while nobody watched it (platform id starting with
    `kept`), the latest `limit` of them oldest first, and how many older ones there are;
    all of them count as seen from now on (the prefix becomes `seen`)."""
    rows = list(
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.status == DeliveryStatus.SENT,
                OutboxMessage.platform_message_id.startswith(kept, autoescape=True),
            )
            .order_by(OutboxMessage.sent_at, OutboxMessage.id)
        )
    )
    for message in rows:
        assert message.platform_message_id is not None
        message.platform_message_id = seen + message.platform_message_id.removeprefix(kept)
    return rows[-limit:], max(0, len(rows) - limit)


_LATEST_OFFER = (
    select(OutboxMessage.choices)
    .where(
        OutboxMessage.member_id == bindparam("member_id"),
        OutboxMessage.status == DeliveryStatus.SENT,
        OutboxMessage.sent_at >= bindparam("since"),
    )
    .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
    .limit(1)
)


async def latest_offer(
    session: AsyncSession, member_id: int, since: datetime
) -> tuple[Choice, ...]:
    """The choices of the newest message with choices delivered to the member since `since`
    (so "1" typed under a reminder on a channel without buttons means its first choice)."""
    # Only the choices (no whole row), with a statement built once: every typed line asks.
    choices = await session.scalar(_LATEST_OFFER, {"member_id": member_id, "since": since})
    if not choices:
        return ()
    return tuple(Choice(str(k), str(v)) for k, v, *_ in choices)
