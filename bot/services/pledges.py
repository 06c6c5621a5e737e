"""Monthly pledges: the deed a member plans for this month or proposes for the next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.deeds import require_text
from models import Member, MemberStatus, Pledge

_EMPTY_PLEDGE = N_("Please write what you plan to do this month.")


async def get_pledge(session: AsyncSession, member_id: int, month: date) -> Pledge | None:
    """The member's pledge for `month`, if made."""
    return await session.scalar(
        select(Pledge).where(Pledge.member_id == member_id, Pledge.month == month)
    )


async def set_pledge(
    session: AsyncSession,
    *,
    member_id: int,
    month: date,
    text: str,
    now: datetime,
    max_length: int,
) -> Pledge:
    """Create or replace the member's pledge for `month`."""
    text = require_text(text, max_length, _EMPTY_PLEDGE)
    pledge = await get_pledge(session, member_id, month)
    if pledge is None:
        pledge = Pledge(
            member_id=member_id, month=month, text=text, created_at=now, updated_at=now
        )
        session.add(pledge)
    else:
        pledge.text = text
        pledge.updated_at = now
    await session.flush()
    return pledge


@dataclass(frozen=True)
class Proposal:
    """A member's pledge as the secretary reads it before the meeting."""

    name: str
    text: str


async def cell_pledges(session: AsyncSession, cell_id: int, month: date) -> list[Proposal]:
    """The pledges the members of a cell made for `month` (next month's proposals, before the
    meeting), by name; members who left the cell are not listed."""
    rows = await session.execute(
        select(Member.full_name, Pledge.text)
        .join(Pledge, Pledge.member_id == Member.id)
        .where(
            Member.cell_id == cell_id,
            Pledge.month == month,
            Member.status != MemberStatus.TRANSFERRED_OUT,
        )
        .order_by(Member.full_name, Member.id)
    )
    return [Proposal(name, text) for name, text in rows]
