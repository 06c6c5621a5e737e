"""Broadcasts: who a leader may write to, who receives it, and how delivery went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, String, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, translator
from bot.core.messages import Choice
from bot.delivery.outbox import enqueue
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError, NotFoundError
from bot.services.oversight import EXPECTED_TO_REPORT, LEADERS_ONLY, overseen_orgs
from models import (
    Attendance,
    AttendanceStatus,
    Audience,
    Broadcast,
    BroadcastKind,
    ChatAddress,
    DeedReport,
    DeliveryStatus,
    Meeting,
    Member,
    MemberStatus,
    Organisation,
    OutboxMessage,
)

ACK_PREFIX = "ack:b"


@dataclass(frozen=True)
class Recipient:
    """A member a broadcast would go to."""

    member_id: int
    name: str
    language: str | None
    reachable: bool  # has a chat the bot can write to
    blocked: bool = False  # linked, but blocked the bot wherever they are linked


async def broadcast_scope(session: AsyncSession, member_id: int) -> list[Organisation]:
    """Organisations the member may write to: where they hold a role, and everything below."""
    roots = await overseen_orgs(session, member_id)
    if not roots:
        raise AccessDeniedError(LEADERS_ONLY)
    return list(
        await session.scalars(
            select(Organisation)
            .where(or_(*(Organisation.path.startswith(root.path) for root in roots)))
            .order_by(Organisation.path)
        )
    )


async def org_in_scope(session: AsyncSession, member_id: int, org_id: int) -> Organisation:
    for org in await broadcast_scope(session, member_id):
        if org.id == org_id:
            return org
    raise NotFoundError(N_("You cannot write to that organisation."))


async def recipients(
    session: AsyncSession, org: Organisation, audience: Audience, month: date
) -> list[Recipient]:
    """Members under `org` the audience selects, by name; transferred-out members never."""
    cells = select(Organisation.id).where(Organisation.path.startswith(org.path))
    has_chat = exists().where(ChatAddress.member_id == Member.id)
    open_chat = exists().where(
        ChatAddress.member_id == Member.id, ChatAddress.blocked_at.is_(None)
    )
    query = select(Member.id, Member.full_name, Member.language, has_chat, open_chat).where(
        Member.cell_id.in_(cells), Member.status != MemberStatus.TRANSFERRED_OUT
    )
    if audience is Audience.NOT_REPORTED:
        reported = exists().where(
            DeedReport.member_id == Member.id,
            DeedReport.month == month,
            DeedReport.withdrawn_at.is_(None),
        )
        query = query.where(Member.status.in_(EXPECTED_TO_REPORT), ~reported)
    if audience is Audience.ABSENT_LAST_MEETING:
        query = query.where(Member.id.in_(_absent_at_last_meeting()))
    rows = await session.execute(query.order_by(Member.full_name, Member.id))
    return [
        Recipient(mid, name, language, bool(open_), bool(chat) and not open_)
        for mid, name, language, chat, open_ in rows
    ]


def _absent_at_last_meeting() -> Select[int]:
    """Members recorded absent at the latest meeting of their cell that has attendance."""
    last = (
        select(Meeting.id)
        .where(
            Meeting.cell_id == Member.cell_id,
            exists().where(Attendance.meeting_id == Meeting.id),
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
        .correlate(Member)
        .scalar_subquery()
    )
    return select(Attendance.member_id).where(
        Attendance.meeting_id == last,
        Attendance.member_id == Member.id,
        Attendance.status != AttendanceStatus.PRESENT,
    )


def notice_text(language: str, org_name: str, sender_name: str, text: str) -> str:
    """What a recipient reads: who writes, then the notice."""
    header = translator(language).gettext("Notice from {org} ({sender}):")
    return header.format(org=org_name, sender=sender_name) + "\n" + text


async def create_broadcast(
    session: AsyncSession,
    *,
    sender: Member,
    org_id: int,
    audience: Audience,
    text: str,
    ask_ack: bool,
    month: date,
    now: datetime,
    default_language: str,
) -> tuple[Broadcast, list[Recipient]]:
    """Record the broadcast and queue one message per recipient, in the caller's transaction."""
    org = await org_in_scope(session, sender.id, org_id)
    people = await recipients(session, org, audience, month)
    broadcast = Broadcast(
        org_id=org.id,
        sender_member_id=sender.id,
        audience=audience,
        text=text,
        ask_ack=ask_ack,
        created_at=now,
    )
    session.add(broadcast)
    await session.flush()
    for person in people:
        language = person.language or default_language
        choices = (
            (Choice(f"{ACK_PREFIX}{broadcast.id}", translator(language).gettext("Received")),)
            if ask_ack
            else ()
        )
        await enqueue(
            session,
            cause=f"broadcast:{broadcast.id}",
            member_id=person.member_id,
            text=notice_text(language, org.name, sender.full_name, text),
            choices=choices,
            now=now,
        )
    record_audit(
        session,
        at=now,
        actor_member_id=sender.id,
        action="broadcast_sent",
        subject_type="organisation",
        subject_id=org.id,
        broadcast_id=broadcast.id,
        recipients=len(people),
    )
    return broadcast, people


@dataclass(frozen=True)
class BroadcastSummary:
    """One of a sender's broadcasts, for choosing which report to read."""

    id: int
    org_name: str
    created_at: datetime
    text: str
    recipients: int
    kind: BroadcastKind = BroadcastKind.NOTICE


async def recent_broadcasts(
    session: AsyncSession, sender_id: int, limit: int = 5
) -> list[BroadcastSummary]:
    """The sender's latest broadcasts, newest first."""
    count = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.cause == literal("broadcast:") + cast(Broadcast.id, String))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(
            Broadcast.id,
            Organisation.name,
            Broadcast.created_at,
            Broadcast.text,
            count,
            Broadcast.kind,
        )
        .join(Organisation, Organisation.id == Broadcast.org_id)
        .where(Broadcast.sender_member_id == sender_id)
        .order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
        .limit(limit)
    )
    return [BroadcastSummary(*row) for row in rows]


async def acknowledge_broadcast(
    session: AsyncSession, broadcast_id: int, member_id: int, now: datetime
) -> bool:
    """The member pressed "Received" under the notice; False if it was not sent to them."""
    message = await session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.cause == f"broadcast:{broadcast_id}",
            OutboxMessage.member_id == member_id,
        )
    )
    if message is None:
        return False
    if message.acked_at is None:
        message.acked_at = now
    return True


async def acknowledge_latest(session: AsyncSession, member_id: int, now: datetime) -> bool:
    """Typed "đã nhận" (no buttons on this channel): confirm the member's newest notice that
    asks for it and is not confirmed yet. False if there is none."""
    message = await session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.member_id == member_id,
            OutboxMessage.cause.startswith("broadcast:"),
            OutboxMessage.acked_at.is_(None),
            OutboxMessage.status == DeliveryStatus.SENT,
        )
        .order_by(OutboxMessage.sent_at.desc())
    )
    if message is None or not message.choices:
        return False
    message.acked_at = now
    return True


async def own_broadcast(session: AsyncSession, sender_id: int, broadcast_id: int) -> Broadcast:
    """The broadcast, if `sender_id` sent it."""
    broadcast = await session.get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.sender_member_id != sender_id:
        raise NotFoundError(N_("You can only see the delivery of your own notices."))
    return broadcast
