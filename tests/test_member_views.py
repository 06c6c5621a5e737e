"""/dangky, /toi and /ho as a member sees them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Pledge
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import FakeClock


async def test_pledge_in_two_steps_then_change_it(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await verify_dialog(
        xien,
        [
            ("dang ky", "Đồng chí đăng ký làm việc tốt gì trong tháng 11/2026?"),
            ("Giúp hộ ông Pành làm chuồng trại", "Đã lưu đăng ký tháng 11/2026"),
            ("/toi", "Đăng ký: Giúp hộ ông Pành làm chuồng trại"),
            ("/dangky", "Đăng ký tháng 11/2026 của đồng chí: Giúp hộ ông Pành"),
            ("Vận động con ông Sơn đi học", "“Giúp hộ ông Pành làm chuồng trại”\nbằng"),
            ("co", "Đã lưu đăng ký tháng 11/2026: Vận động"),
        ],
    )
    async with sessionmaker() as session:
        pledges = list(await session.scalars(select(Pledge.text)))
    assert pledges == ["Vận động con ông Sơn đi học"]


async def test_pledge_in_one_message(xien: Chat) -> None:
    assert "Đã lưu đăng ký tháng 11/2026: Sửa đường" in await xien.send("/dangky Sửa đường")


async def test_pledge_with_braces_in_the_text_is_shown_as_typed(xien: Chat) -> None:
    await xien.send("/dangky Làm {việc} tốt")
    assert "Làm {việc} tốt" in await xien.send("/dangky")


async def test_my_month_counts_households_helped(xien: Chat) -> None:
    await report_deed(xien, "1", "Việc một")
    await report_deed(xien, "cong dong", "Việc hai", kind="4")
    reply = await xien.send("/toi")
    assert "Kết quả tháng 11/2026 của đồng chí Lò Văn Xiên" in reply
    assert "Số việc tốt đã báo cáo: 2" in reply
    assert "15/11/2026 — Lò Văn Pành (PK-01)" in reply
    assert "— cộng đồng —" in reply
    assert "Số hộ đã giúp tháng này: 1/5" in reply


async def test_households_show_recent_deeds_with_local_dates(xien: Chat, clock: FakeClock) -> None:
    clock.advance(hours=15)  # 01:00 on 16/11 in Hà Nội, still 15/11 in UTC
    await report_deed(xien, "2", "Dựng nhà tiêu")
    reply = await xien.send("ho cua toi")
    assert "Quàng Thị Ún (PK-02), Bản Test" in reply
    assert "• 16/11/2026: Dựng nhà tiêu" in reply
    assert reply.count("chưa có việc tốt nào trong 3 tháng gần đây") == 4


async def test_greeting_offers_the_menu_and_a_number_picks(xien: Chat) -> None:
    reply = await xien.send("Xin chào")
    assert "Đồng chí muốn làm gì?" in reply
    assert "4. Các hộ tôi phụ trách" in reply
    assert "đang phụ trách 5 hộ" in await xien.send("4")
