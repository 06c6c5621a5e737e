"""Guessing invite codes from many chats at once: the bot takes a bounded number of wrong
codes an hour, the operator is alerted, and the long codes of links and QR codes still work."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.services.identity import (
    BOT_FAILED_LINKS,
    CODE_ALPHABET,
    LINK_CODE_LENGTH,
    issue_invite,
)
from bot.services.onboarding import deep_link
from models import FailedLink
from tests.dialog import Chat
from tests.factories import Cell, FakeClock


async def test_many_chats_guessing_pause_typed_codes_and_alert_the_operator(
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with sessionmaker() as session, session.begin():
        # Wrong codes already tried this hour from as many chats (each under its own limit).
        session.add_all(
            FailedLink(channel="console", external_chat_id=f"guess-{n}", at=clock.now())
            for n in range(BOT_FAILED_LINKS - 1)
        )
        invite = await issue_invite(session, cell.members["xien"], clock.now())
    with caplog.at_level(logging.ERROR, logger="bot.services.identity"):
        reply = await Chat(dispatcher, "guess-last").send("/start ZZZZZZ")
    assert "Mã này không dùng được" in reply  # the 100th guess: answered as any wrong code
    alerts = [r for r in caplog.records if "typed codes are paused" in r.getMessage()]
    assert len(alerts) == 1 and str(BOT_FAILED_LINKS) in alerts[0].getMessage()
    xien = Chat(dispatcher, "chat-1")
    paused = await xien.send("/start XEN234")  # a right code, typed: paused for everyone
    assert "mã gõ tay tạm dừng" in paused and "Xiên" not in paused
    assert "Chào mừng đồng chí Lò Văn Xiên" in await xien.send(f"/start {invite.link_code}")
    clock.advance(hours=1, minutes=1)
    newcomer = Chat(dispatcher, "chat-new")
    assert "Mã này không dùng được" in await newcomer.send("/start XEN234")  # used, not paused


async def test_links_and_qr_codes_carry_the_long_code(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        invite = await issue_invite(session, cell.members["xien"], clock.now())
    assert invite.link_code is not None and len(invite.link_code) == LINK_CODE_LENGTH
    assert set(invite.link_code) <= set(CODE_ALPHABET)
    assert len(invite.code) == 6  # the typed one stays short
    assert deep_link("@chibo_bot", invite) == f"https://t.me/chibo_bot?start={invite.link_code}"
    assert invite.expires_at - clock.now() == timedelta(days=30)
