"""Drafts of flows under way when a new version is deployed: those an earlier version stored
go on where they were; those that cannot be read are set aside with a word, never guessed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Broadcast, ConversationState, DeedCategory, DeedPhoto
from tests.dialog import Chat
from tests.factories import Cell, FakeClock, stored_reports


async def _store(
    sessionmaker: async_sessionmaker[AsyncSession],
    chat_id: str,
    flow: str,
    step: str,
    data: dict[str, Any],
    at: datetime,
) -> None:
    """A conversation state row exactly as an earlier version wrote it."""
    async with sessionmaker() as session, session.begin():
        session.add(
            ConversationState(
                channel="console",
                external_chat_id=chat_id,
                flow=flow,
                step=step,
                data=data,
                updated_at=at,
            )
        )


async def test_a_report_stored_by_the_previous_version_is_sent_as_it_was(
    xien: Chat, cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    household = cell.households["Quàng Thị Ún"]
    stored = {  # ids and the month as the old untyped draft kept them
        "draft": {
            "month": "2026-11-01",
            "photos": [["console", "old-photo"]],
            "household_id": household,
            "household_label": "Quàng Thị Ún (PK-02)",
            "category": "housing",
            "text": "Giúp dựng lại nhà tiêu",
            "photo_asked": True,
        },
        "prompt": "Đồng chí kiểm tra lại báo cáo việc tốt tháng 11/2026: ...",
        "choices": [["send", "Gửi báo cáo", ["co", "ok"]], ["cancel", "Hủy", []]],
    }
    await _store(sessionmaker, xien.chat_id, "deed", "confirm", stored, clock.now())
    assert "Đã ghi nhận việc tốt tháng 11/2026" in await xien.send("gui")
    [report] = await stored_reports(sessionmaker)
    assert report.household_id == household
    assert report.category is DeedCategory.HOUSING
    assert report.text == "Giúp dựng lại nhà tiêu"
    async with sessionmaker() as session:
        assert list(await session.scalars(select(DeedPhoto.file_ref))) == ["old-photo"]


async def test_a_notice_stored_by_the_previous_version_is_sent_as_it_was(
    mai: Chat, cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stored = {
        "draft": {
            "org_id": str(cell.cell_id),  # a string where an id belongs: read as the id
            "org_name": "Chi bộ bản Test",
            "audience": "all",
            "text": "Họp chi bộ tối nay",
            "ask_ack": True,
        },
        "prompt": "Tin nhắn sẽ hiện ra như sau: ...",
        "choices": [["send", "Gửi thông báo", ["ok"]], ["cancel", "Hủy", []]],
    }
    await _store(sessionmaker, mai.chat_id, "broadcast", "confirm", stored, clock.now())
    assert "Thông báo đang được gửi tới" in await mai.send("1")
    async with sessionmaker() as session:
        [notice] = list(await session.scalars(select(Broadcast)))
    assert (notice.text, notice.ask_ack, notice.org_id) == (
        "Họp chi bộ tối nay",
        True,
        cell.cell_id,
    )


async def test_a_draft_that_cannot_be_read_is_set_aside_and_the_message_read_afresh(
    xien: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stored = {"draft": {"household_id": "nhà bà Ún", "month": "tháng 11"}, "prompt": "?"}
    await _store(sessionmaker, xien.chat_id, "deed", "confirm", stored, clock.now())
    reply = await xien.send("/toi")
    assert "không tiếp tục được báo cáo việc tốt đồng chí bắt đầu ngày 15/11/2026" in reply
    assert "Chưa có gì được lưu" in reply
    assert "Số việc tốt đã báo cáo: 0" in reply  # and /toi is answered
    assert await stored_reports(sessionmaker) == []
    assert "Không có việc gì" in await xien.send("/huy")  # nothing left half-way


async def test_a_step_this_version_does_not_have_is_set_aside_politely(
    xien: Chat, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    stored = {"draft": {"month": "2026-11-01"}, "prompt": "Bước cũ?", "choices": []}
    await _store(sessionmaker, xien.chat_id, "deed", "retired_step", stored, clock.now())
    reply = await xien.send("xin chao")
    assert "không tiếp tục được báo cáo việc tốt" in reply
    assert "Đồng chí muốn làm gì?" in reply
