"""Erasing the personal data of members who left long ago (`chibo purge`).

A member transferred out (chuyển sinh hoạt đi) more than N years ago keeps a row, so the
cell's past figures (reports per month, attendance, households helped) stay true, but loses
everything that says who they were or what they wrote: name, phone, chat addresses, invite
codes, conversation state, the texts and photos of their reports, pledges, opinions and RSVP
reasons, the messages queued to them. Each erasure is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_audit
from bot.services.kept import PREFIX as KEPT
from models import (
    AgendaOpinion,
    ChatAddress,
    ConversationState,
    DeedPhoto,
    DeedReport,
    InviteCode,
    KeptFile,
    Member,
    MemberStatus,
    MemberStatusChange,
    OutboxMessage,
    Pledge,
    Rsvp,
    WebSignIn,
)

PURGED_NAME = "Đảng viên đã chuyển đi #{id}"


@dataclass(frozen=True)
class Leaver:
    """A member who left, and since when."""

    member_id: int
    left_on: date


@dataclass(frozen=True)
class PurgePlan:
    """Who would be erased, and how many left without a recorded date (kept)."""

    leavers: list[Leaver]
    undated: int


async def leavers_before(session: AsyncSession, cutoff: date) -> PurgePlan:
    """Members transferred out on or before `cutoff` and not erased yet."""
    left = (
        select(
            MemberStatusChange.member_id,
            func.max(MemberStatusChange.effective_on).label("left_on"),
        )
        .where(MemberStatusChange.status == MemberStatus.TRANSFERRED_OUT)
        .group_by(MemberStatusChange.member_id)
        .subquery()
    )
    rows = await session.execute(
        select(Member.id, left.c.left_on)
        .outerjoin(left, left.c.member_id == Member.id)
        .where(Member.status == MemberStatus.TRANSFERRED_OUT, Member.phone.is_not(None))
        .order_by(Member.id)
    )
    leavers, undated = [], 0
    for member_id, left_on in rows:
        if left_on is None:
            undated += 1
        elif left_on <= cutoff:
            leavers.append(Leaver(member_id, left_on))
    return PurgePlan(leavers, undated)


async def purge_members(
    session: AsyncSession, leavers: list[Leaver], years: int, now: datetime
) -> int:
    """Erase the personal data of `leavers` (see the module's docstring); returns how many."""
    ids = [leaver.member_id for leaver in leavers]
    if not ids:
        return 0
    addresses = (
        await session.execute(
            select(ChatAddress.channel, ChatAddress.external_id).where(
                ChatAddress.member_id.in_(ids)
            )
        )
    ).all()
    if addresses:
        await session.execute(
            delete(ConversationState).where(
                tuple_(ConversationState.channel, ConversationState.external_chat_id).in_(
                    [(str(channel), external) for channel, external in addresses]
                )
            )
        )
    await session.execute(delete(ChatAddress).where(ChatAddress.member_id.in_(ids)))
    await session.execute(delete(InviteCode).where(InviteCode.member_id.in_(ids)))
    await session.execute(delete(WebSignIn).where(WebSignIn.member_id.in_(ids)))
    deeds = select(DeedReport.id).where(DeedReport.member_id.in_(ids))
    kept = set(
        await session.scalars(
            select(DeedPhoto.file_ref).where(
                DeedPhoto.deed_id.in_(deeds), DeedPhoto.file_ref.startswith(KEPT)
            )
        )
    )
    await session.execute(delete(DeedPhoto).where(DeedPhoto.deed_id.in_(deeds)))
    if kept:  # pictures chibo downloaded and kept (Zalo), unless another report has them
        still = set(
            await session.scalars(select(DeedPhoto.file_ref).where(DeedPhoto.file_ref.in_(kept)))
        )
        gone = [ref.removeprefix(KEPT) for ref in kept - still]
        await session.execute(delete(KeptFile).where(KeptFile.sha256.in_(gone)))
    await session.execute(
        update(DeedReport)
        .where(DeedReport.member_id.in_(ids))
        .values(text="", source_key="purged:" + cast(DeedReport.id, String))
    )
    await session.execute(update(Pledge).where(Pledge.member_id.in_(ids)).values(text=""))
    await session.execute(
        update(AgendaOpinion).where(AgendaOpinion.member_id.in_(ids)).values(text="")
    )
    await session.execute(update(Rsvp).where(Rsvp.member_id.in_(ids)).values(reason=None))
    await session.execute(
        update(MemberStatusChange).where(MemberStatusChange.member_id.in_(ids)).values(note=None)
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.member_id.in_(ids))
        .values(text="", photo=None, chat_id=None, choices=[])
    )
    for leaver in leavers:
        await session.execute(
            update(Member)
            .where(Member.id == leaver.member_id)
            .values(
                full_name=PURGED_NAME.format(id=leaver.member_id),
                phone=None,
                language=None,
                preferred_channel=None,
            )
        )
        record_audit(
            session,
            at=now,
            actor_member_id=None,
            action="member.purge",
            subject_type="member",
            subject_id=leaver.member_id,
            years=years,
            left_on=leaver.left_on.isoformat(),
        )
    return len(ids)
