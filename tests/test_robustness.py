"""Crashes, redeliveries and restarts lose nothing and duplicate nothing."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from models import Assignment, DeedReport, Pledge
from tests.dialog import Chat, crashing_registry
from tests.factories import Cell, FakeClock


async def _count(sessionmaker: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_redelivered_confirmation_is_stored_once(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1", "Giúp dựng nhà"):
        await xien.send(said)
    first = await xien.send("1", message_id="confirm-77")
    again = await xien.send("1", message_id="confirm-77")
    assert "Đã ghi nhận" in first
    assert again == ""  # a platform redelivery is silently dropped, not answered twice
    assert await _count(sessionmaker, DeedReport) == 1


async def test_restart_mid_report_finishes_the_same_report(
    xien: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    for said in ("/viectot", "3"):
        await xien.send(said)
    restarted = Chat(Dispatcher(sessionmaker, settings, clock), chat_id=xien.chat_id)
    reply = await restarted.send("Cho mượn giống ngô")  # the description, after the restart
    assert "Giúp: Lường Văn Sơn (PK-03)" in reply
    assert "Nội dung: Cho mượn giống ngô" in reply
    await restarted.send("1")
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
    assert report is not None and report.household_id == cell.households["Lường Văn Sơn"]


async def test_crash_in_a_handler_rolls_back_and_the_bot_goes_on(
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    registry = crashing_registry()
    mai = Chat(Dispatcher(sessionmaker, settings, clock, registry), chat_id="chat-mai")
    reply = await mai.send("/boom", message_id="m-1")
    assert "Xin lỗi, hệ thống gặp sự cố nên tin nhắn vừa rồi chưa được lưu." in reply
    assert "Đồng chí vui lòng gửi lại sau ít phút." in reply
    assert await _count(sessionmaker, Pledge) == 0  # the half-done work was rolled back
    assert "đang phụ trách 2 hộ" in await mai.send("/ho")
    # The crashed message was not marked as handled, so the platform's retry is processed.
    assert "hệ thống gặp sự cố" in await mai.send("/boom", message_id="m-1")


async def test_household_reassigned_mid_report_asks_again_and_keeps_the_text(
    xien: Chat, cell: Cell
) -> None:
    await xien.send("/viectot")
    await xien.send("1")
    await xien.send("Giúp sửa nhà")
    # The household is taken away from Xiên while he is confirming.
    async with xien.dispatcher.sessionmaker() as session, session.begin():
        await session.execute(
            update(Assignment)
            .where(Assignment.household_id == cell.households["Lò Văn Pành"])
            .values(ended_on=xien.dispatcher.clock.now().date())
        )
    reply = await xien.send("1")
    assert "không còn giao cho đồng chí" in reply
    assert "Chọn một hộ" in reply and "Lò Văn Pành" not in reply
    confirm = await xien.send("Quàng Thị Ún")
    assert "Giúp: Quàng Thị Ún (PK-02)" in confirm
    assert "Nội dung: Giúp sửa nhà" in confirm
