"""Bad input gets a clear, polite answer in Vietnamese and loses nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.messages import Attachment, InboundMessage
from models import DeedReport
from tests.dialog import Chat, verify_dialog
from tests.factories import Cell


async def _count_reports(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(DeedReport)) or 0


async def test_empty_description_is_asked_again(xien: Chat) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("1", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
        ],
    )
    reply = await xien.send("   ")
    assert "viết vài dòng" in reply
    assert "kiểm tra lại" not in reply  # still on the description step
    assert "kiểm tra lại" in await xien.send("Giúp dựng nhà")


async def test_ten_thousand_characters_are_refused_and_the_draft_kept(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("1", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
        ],
    )
    reply = await xien.send("x" * 10_000)
    assert "10000 ký tự" in reply
    assert "tối đa 2000" in reply
    assert "chưa có gì bị mất" in reply
    assert "mô tả ngắn gọn" in reply  # the pending question is asked again
    assert "Giúp: Lò Văn Pành (PK-01)" in await xien.send("Giúp dựng nhà")  # the draft survived
    await xien.send("1")
    assert await _count_reports(sessionmaker) == 1


async def test_unknown_command_mid_report_keeps_the_report(xien: Chat) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("2", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
        ],
    )
    reply = await xien.send("/abcxyz")
    assert "Tôi không biết lệnh /abcxyz" in reply
    assert "Đồng chí mô tả ngắn gọn việc tốt" in reply


async def test_help_mid_report_answers_then_resumes(xien: Chat) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("2", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
        ],
    )
    reply = await xien.send("/trogiup")
    assert "/viectot" in reply
    assert "Mời đồng chí tiếp tục" in reply
    assert "Đồng chí mô tả ngắn gọn việc tốt" in reply
    assert "Giúp: Quàng Thị Ún (PK-02)" in await xien.send("Sửa mái nhà")


async def test_starting_another_flow_mid_report_is_refused_politely(xien: Chat) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("2", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
        ],
    )
    reply = await xien.send("/dangky")
    assert "Đồng chí đang làm dở báo cáo việc tốt" in reply
    assert "/huy" in reply
    assert "Đồng chí mô tả ngắn gọn việc tốt" in reply


async def test_a_reply_that_is_no_option_asks_again(xien: Chat) -> None:
    await xien.send("/viectot")
    for wrong in ("9", "hộ ông gì đó", "0"):
        reply = await xien.send(wrong)
        assert "chọn một trong các mục" in reply
        assert "Lò Văn Pành (PK-01)" in reply


async def test_old_button_is_recognised_as_old(xien: Chat) -> None:
    await xien.send("/viectot")
    old_key = xien.choice_key("Lò Văn Pành")
    await xien.send("1")
    reply = await xien.send(choice=old_key)
    assert "thuộc câu hỏi trước" in reply
    assert "Đồng chí mô tả ngắn gọn việc tốt" in reply


async def test_gibberish_outside_a_flow_offers_the_menu(xien: Chat) -> None:
    reply = await xien.send("asdfgh")
    assert "Xin lỗi, tôi chưa hiểu ý đồng chí." in reply
    assert "Báo cáo việc tốt" in reply
    assert "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách" in await xien.send("1")


async def test_control_characters_and_decomposed_accents_are_cleaned(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    decomposed = "Giu\u0301p đơ\u0303 nhà\u200b\x07"
    for said in ("/viectot", "1", decomposed, "1", "1"):
        await xien.send(said)
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
    assert report is not None
    assert report.text == "Giúp đỡ nhà"


async def test_unsupported_file_gets_a_polite_answer(xien: Chat, cell: Cell) -> None:
    replies = await xien.dispatcher.handle(
        InboundMessage(
            channel="console",
            chat_id="chat-1",
            message_id="doc-1",
            document=Attachment(file_ref="f", file_name="danh-sach.xlsx"),
        )
    )
    assert "chưa dùng được tệp này" in replies[0].text
