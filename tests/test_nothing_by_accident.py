"""Nothing saved by accident: a command typed where a text is expected is the command (or
asked about), an edit is shown and confirmed before it replaces what was saved, and the
courtesies people type get a courteous answer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Broadcast, Pledge
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import stored_reports


async def _pledges(sessionmaker: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(Pledge.text)))


async def test_bao_cao_typed_at_a_pending_edit_starts_a_report_and_changes_nothing(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await report_deed(xien, "1", "Sửa mái nhà")
    await verify_dialog(xien, [("bao cao", "Sửa một báo cáo"), ("sua", "sửa báo cáo nào")])
    await xien.send("1")  # the report to change: the bot waits for the new text
    reply = await xien.send("bao cao")  # the next day, wanting to report again
    assert "Chọn một hộ" in reply and "Đã sửa" not in reply
    [report] = await stored_reports(sessionmaker)
    assert report.text == "Sửa mái nhà" and report.edited_at is None


async def test_an_edit_shows_old_and_new_and_keeps_the_old_on_no(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await report_deed(xien, "1", "Sửa mái nhà")
    for said in ("/viectot", "sua", "1"):
        await xien.send(said)
    question = await xien.send("Sửa mái nhà và bếp")
    assert "“Sửa mái nhà”" in question and "“Sửa mái nhà và bếp”" in question
    assert "giữ nguyên" in await xien.send("không")
    [report] = await stored_reports(sessionmaker)
    assert report.text == "Sửa mái nhà"


async def test_dang_ky_typed_again_is_the_command_not_the_pledge(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert "Đã lưu đăng ký" in await xien.send("/dangky Sửa đường vào bản")
    await xien.send("dang ky")
    reply = await xien.send("đăng ký")
    assert "Đăng ký tháng 11/2026 của đồng chí: Sửa đường vào bản" in reply
    assert await _pledges(sessionmaker) == ["Sửa đường vào bản"]


async def test_lich_hop_at_the_description_is_asked_about_and_never_stored(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(xien, [("bao cao", "Chọn một hộ"), ("1", "mô tả ngắn gọn việc tốt")])
    question = await xien.send("lich hop")
    assert "muốn mở" in question and "Lịch họp" in question
    reply = await xien.send("1")  # open the calendar
    assert "Đồng chí đang làm dở báo cáo việc tốt" in reply or "Các buổi họp" in reply
    assert "mô tả ngắn gọn việc tốt" in reply  # and the report waits where it was
    assert "kiểm tra lại" in await xien.send("Giúp dọn nhà văn hóa")
    assert await stored_reports(sessionmaker) == []


async def test_a_command_word_that_is_the_text_after_all_is_kept(
    mai: Chat, xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(mai, [("/thongbao", "Gửi cho ai?"), ("1", "thông báo")])
    question = await mai.send("Họp")
    assert "muốn mở" in question
    assert "Đã nhận" in await mai.tap("Đây là nội dung tôi viết")  # the next question
    preview = await mai.send("khong")
    assert "Họp" in preview
    await mai.tap("Gửi thông báo")
    async with sessionmaker() as session:
        [notice] = list(await session.scalars(select(Broadcast)))
    assert notice.text == "Họp"


async def test_a_caption_on_the_photo_that_starts_a_report_is_its_description(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    confirm = await xien.send("Giúp ông Pành dựng chuồng bò", photos=("chuong.jpg",))
    assert "Nội dung: Giúp ông Pành dựng chuồng bò" in confirm
    await xien.send("1")
    [report] = await stored_reports(sessionmaker)
    assert report.text == "Giúp ông Pành dựng chuồng bò"


async def test_thanks_get_a_warm_answer_not_an_apology(xien: Chat) -> None:
    for said in ("cảm ơn", "cam on nhieu a", "🙏"):
        reply = await xien.send(said)
        assert "Không có gì ạ!" in reply
        assert "chưa hiểu" not in reply


async def test_ok_with_nothing_to_confirm_is_answered_kindly(xien: Chat) -> None:
    reply = await xien.send("ok")
    assert "Vâng ạ" in reply and "chưa hiểu" not in reply
