"""A member who blocks the bot on Telegram is known before anything is sent: chibo asks for
my_chat_member updates, records the block, and the broadcast preview and /dagui count them as
unreachable ("đã chặn trợ lý"); unblocking makes them reachable again. A 403 on delivery is
recorded the same way."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel, command_menu
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from models import ChatAddress, DeliveryStatus, OutboxMessage, Role, RoleKind
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.fake_telegram import TOKEN, FakeTelegram

XIEN = 5001


@pytest.fixture
async def secretary(
    cell: Cell,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> Chat:
    """Mai, the cell's secretary, on the console; Xiên linked on Telegram."""
    async with sessionmaker() as session, session.begin():
        session.add(
            Role(
                member_id=cell.members["mai"],
                org_id=cell.cell_id,
                kind=RoleKind.SECRETARY,
                started_on=date(2025, 1, 1),
            )
        )
        session.add(
            ChatAddress(
                member_id=cell.members["xien"],
                channel="telegram",
                external_id=str(XIEN),
                linked_at=clock.now(),
            )
        )
    return Chat(dispatcher, chat_id="chat-mai")


@pytest.fixture
async def telegram(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(
        TOKEN,
        dispatcher.handle,
        api_url=fake.base_url,
        poll_timeout=1,
        menu=command_menu(dispatcher.registry),
    )
    await channel.start()
    yield channel
    await channel.stop()


async def _blocked_at(sessionmaker: async_sessionmaker[AsyncSession], blocked: bool) -> None:
    """Wait until chibo has recorded Xiên's Telegram chat as blocked (or not)."""
    for _ in range(200):
        async with sessionmaker() as session:
            address = await session.scalar(
                select(ChatAddress).where(ChatAddress.external_id == str(XIEN))
            )
        assert address is not None
        if (address.blocked_at is not None) == blocked:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the chat was not recorded as {'blocked' if blocked else 'open'}")


async def _preview(secretary: Chat) -> str:
    for said in ("/thongbao", "tat ca", "Họp chi bộ ngày 24"):
        await secretary.send(said)
    return await secretary.send("khong")


async def test_telegram_is_asked_for_block_updates(
    fake: FakeTelegram, telegram: TelegramChannel
) -> None:
    polls = [params for method, params in fake.calls if method == "getUpdates"]
    assert all("my_chat_member" in p["allowed_updates"] for p in polls if "allowed_updates" in p)
    assert any("allowed_updates" in p for p in polls)


async def test_a_member_who_blocked_the_bot_is_counted_unreachable_before_sending(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    secretary: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await fake.blocks(XIEN)
    await _blocked_at(sessionmaker, True)
    preview = await _preview(secretary)
    assert "Người nhận: 2 (Tất cả đảng viên)" in preview
    assert "1 người không nhận được vì đã chặn trợ lý: Lò Văn Xiên." in preview
    assert "đang được gửi tới 1/2 đảng viên" in await secretary.send("gui")  # Mai herself
    report = await secretary.send("/dagui")  # before the delivery worker has sent anything
    assert "• Lò Văn Xiên: đã chặn trợ lý" in report
    async with sessionmaker() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.member_id == cell.members["xien"])
        )
    assert row is not None and row.status is DeliveryStatus.FAILED and row.attempts == 0


async def test_unblocking_makes_the_member_reachable_again(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    secretary: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await fake.blocks(XIEN)
    await _blocked_at(sessionmaker, True)
    await fake.blocks(XIEN, blocked=False)
    await _blocked_at(sessionmaker, False)
    preview = await _preview(secretary)
    assert "chặn trợ lý" not in preview
    assert "đang được gửi tới 2/2 đảng viên" in await secretary.send("gui")


async def test_a_403_on_delivery_is_remembered_for_the_next_notice(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    secretary: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    fake.blocked_by.add(XIEN)  # blocked while chibo did not ask for block updates
    await _preview(secretary)
    await secretary.send("gui")
    await DeliveryWorker(sessionmaker, {"telegram": telegram}, clock).drain()
    await _blocked_at(sessionmaker, True)
    assert "1 người không nhận được vì đã chặn trợ lý: Lò Văn Xiên." in await _preview(secretary)
