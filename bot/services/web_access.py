"""Who may open the web dashboard: single-use sign-in links (kept as hashes, expiring in
minutes), the member behind a Telegram account, and what a leader's dashboard covers."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from models import Channel, ChatAddress, Member, MemberStatus, WebSignIn

LINK_MINUTES = 10  # a sign-in link works once, within this many minutes
LINK_PATH = "/web/signin/"
MINI_APP_PATH = "/web/app"  # what Telegram's "Open the dashboard" button opens
OPEN_KEY = "dashboard"  # the key of the "Open the dashboard" choice
OPEN_LABEL = N_("Open the dashboard")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def new_sign_in(session: AsyncSession, member_id: int, now: datetime) -> str:
    """A fresh single-use token opening the dashboard as `member_id`; only its hash is
    stored."""
    token = secrets.token_urlsafe(24)
    session.add(
        WebSignIn(
            token_hash=_digest(token),
            member_id=member_id,
            created_at=now,
            expires_at=now + timedelta(minutes=LINK_MINUTES),
        )
    )
    await session.flush()
    return token


def sign_in_url(base_url: str, token: str) -> str:
    """The link a member opens: `base_url` (PUBLIC_URL) and the token."""
    return base_url.rstrip("/") + LINK_PATH + token


async def use_sign_in(session: AsyncSession, token: str, now: datetime) -> int | None:
    """The member a token signs in, spending it; None for an unknown, used or expired token
    (or a member who left). One statement marks it used, so two clicks at once get one
    session."""
    if not token or len(token) > 64:
        return None
    spent = await session.execute(
        update(WebSignIn)
        .where(
            WebSignIn.token_hash == _digest(token),
            WebSignIn.used_at.is_(None),
            WebSignIn.expires_at > now,
        )
        .values(used_at=now)
        .returning(WebSignIn.member_id)
    )
    member_id = spent.scalar_one_or_none()
    if member_id is None:
        return None
    return await current_member(session, member_id)


async def telegram_member(session: AsyncSession, telegram_user_id: int) -> int | None:
    """The member whose Telegram chat is the user's (a private chat's id is the user's)."""
    member_id = await session.scalar(
        select(ChatAddress.member_id).where(
            ChatAddress.channel == Channel.TELEGRAM,
            ChatAddress.external_id == str(telegram_user_id),
        )
    )
    return await current_member(session, member_id) if member_id is not None else None


async def current_member(session: AsyncSession, member_id: int) -> int | None:
    """`member_id` if the member is still on a cell's roll (not transferred out), else None."""
    status = await session.scalar(select(Member.status).where(Member.id == member_id))
    if status is None or status is MemberStatus.TRANSFERRED_OUT:
        return None
    return member_id
