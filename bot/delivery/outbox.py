"""The outbox: enqueue proactive messages, claim due ones, record what the platform said."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.logs import redact
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
    part_ids: tuple[str, ...] = ()  # the parts already out (an earlier attempt's)


def chat_key(address: tuple[str, str] | None) -> str | None:
    """How a chat (channel, external id) is written in `OutboxMessage.avoid_chat`."""
    return f"{address[0]}:{address[1]}" if address is not None else None


def _chat_of(key: str | None) -> tuple[str, str] | None:
    if not key:
        return None
    channel, _, external_id = key.partition(":")
    return channel, external_id


async def preferred_address(
    session: AsyncSession,
    member_id: int,
    among: tuple[str, ...] | None = None,
    besides: tuple[str, str] | None = None,
) -> ChatAddress | None:
    """The chat a member is reached on: one where they have not blocked the bot, on the
    messenger they chose, else the first they linked (a console chat only when there is
    nothing else); only `among` these channels if given, and never the chat `besides`
    (channel, external id). A chat where they blocked the bot only when there is no other:
    check its `blocked_at`."""
    query = (
        select(ChatAddress)
        .join(Member, Member.id == ChatAddress.member_id)
        .where(ChatAddress.member_id == member_id)
        .order_by(
            ChatAddress.blocked_at.is_not(None),
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
    *,
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
    call with the same cause and member adds nothing; a member with no chat, or who blocked
    the bot wherever they are linked, is recorded as not reachable (and why) at once."""
    address = await preferred_address(session, member_id, besides=besides)
    reason = (
        FailureReason.NOT_LINKED
        if address is None
        else FailureReason.BLOCKED
        if address.blocked_at is not None
        else None
    )
    values = {
        "cause": cause,
        "member_id": member_id,
        "channel": address.channel if address else None,
        "chat_id": address.external_id if address else None,
        "text": text,
        "choices": [
            [c.key, c.label, *([c.web_app_url] if c.web_app_url else [])] for c in choices
        ],
        "photo": photo,
        "avoid_chat": chat_key(besides),
        "part_ids": [],
        "status": DeliveryStatus.FAILED if reason else DeliveryStatus.QUEUED,
        "last_error": reason.value if reason else None,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(OutboxMessage).values(**values).on_conflict_do_nothing())


async def claim_due(
    session: AsyncSession,
    *,
    now: datetime,
    limit: int,
    lease: timedelta,
    channels: tuple[str, ...],
    holding: Collection[int] = (),
) -> list[Claimed]:
    """Take up to `limit` messages that are due (or whose sender died holding them), except
    those the caller is `holding`: a send that outlives its lease is not claimed again.

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
    if holding:
        query = query.where(OutboxMessage.id.not_in(holding))
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
                choices=tuple(
                    Choice(str(k), str(v), web_app_url=str(rest[0]) if rest else "")
                    for k, v, *rest in row.choices
                ),
                attempts=row.attempts,
                claimed_at=now,
                photo=row.photo,
                part_ids=tuple(str(i) for i in row.part_ids or ()),
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
    parts: int = 1,
) -> bool:
    """The platform accepted the message, in `parts` platform messages (`error`: why some of
    them did not go out). False if the claim had been lost meanwhile."""
    return await _settle(
        session,
        claim,
        status=DeliveryStatus.SENT,
        sent_at=now,
        platform_message_id=platform_message_id[:64],
        last_error=redact(error)[:300] or None,  # an error's text: no token, no phone
        parts=parts,
    )


async def mark_retry(
    session: AsyncSession,
    claim: Claimed,
    at: datetime,
    error: str,
    count_attempt: bool = True,
    sent: Sequence[str] = (),
    parts: int = 0,
) -> bool:
    """A temporary failure: try again at `at` (without using up an attempt if told so), after
    the parts `sent` so far of `parts`, if any went out."""
    attempts = claim.attempts if count_attempt else claim.attempts - 1
    progress: dict[str, object] = {"part_ids": list(sent), "parts": parts} if sent else {}
    return await _settle(
        session,
        claim,
        status=DeliveryStatus.RETRY,
        next_attempt_at=at,
        last_error=redact(error)[:300],
        attempts=attempts,
        **progress,
    )


async def record_parts(
    session: AsyncSession, claim: Claimed, ids: Sequence[str], parts: int, now: datetime
) -> bool:
    """The parts of a long message out so far (their platform ids); renews the claim. False
    if another worker has taken the row (then nothing more may be sent from here)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == claim.id, OutboxMessage.claim_token == claim.token)
        .values(part_ids=list(ids), parts=parts, claimed_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


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
    row = (
        await session.execute(
            select(OutboxMessage.first_channel, OutboxMessage.avoid_chat).where(
                OutboxMessage.id == claim.id
            )
        )
    ).one_or_none()
    first, avoid = row if row is not None else (None, None)
    others = tuple(c for c in channels if c != claim.channel)
    address = (
        await preferred_address(session, claim.member_id, others, besides=_chat_of(avoid))
        if first is None and others
        else None
    )
    if address is None or address.blocked_at is not None:
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
        address = await preferred_address(
            session, row.member_id, channels, besides=_chat_of(row.avoid_chat)
        )
        if address is None:
            continue
        row.first_channel = row.first_channel or row.channel
        row.channel = address.channel
        row.chat_id = address.external_id
        row.next_attempt_at = now
        moved += 1
    return moved
