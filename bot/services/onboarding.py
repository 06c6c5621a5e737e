"""Getting members linked: who has linked a chat, invite codes to hand out, new codes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_audit
from bot.services.identity import INVITE_VALIDITY, issue_invite, revoke_unused_invites
from models import ChatAddress, InviteCode, Member, MemberStatus, Organisation, OrgKind

# A code handed out on paper should outlive the week until the next meeting.
REUSE_IF_VALID_FOR = timedelta(days=7)


@dataclass(frozen=True)
class LinkState:
    """A member of a cell, whether a chat is linked to them, and their usable code if any."""

    member: Member
    cell: Organisation
    linked: bool
    code: InviteCode | None


def deep_link(bot_username: str, invite: InviteCode) -> str:
    """The link that opens the bot in Telegram and sends /start with the invite's long code
    (nobody types it, so it is too long to guess); its short code for older invites."""
    code = invite.link_code or invite.code
    return f"https://t.me/{bot_username.strip().lstrip('@')}?start={code}"


async def cells_under(session: AsyncSession, org: Organisation) -> list[Organisation]:
    """The cells in `org`'s subtree (itself, if it is a cell), by name."""
    return list(
        await session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.CELL, Organisation.path.startswith(org.path))
            .order_by(Organisation.name)
        )
    )


async def link_states(
    session: AsyncSession, cells: list[Organisation], now: datetime
) -> list[LinkState]:
    """Every current member of these cells (by cell, then name) with their link state."""
    by_id = {cell.id: cell for cell in cells}
    linked = exists().where(ChatAddress.member_id == Member.id)
    rows = list(
        await session.execute(
            select(Member, linked.label("linked"))
            .where(
                Member.cell_id.in_(by_id),
                Member.status != MemberStatus.TRANSFERRED_OUT,
            )
            .order_by(Member.full_name, Member.id)
        )
    )
    codes = await _usable_codes(session, [member.id for member, _ in rows], now)
    states = [
        LinkState(member, by_id[member.cell_id], bool(is_linked), codes.get(member.id))
        for member, is_linked in rows
    ]
    return sorted(states, key=lambda s: s.cell.name)  # stable: names stay in order


async def is_linked(session: AsyncSession, member_id: int) -> bool:
    """Whether a chat is linked to the member."""
    return bool(await session.scalar(select(exists().where(ChatAddress.member_id == member_id))))


async def _usable_codes(
    session: AsyncSession, member_ids: list[int], now: datetime
) -> dict[int, InviteCode]:
    codes: dict[int, InviteCode] = {}
    for code in await session.scalars(
        select(InviteCode)
        .where(
            InviteCode.member_id.in_(member_ids),
            InviteCode.used_at.is_(None),
            InviteCode.expires_at > now,
        )
        .order_by(InviteCode.expires_at)
    ):
        codes[code.member_id] = code  # the one lasting longest wins
    return codes


async def invite_to_hand_out(
    session: AsyncSession, state: LinkState, actor_member_id: int | None, now: datetime
) -> InviteCode:
    """The member's usable code if it lasts another week, else a new one (printing the sheet
    twice does not spoil codes already handed out)."""
    if state.code is not None and state.code.expires_at - now >= REUSE_IF_VALID_FOR:
        return state.code
    return await _issue(
        session,
        member_id=state.member.id,
        actor_member_id=actor_member_id,
        now=now,
        action="invite_issued",
    )


async def regenerate_invite(
    session: AsyncSession,
    member_id: int,
    actor_member_id: int | None,
    now: datetime,
    validity: timedelta = INVITE_VALIDITY,
) -> InviteCode:
    """A new code for the member; their earlier unused codes stop working."""
    await revoke_unused_invites(session, member_id, now)
    return await _issue(
        session,
        member_id=member_id,
        actor_member_id=actor_member_id,
        now=now,
        action="invite_regenerated",
        validity=validity,
    )


async def _issue(
    session: AsyncSession,
    *,
    member_id: int,
    actor_member_id: int | None,
    now: datetime,
    action: str,
    validity: timedelta = INVITE_VALIDITY,
) -> InviteCode:
    invite = await issue_invite(session, member_id, now, validity)
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action=action,
        subject_type="member",
        subject_id=member_id,
    )
    return invite
