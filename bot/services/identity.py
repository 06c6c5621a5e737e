"""Who is writing: chat address -> member, linking by invite code, invite code issuing."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.phone import InvalidPhoneError, normalise_phone
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError, NotFoundError
from models import (
    Channel,
    ChatAddress,
    FailedLink,
    InviteCode,
    Member,
    MemberStatus,
    Organisation,
)

# No 0/O, 1/I/L: codes are read aloud and copied from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6  # typed from paper: 31^6 = 887 million codes
LINK_CODE_LENGTH = 16  # in links and QR codes, never typed: 31^16, about 79 bits
INVITE_VALIDITY = timedelta(days=30)
MAX_FAILED_LINKS = 5  # wrong codes a chat may try in FAILED_LINK_WINDOW
FAILED_LINK_WINDOW = timedelta(hours=1)
# Wrong codes the whole bot (one channel) takes in FAILED_LINK_WINDOW before typed codes are
# paused: guessing from many chats at once gets at most this many tries an hour (a district's
# 6,576 printed codes among 887 million then last years, not 20 minutes). Link codes still work.
BOT_FAILED_LINKS = 100
LINKING_PAUSED = N_(
    "Too many wrong codes were tried on this bot in the last hour, so typed codes are paused "
    "for a while. Please open the link or QR code of your invite sheet, or try again later."
)
log = logging.getLogger(__name__)


async def member_for_address(
    session: AsyncSession, channel: str, external_id: str
) -> Member | None:
    """The member linked to this chat address, if any (transferred-out members are not)."""
    return (await members_for_addresses(session, channel, [external_id])).get(external_id)


async def members_for_addresses(
    session: AsyncSession, channel: str, external_ids: Sequence[str]
) -> dict[str, Member]:
    """The members linked to these chat addresses by address, in one query (transferred-out
    members are left out)."""
    rows = await session.execute(
        select(ChatAddress.external_id, Member)
        .join(Member, ChatAddress.member_id == Member.id)
        .where(ChatAddress.channel == channel, ChatAddress.external_id.in_(external_ids))
    )
    return {
        address: member
        for address, member in rows
        if member.status is not MemberStatus.TRANSFERRED_OUT
    }


def normalise_code(raw: str) -> str:
    """Upper-case a typed code and drop spaces and dashes people add when copying."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def _new_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def looks_like_code(raw: str) -> bool:
    """Whether a bare message could be an invite code (so a stranger may just type it)."""
    code = normalise_code(raw)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)


async def issue_invite(
    session: AsyncSession,
    member_id: int,
    now: datetime,
    validity: timedelta = INVITE_VALIDITY,
) -> InviteCode:
    """A new single-use code for `member_id`, valid for `validity` (30 days by default)."""
    while True:
        code = _new_code(CODE_LENGTH)
        if await session.scalar(select(InviteCode.id).where(InviteCode.code == code)) is None:
            break
    invite = InviteCode(
        code=code,
        link_code=_new_code(LINK_CODE_LENGTH),  # 79 bits: no collision to look for
        member_id=member_id,
        created_at=now,
        expires_at=now + validity,
    )
    session.add(invite)
    await session.flush()
    return invite


async def too_many_failed_links(
    session: AsyncSession, channel: str, external_id: str, now: datetime
) -> bool:
    """Whether this chat tried too many wrong codes in the last hour (guessing protection)."""
    failures = await session.scalar(
        select(func.count())
        .select_from(FailedLink)
        .where(
            FailedLink.channel == channel,
            FailedLink.external_chat_id == external_id,
            FailedLink.at > now - FAILED_LINK_WINDOW,
        )
    )
    return (failures or 0) >= MAX_FAILED_LINKS


async def link_by_code(
    session: AsyncSession, channel: str, external_id: str, raw_code: str, now: datetime
) -> Member | None:
    """Link this chat address to the member the code (typed or from a link) was issued for,
    and spend it.

    None for any code that cannot be used (wrong, used, expired, member gone): one answer
    for all, so a guesser learns nothing; the failure is recorded for the rate limits. While
    the bot has taken BOT_FAILED_LINKS wrong codes in the last hour, typed codes are refused
    (InvalidInputError) without being looked up; link codes are too long to guess and still
    work.
    """
    code = normalise_code(raw_code)
    typed = len(code) <= CODE_LENGTH
    failures = await _bot_failures(session, channel, now)
    if typed and failures >= BOT_FAILED_LINKS:
        raise InvalidInputError(LINKING_PAUSED)
    column = InviteCode.code if typed else InviteCode.link_code
    invite = await session.scalar(select(InviteCode).where(column == code).with_for_update())
    member = None if invite is None else await session.get(Member, invite.member_id)
    if (
        invite is None
        or invite.used_at is not None
        or invite.expires_at <= now
        or member is None
        or member.status is MemberStatus.TRANSFERRED_OUT
    ):
        session.add(FailedLink(channel=channel, external_chat_id=external_id, at=now))
        if failures + 1 == BOT_FAILED_LINKS:
            # The operator's alert, once per hour of guessing (the count only grows by one).
            log.error(
                "invite codes: %d wrong codes on %s in the last hour; typed codes are paused "
                "until fewer were tried (someone may be guessing)",
                BOT_FAILED_LINKS,
                channel,
            )
        return None
    invite.used_at = now
    await _link(
        session,
        member=member,
        channel=channel,
        external_id=external_id,
        now=now,
        via="invite_code",
    )
    return member


