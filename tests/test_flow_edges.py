"""Edges of real use: month ends, stale drafts, albums, double taps, interruptions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.messages import InboundMessage
from bot.dispatcher.dispatch import Dispatcher
from bot.services.roster.history import change_member_status
from models import DeedPhoto, MemberStatus
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import Cell, FakeClock, stored_reports


async def test_report_begun_before_midnight_at_month_end_asks_which_month(
    xien: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock.current = datetime(2026, 10, 31, 16, 50, tzinfo=UTC)  # 23:50 on 31/10 in Hà Nội
    for said in ("/viectot", "1", "Giúp gặt lúa"):
        await xien.send(said)
    clock.advance(minutes=20)  # 00:10 on 01/11
    reply = await xien.send("gui")
    assert "Đã sang tháng mới" in reply
    assert "10/2026" in reply and "11/2026" in reply
    assert "Đã ghi nhận việc tốt tháng 10/2026" in await xien.send("10/2026")
    [report] = await stored_reports(sessionmaker)
    assert report.month.isoformat() == "2026-10-01"


async def test_draft_left_for_days_is_set_aside_with_a_word(
    xien: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1"):
        await xien.send(said)
    clock.advance(days=60)
    reply = await xien.send("bao cao viec tot")
    assert "bỏ dở báo cáo việc tốt từ ngày 15/11/2026" in reply
    assert "Chọn một hộ" in reply  # the words started a new report, not a description
    assert await stored_reports(sessionmaker) == []


async def test_language_change_mid_report_keeps_the_draft(xien: Chat) -> None:
    for said in ("/viectot", "1", "Giúp sửa nhà"):
        await xien.send(said)
    reply = await xien.send("/ngonngu")
    assert "Đồng chí đang làm dở báo cáo việc tốt" in reply
    assert "Nội dung: Giúp sửa nhà" in reply  # the summary waiting for its tap, asked again
    assert "Đã ghi nhận" in await xien.send("1")


async def test_album_photos_sent_at_any_step_are_all_kept(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await xien.send(photos=("p1",))  # starts a report
    assert "Đã nhận: 2 ảnh" in await xien.send(photos=("p2",))  # the album, at the household step
    await xien.send("1")
    await xien.send(photos=("p3",))  # at the description step
    confirm = await xien.send("Dựng lại bếp")
    assert "Số ảnh: 3" in confirm
    await xien.send("1")
    async with sessionmaker() as session:
        assert sorted(await session.scalars(select(DeedPhoto.file_ref))) == ["p1", "p2", "p3"]


async def test_photo_after_the_menu_starts_a_report(xien: Chat) -> None:
    await xien.send("xin chao")
    assert "Chọn một hộ" in await xien.send(photos=("p1",))


async def test_edit_across_midnight_at_month_end_ends_politely(
    xien: Chat, clock: FakeClock
) -> None:
    clock.current = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    await report_deed(xien, "1", "Việc tháng 11")
    for said in ("/viectot", "sua", "1"):
        await xien.send(said)
    clock.advance(hours=2)  # 01:00 on 01/12
    reply = await xien.send("Nội dung mới")
    assert "Không sửa được báo cáo này" in reply
    assert "Đồng chí muốn làm gì?" in await xien.send("1")  # not stuck in the old step


async def test_typed_yes_words_confirm(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1", "Giúp sửa nhà"):
        await xien.send(said)
    assert "Đã ghi nhận việc tốt tháng 11/2026" in await xien.send("Có")
    await verify_dialog(
        xien,
        [
            ("/viectot", "Rút"),
            ("rut", "rút báo cáo nào"),
            ("1", "Rút báo cáo này?"),
            ("không", "Vâng, báo cáo được giữ nguyên."),
        ],
    )


async def test_member_transferred_out_mid_report_is_a_stranger_and_stuck_nowhere(
    xien: Chat, cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1"):
        await xien.send(said)
    async with sessionmaker() as session, session.begin():
        await change_member_status(
            session,
            member_id=cell.members["xien"],
            status=MemberStatus.TRANSFERRED_OUT,
            effective_on=clock.now().date(),
            note=None,
            actor_member_id=None,
            now=clock.now(),
            today=clock.now().date(),
        )
    for said in ("Giúp", "1", "/huy"):
        reply = await xien.send(said)
        assert "/start" in reply and "hệ thống gặp sự cố" not in reply
    assert await stored_reports(sessionmaker) == []


async def test_double_tap_on_send_stores_one_report(
    xien: Chat, dispatcher: Dispatcher, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1", "Giúp sửa nhà"):
        await xien.send(said)
    taps = [
        InboundMessage(channel="console", chat_id="chat-1", message_id=f"tap-{n}", choice="send")
        for n in (1, 2)
    ]
    replies = await asyncio.gather(*(dispatcher.handle(tap) for tap in taps))
    texts = [r.text for answer in replies for r in answer]
    assert sum("Đã ghi nhận" in text for text in texts) == 1
    assert len(await stored_reports(sessionmaker)) == 1


async def test_two_first_messages_at_once_both_get_answers(
    xien: Chat, dispatcher: Dispatcher
) -> None:
    messages = [
        InboundMessage(channel="console", chat_id="chat-1", message_id="a", text="/ho"),
        InboundMessage(channel="console", chat_id="chat-1", message_id="b", text="xin chào"),
    ]
    replies = await asyncio.gather(*(dispatcher.handle(m) for m in messages))
    texts = "\n".join(r.text for answer in replies for r in answer)
    assert "đang phụ trách 5 hộ" in texts and "Đồng chí muốn làm gì?" in texts
    assert "hệ thống gặp sự cố" not in texts


async def test_guessing_codes_is_stopped_after_five_tries(
    chat: Chat, cell: Cell, clock: FakeClock
) -> None:
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC", "DDDDDD", "EEEEEE"):
        assert "Mã này không dùng được" in await chat.send(f"/start {guess}")
    assert "quá nhiều lần" in await chat.send("/start XEN234")  # even the right one, for now
    clock.advance(hours=1, minutes=1)
    assert "Lò Văn Xiên" in await chat.send("/start XEN234")
