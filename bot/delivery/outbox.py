"""The outbox: enqueue proactive messages, claim due ones, record what the platform said."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.messages import Choice
from models import ChatAddress, DeliveryStatus, FailureReason, Member, OutboxMessage

DUE = (DeliveryStatus.QUEUED, DeliveryStatus.RETRY)


@dataclass(frozen=True)
class Claimed:
    """A message a worker holds the current claim on."""

    id: int
    token: str
    member_id: int
    channel: str
    chat_id: str
    text: str
    choices: tuple[Choice, ...]
    attempts: int
    claimed_at: datetime
    photo: bytes | None = None


async def preferred_address(
    session: AsyncSession,
    member_id: int,
    among: tuple[str, ...] | None = None,
    besides: tuple[str, str] | None = None,
) -> ChatAddress | None:
    """The chat a member is reached on: the messenger they chose, else the first they linked
    (a console chat only when there is nothing else); only `among` these channels if given,
    and never the chat `besides` (channel, external id)."""
    query = (
        select(ChatAddress)
        .join(Member, Member.id == ChatAddress.member_id)
        .where(ChatAddress.member_id == member_id)
        .order_by(
            ChatAddress.channel == "console",
            ChatAddress.channel != func.coalesce(Member.preferred_channel, ""),
            ChatAddress.linked_at,
            ChatAddress.id,
        )
        .limit(1)
    )
    if among is not None:
        query = query.where(ChatAddress.channel.in_(among))
    if besides is not None:
        query = query.where(
            ~and_(ChatAddress.channel == besides[0], ChatAddress.external_id == besides[1])
        )
    return await session.scalar(query)


async def enqueue(
    session: AsyncSession,
    cause: str,
    member_id: int,
    text: str,
    choices: tuple[Choice, ...],
    now: datetime,
    photo: bytes | None = None,
    besides: tuple[str, str] | None = None,
) -> None:
    """Queue `text` (a `photo`'s caption, if given) for `member_id` in the caller's
    transaction, to their preferred chat (other than the chat `besides`, if given). A second
    call with the same cause and member adds nothing; a member with no chat is recorded as
    not reachable."""
    address = await preferred_address(session, member_id, besides=besides)
    values = {
        "cause": cause,
        "member_id": member_id,
        "channel": address.channel if address else None,
        "chat_id": address.external_id if address else None,
        "text": text,
        "choices": [[c.key, c.label] for c in choices],
        "photo": photo,
        "status": DeliveryStatus.QUEUED if address else DeliveryStatus.FAILED,
        "last_error": None if address else FailureReason.NOT_LINKED.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(OutboxMessage).values(**values).on_conflict_do_nothing())


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    lease: timedelta,
    channels: tuple[str, ...],
) -> list[Claimed]:
    """Take up to `limit` messages that are due (or whose sender died holding them).

    On PostgreSQL the rows are locked with SKIP LOCKED, so two processes claiming at once
    get different rows; SQLite's write lock gives one process at a time.
    """
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.channel.in_(channels),
            or_(
                and_(OutboxMessage.status.in_(DUE), OutboxMessage.next_attempt_at <= now),
                and_(
                    OutboxMessage.status == DeliveryStatus.SENDING,
                    OutboxMessage.claimed_at < now - lease,
                ),
            ),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed: list[Claimed] = []
    for row in await session.scalars(query):
        row.status = DeliveryStatus.SENDING
        row.claimed_at = now
        row.claim_token = str(uuid.uuid4())
        row.attempts += 1
        assert row.channel is not None and row.chat_id is not None
        claimed.append(
            Claimed(
                id=row.id,
                token=row.claim_token,
                member_id=row.member_id,
                channel=row.channel,
                chat_id=row.chat_id,
                text=row.text,
                choices=tuple(Choice(str(k), str(v)) for k, v in row.choices),
                attempts=row.attempts,
                claimed_at=now,
                photo=row.photo,
            )
        )
    await session.flush()
    return claimed


async def _settle(session: AsyncSession, claim: Claimed, **values: object) -> bool:
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
        .values(claim_token=None, **values)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_sent(
    session: AsyncSession,
    claim: Claimed,
    platform_message_id: str,
    now: datetime,
    error: str = "",
) -> bool:
    """The platform accepted the message (`error`: why some of its parts did not go out).
    False if the claim had been lost meanwhile."""
    return await _settle(
        session,
        claim,
        status=DeliveryStatus.SENT,
        sent_at=now,
        platform_message_id=platform_message_id,
        last_error=error[:300] or None,
    )


async def mark_retry(
    session: AsyncSession, claim: Claimed, at: datetime, error: str, count_attempt: bool = True
) -> bool:
    """A temporary failure: try again at `at` (without using up an attempt if told so)."""
    attempts = claim.attempts if count_attempt else claim.attempts - 1
    return await _settle(
        session,
        claim,
        status=DeliveryStatus.RETRY,
        next_attempt_at=at,
        last_error=error[:300],
        attempts=attempts,
    )


async def renew_claim(session: AsyncSession, claim: Claimed, now: datetime) -> bool:
    """Extend the lease of a claim still held; False if another worker has taken the row."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
        .values(claimed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


async def mark_failed(session: AsyncSession, claim: Claimed, reason: FailureReason) -> bool:
    """A permanent failure: never retried, reported to the sender."""
    return await _settle(session, claim, status=DeliveryStatus.FAILED, last_error=reason.value)


@dataclass(frozen=True)
class Settled:
    """What became of a failed message: `moved_to` another messenger, or failed for good;
    `kept` False when the claim had been lost and nothing was recorded."""

    kept: bool
    moved_to: str | None = None


async def fall_back(
    session: AsyncSession,
    claim: Claimed,
    reason: FailureReason,
    now: datetime,
    channels: tuple[str, ...],
) -> Settled:
    """After a permanent failure, queue the message again on the member's other messenger
    (one of `channels`, the ones being delivered); once only, so two failing channels cannot
    pass a message back and forth. Otherwise the message has failed."""
    first = await session.scalar(
        select(OutboxMessage.first_channel).where(OutboxMessage.id == claim.id)
    )
    others = tuple(c for c in channels if c != claim.channel)
    address = (
        await preferred_address(session, claim.member_id, others)
        if first is None and others
        else None
    )
    if address is None:
        return Settled(await mark_failed(session, claim, reason))
    moved = await _settle(
        session,
        claim,
        status=DeliveryStatus.QUEUED,
        first_channel=claim.channel,
        channel=address.channel,
        chat_id=address.external_id,
        attempts=0,
        next_attempt_at=now,
        last_error=reason.value,
    )
    return Settled(moved, address.channel if moved else None)


async def move_unserved(
    session: AsyncSession, channels: tuple[str, ...], now: datetime, limit: int = 100
) -> int:
    """Move due messages queued for a messenger this process does not serve (its token was
    removed, or the member chose it before it was configured) to the member's address on one
    that it does. Messages of members with no such address wait. How many moved."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.status.in_(DUE),
            OutboxMessage.channel.is_not(None),
            OutboxMessage.channel.not_in(channels),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    moved = 0
    for row in rows:
        address = await preferred_address(session, row.member_id, channels)
        if address is None:
            continue
        row.first_channel = row.first_channel or row.channel
        row.channel = address.channel
        row.chat_id = address.external_id
        row.next_attempt_at = now
        moved += 1
    return moved


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


async def recent_messages(
    session: AsyncSession, channel: str, chat_id: str, limit: int = 5
) -> list[OutboxMessage]:
    """The latest messages delivered to a chat, oldest first."""
    rows = await session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.chat_id == chat_id,
            OutboxMessage.status == DeliveryStatus.SENT,
        )
        .order_by(OutboxMessage.sent_at.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


async def latest_offer(
    session: AsyncSession, member_id: int, since: datetime
) -> tuple[Choice, ...]:
    """The choices of the newest message with choices delivered to the member since `since`
    (so "1" typed under a reminder on a channel without buttons means its first choice)."""
    message = await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.member_id == member_id,
            OutboxMessage.status == DeliveryStatus.SENT,
            OutboxMessage.sent_at >= since,
        )
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
        .limit(1)
    )
    if message is None:
        return ()
    return tuple(Choice(str(k), str(v)) for k, v in message.choices)
