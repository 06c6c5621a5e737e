"""What the outbox tells people: how a notice went, what a chat received lately, and which
choices a typed number answers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
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


_SENT_SINCE = (
    OutboxMessage.status == DeliveryStatus.SENT,
    OutboxMessage.sent_at >= bindparam("since"),
)
_LATEST_OFFER = (
    select(OutboxMessage.choices)
    .where(OutboxMessage.member_id == bindparam("member_id"), *_SENT_SINCE)
    .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
    .limit(1)
)
_RANKED = (
    select(
        OutboxMessage.member_id,
        OutboxMessage.choices,
        func.row_number()
        .over(
            partition_by=OutboxMessage.member_id,
            order_by=(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc()),
        )
        .label("newest"),
    )
    .where(OutboxMessage.member_id.in_(bindparam("member_ids", expanding=True)), *_SENT_SINCE)
    .subquery()
)
_LATEST_OFFERS = select(_RANKED.c.member_id, _RANKED.c.choices).where(_RANKED.c.newest == 1)
# In `session.info`: the members whose latest offers one statement reads together the first
# time one of them is asked for (`expect_offers`), and what it read.
_EXPECTED, _READ = "offers.expected", "offers.read"


def expect_offers(session: AsyncSession, member_ids: Iterable[int]) -> None:
    """`latest_offer` may be asked for these members in this transaction (the messages of a
    batch): the first time it is, it reads them all in one statement, not one per message."""
    session.info[_EXPECTED] = frozenset(member_ids)


async def latest_offer(
    session: AsyncSession, member_id: int, since: datetime
) -> tuple[Choice, ...]:
    """The choices of the newest message delivered to the member since `since`, if it had
    any (so "1" typed under a reminder on a channel without buttons means its first choice)."""
    expected: frozenset[int] = session.info.get(_EXPECTED, frozenset())
    if member_id not in expected or len(expected) < 2:  # one statement built once
        choices = await session.scalar(_LATEST_OFFER, {"member_id": member_id, "since": since})
        return _offer(choices)
    read: dict[tuple[int, datetime], list[Any]] = session.info.setdefault(_READ, {})
    if (member_id, since) not in read:
        rows = await session.execute(
            _LATEST_OFFERS, {"member_ids": sorted(expected), "since": since}
        )
        found = {member: choices for member, choices in rows}
        read.update(((member, since), found.get(member) or []) for member in expected)
    return _offer(read[(member_id, since)])


def _offer(choices: list[Any] | None) -> tuple[Choice, ...]:
    return tuple(Choice(str(k), str(v)) for k, v, *_ in choices or ())
