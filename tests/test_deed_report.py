"""Reporting a good deed in chat, and editing or withdrawing it, as a member would."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import DeedCategory, DeedPhoto
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import Cell, stored_reports


async def test_report_for_a_household_typed_without_tone_marks(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        xien,
        [
            ("bao cao viec tot", "Chọn một hộ đồng chí phụ trách"),
            ("2", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
            ("Giúp hộ chị Ún dựng lại nhà tiêu", "kiểm tra lại báo cáo việc tốt tháng 11/2026"),
            ("gui bao cao", "Cảm ơn đồng chí Lò Văn Xiên! Đã ghi nhận việc tốt tháng 11/2026"),
        ],
    )
    [report] = await stored_reports(sessionmaker)
    assert report.member_id == cell.members["xien"]
    assert report.household_id == cell.households["Quàng Thị Ún"]
    assert report.category is DeedCategory.HOUSING
    assert report.text == "Giúp hộ chị Ún dựng lại nhà tiêu"
    assert report.month.isoformat() == "2026-11-01"


async def test_report_with_buttons_and_a_photo(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await xien.send("/viectot")
    await xien.tap("Lò Văn Pành")
    await xien.send("Hướng dẫn làm hồ sơ vay vốn")
    confirm = await xien.send(photos=("file-abc",))
    assert "Số ảnh: 1" in confirm
    assert "Loại việc: Sản xuất, sinh kế, vay vốn (đoán theo nội dung" in confirm
    assert "Lò Văn Pành (PK-01)" in confirm
    await xien.tap("Gửi báo cáo")
    [report] = await stored_reports(sessionmaker)
    async with sessionmaker() as session:
        photos = list(await session.scalars(select(DeedPhoto.file_ref)))
    assert photos == ["file-abc"]
    assert report.category is DeedCategory.LIVELIHOOD


async def test_community_deed_has_no_household(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc chung cho cộng đồng"),
            ("cộng đồng", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
            ("Phát quang đường vào bản", "Giúp: cộng đồng"),
            ("1", "Đã ghi nhận"),
        ],
    )
    [report] = await stored_reports(sessionmaker)
    assert report.household_id is None
    assert report.category is DeedCategory.ENVIRONMENT


async def test_photo_sent_first_starts_a_report_and_is_kept(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await xien.send(photos=("first-photo",))
    assert "Chọn một hộ" in reply
    await xien.send("1")
    confirm = await xien.send("Tặng gạo cho gia đình có người ốm")
    assert "Số ảnh: 1" in confirm  # no need to ask for a photo again
    await xien.send("1")
    async with sessionmaker() as session:
        assert list(await session.scalars(select(DeedPhoto.file_ref))) == ["first-photo"]


async def test_description_can_be_rewritten_before_sending(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    for said in ("/viectot", "1", "Giup sua nha"):
        await xien.send(said)
    assert "Đồng chí mô tả ngắn gọn việc tốt đã làm" in await xien.tap("Viết lại")
    confirm = await xien.send("Giúp sửa mái nhà bị dột")
    assert "Nội dung: Giúp sửa mái nhà bị dột" in confirm
    await xien.tap("Gửi báo cáo")
    [report] = await stored_reports(sessionmaker)
    assert report.text == "Giúp sửa mái nhà bị dột"


async def _report_once(chat: Chat, text: str) -> None:
    assert "Đã ghi nhận" in await report_deed(chat, "1", text)


async def test_edit_own_report_of_this_month(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _report_once(xien, "Sửa mái nhà")
    await verify_dialog(
        xien,
        [
            ("/viectot", "Sửa một báo cáo tháng này"),
            ("sua", "muốn sửa báo cáo nào"),
            ("1", "viết lại nội dung mới"),
            ("Sửa mái nhà và dựng lại bếp", "Thay nội dung\n“Sửa mái nhà”\nbằng"),
            ("co", "Đã sửa báo cáo"),
        ],
    )
    [report] = await stored_reports(sessionmaker)
    assert report.text == "Sửa mái nhà và dựng lại bếp"
    assert report.edited_at is not None


async def test_withdraw_own_report(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _report_once(xien, "Sửa mái nhà")
    await verify_dialog(
        xien,
        [
            ("/viectot", "Rút một báo cáo"),
            ("rut", "muốn rút báo cáo nào"),
            ("1", "Rút báo cáo này?"),
            ("dong y rut", "Đã rút báo cáo"),
            ("/toi", "Số việc tốt đã báo cáo: 0"),
        ],
    )
    [report] = await stored_reports(sessionmaker)
    assert report.withdrawn_at is not None  # kept for the audit trail, no longer counted


async def test_cancel_saves_nothing(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        xien,
        [
            ("/viectot", "Việc tốt này giúp ai? Chọn một hộ đồng chí phụ trách"),
            ("1", "Đồng chí mô tả ngắn gọn việc tốt đã làm"),
            ("hủy", "Đã hủy việc đang làm dở"),
        ],
    )
    assert await stored_reports(sessionmaker) == []
    assert "Không có việc gì" in await xien.send("/huy")


async def test_reports_of_last_month_cannot_be_edited(
    xien: Chat, clock: object, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await _report_once(xien, "Việc tháng 11")
    clock.advance(days=20)  # type: ignore[attr-defined]  # now December
    reply = await xien.send("/viectot")
    assert "Chọn một hộ" in reply  # December has no reports: straight to a new one
    assert "Đồng chí đã báo cáo" not in reply