async def _bot_failures(session: AsyncSession, channel: str, now: datetime) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(FailedLink)
            .where(FailedLink.channel == channel, FailedLink.at > now - FAILED_LINK_WINDOW)
        )
        or 0
    )


async def link_by_phone(
    session: AsyncSession, channel: str, external_id: str, raw_phone: str, now: datetime
) -> Member:
    """Link this chat to the member whose roster phone is the one the person shared."""
    try:
        phone = normalise_phone(raw_phone)
    except InvalidPhoneError as exc:
        raise InvalidInputError(N_("{phone} is not a phone number."), phone=raw_phone) from exc
    member = await session.scalar(select(Member).where(Member.phone == phone))
    if member is None or member.status is MemberStatus.TRANSFERRED_OUT:
        raise NotFoundError(
            N_(
                "Your phone number is not on any cell's list. Please ask your cell secretary "
                "for an invite code, then send /start CODE."
            )
        )
    await _link(
        session,
        member=member,
        channel=channel,
        external_id=external_id,
        now=now,
        via="shared_phone",
    )
    return member


async def _link(
    session: AsyncSession,
    *,
    member: Member,
    channel: str,
    external_id: str,
    now: datetime,
    via: str,
) -> None:
    await attach_address(session, member, channel, external_id, now)
    # Linked now: codes printed or sent earlier must not link anybody else's chat to them.
    await revoke_unused_invites(session, member.id, now)
    record_audit(
        session,
        at=now,
        actor_member_id=member.id,
        action="link_chat",
        subject_type="member",
        subject_id=member.id,
        channel=channel,
        via=via,
    )


async def attach_address(
    session: AsyncSession, member: Member, channel: str, external_id: str, now: datetime
) -> None:
    """Record that `member` uses this chat address (a no-op if it already does)."""
    existing = await session.scalar(
        select(ChatAddress).where(
            ChatAddress.channel == channel, ChatAddress.external_id == external_id
        )
    )
    if existing is not None:
        if existing.member_id != member.id:
            raise InvalidInputError(
                N_("This chat is already linked to another member. Please ask your secretary.")
            )
        return
    session.add(
        ChatAddress(
            member_id=member.id, channel=Channel(channel), external_id=external_id, linked_at=now
        )
    )
    await session.flush()


async def member_by_phone(session: AsyncSession, raw_phone: str) -> Member:
    """The member with this phone number, written in any common format."""
    try:
        phone = normalise_phone(raw_phone)
    except InvalidPhoneError as exc:
        raise InvalidInputError(N_("{phone} is not a phone number."), phone=raw_phone) from exc
    member = await session.scalar(select(Member).where(Member.phone == phone))
    if member is None:
        raise NotFoundError(N_("No member has the phone number {phone}."), phone=phone)
    return member


async def member_in_cells(session: AsyncSession, raw_phone: str, cell_ids: set[int]) -> Member:
    """The member of these cells with this phone. The refusal is the same whether nobody has
    the phone or a member of another cell has it: no answer tells who is a member."""
    try:
        phone = normalise_phone(raw_phone)
    except InvalidPhoneError as exc:
        raise InvalidInputError(N_("{phone} is not a phone number."), phone=raw_phone) from exc
    member = await session.scalar(
        select(Member).where(Member.phone == phone, Member.cell_id.in_(sorted(cell_ids)))
    )
    if member is None:
        raise NotFoundError(
            N_("No member of your cells has the phone number {phone}."), phone=phone
        )
    return member


async def cell_name(session: AsyncSession, member: Member) -> str:
    """The name of the member's cell."""
    return (
        await session.scalar(select(Organisation.name).where(Organisation.id == member.cell_id))
        or ""
    )


async def linked_channels(session: AsyncSession, member_id: int) -> list[str]:
    """The messengers a member is linked on, first linked first (console chats left out)."""
    rows = await session.scalars(
        select(ChatAddress.channel)
        .where(ChatAddress.member_id == member_id, ChatAddress.channel != Channel.CONSOLE)
        .order_by(ChatAddress.linked_at, ChatAddress.id)
    )
    return list(dict.fromkeys(str(channel) for channel in rows))


async def set_preferred_channel(
    session: AsyncSession, member: Member, channel: str, now: datetime
) -> None:
    """Send `member`'s notices and reminders to `channel`, one of the messengers they use."""
    if channel not in await linked_channels(session, member.id):
        raise InvalidInputError(N_("You are not linked on that messenger yet."))
    member.preferred_channel = Channel(channel)
    record_audit(
        session,
        at=now,
        actor_member_id=member.id,
        action="prefer_channel",
        subject_type="member",
        subject_id=member.id,
        channel=channel,
    )


async def revoke_unused_invites(session: AsyncSession, member_id: int, now: datetime) -> None:
    """End every unused code of `member_id` now (a new one replaces them)."""
    await session.execute(
        update(InviteCode)
        .where(
            InviteCode.member_id == member_id,
            InviteCode.used_at.is_(None),
            InviteCode.expires_at > now,
        )
        .values(expires_at=now)
    )
