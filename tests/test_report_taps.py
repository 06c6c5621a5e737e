"""Taps per report: a good deed takes one line of text and at most three taps (a tap is a
button on Telegram, a number typed on Zalo), and the bot never asks for a photo.

Before issue 16 the shortest report was one line and four taps (`/viectot TEXT`, household,
kind, "Không có ảnh", confirm) and the usual path six messages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloOut
from bot.dispatcher.dispatch import Dispatcher
from models import DeedCategory, DeedPhoto
from tests.dialog import Chat
from tests.factories import Cell, stored_reports
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, user_id

PHOTO_QUESTION = ("có ảnh không", "Không có ảnh")


@dataclass
class Tally:
    """What a member had to send for one report: lines typed and taps."""

    chat: Chat
    lines: int = 0
    taps: int = 0
    said: list[str] = field(default_factory=list)

    async def line(self, text: str) -> str:
        self.lines += 1
        return await self._heard(await self.chat.send(text))

    async def photo(self, ref: str, caption: str = "") -> str:
        self.lines += bool(caption)
        return await self._heard(await self.chat.send(caption, photos=(ref,)))

    async def tap(self, label: str) -> str:
        self.taps += 1
        return await self._heard(await self.chat.tap(label))

    async def _heard(self, reply: str) -> str:
        assert not any(question in reply for question in PHOTO_QUESTION), reply
        self.said.append(reply)
        return reply


@pytest.fixture
def tally(xien: Chat) -> Tally:
    return Tally(xien)


async def test_one_line_naming_the_household_by_its_head_is_one_tap(
    tally: Tally, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    confirm = await tally.line("bao cao giup ba Un sua nha tieu")
    assert "Giúp: Quàng Thị Ún (PK-02)" in confirm
    assert "Loại việc: Nhà ở, nhà tiêu, nhà tắm (đoán theo nội dung" in confirm
    assert "Nội dung: giup ba Un sua nha tieu" in confirm
    assert "Đã ghi nhận" in await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (1, 1)
    [report] = await stored_reports(sessionmaker)
    assert report.household_id == cell.households["Quàng Thị Ún"]
    assert report.category is DeedCategory.HOUSING


@pytest.mark.parametrize(
    ("line", "household", "kind"),
    [
        ("báo cáo ạ, hộ thứ hai: giúp gặt lúa", "Quàng Thị Ún (PK-02)", "Sản xuất"),
        ("Báo cáo việc tốt PK-03 đưa cháu đi khám bệnh", "Lường Văn Sơn (PK-03)", "Sức khỏe"),
        ("baso caso giúp ông Pành sửa chuồng", "Lò Văn Pành (PK-01)", "Nhà ở"),
        ("tôi muốn báo cáo phát quang đường cho cả bản", "cộng đồng", "Đường sá"),
        ("/viectot giúp bà Cầm Thị Hoa vay vốn", "Cầm Thị Hoa (PK-04)", "Sản xuất"),
    ],
)
async def test_what_the_line_says_is_not_asked_again(
    tally: Tally, line: str, household: str, kind: str
) -> None:
    confirm = await tally.line(line)
    assert f"Giúp: {household}" in confirm
    assert f"Loại việc: {kind}" in confirm
    assert "Đã ghi nhận" in await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (1, 1)


async def test_a_line_that_names_neither_household_nor_kind_takes_three_taps(
    tally: Tally, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert "Chọn một hộ" in await tally.line("bao cao giup do mot viec")
    assert "loại việc gì" in await tally.tap("Tòng Văn Khánh")
    assert "Loại việc: Việc khác\n" in await tally.tap("Việc khác")  # chosen: no "guessed"
    assert "Đã ghi nhận" in await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (1, 3)
    [report] = await stored_reports(sessionmaker)
    assert report.text == "giup do mot viec"


async def test_a_guessed_kind_is_corrected_with_one_more_tap(tally: Tally) -> None:
    await tally.line("bao cao giup ba Un lam chuong lon")
    assert "Loại việc: Nhà ở" in tally.said[-1]
    assert "loại việc gì" in await tally.tap("Đổi loại việc")
    assert "Loại việc: Sản xuất" in await tally.tap("Sản xuất")
    assert "Đã ghi nhận" in await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (1, 3)


async def test_a_photo_with_a_caption_is_one_line_and_one_tap(
    tally: Tally, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    confirm = await tally.photo("mai-nha.jpg", "giúp ông Pành lợp lại mái nhà")
    assert "Nội dung: giúp ông Pành lợp lại mái nhà" in confirm  # the caption is kept
    assert "Số ảnh: 1" in confirm
    await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (1, 1)
    async with sessionmaker() as session:
        assert list(await session.scalars(select(DeedPhoto.file_ref))) == ["mai-nha.jpg"]


async def test_bao_cao_alone_asks_the_household_then_the_words(tally: Tally) -> None:
    assert "Chọn một hộ" in await tally.line("bao cao")
    assert "mô tả ngắn gọn việc tốt" in await tally.tap("Quàng Thị Ún")
    assert "kiểm tra lại" in await tally.line("Dựng lại nhà tiêu")
    assert "Đã ghi nhận" in await tally.tap("Gửi báo cáo")
    assert (tally.lines, tally.taps) == (2, 2)


async def test_a_photo_after_the_report_is_added_to_it(
    tally: Tally, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await tally.line("bao cao giup ba Un sua nha tieu")
    assert "Quên gửi ảnh?" in await tally.tap("Gửi báo cáo")
    question = await tally.photo("sau.jpg")
    assert "cho báo cáo vừa rồi" in question
    add = tally.chat.choice_key("Gửi thêm ảnh cho báo cáo vừa rồi")
    # The album's second picture: counted in one short line, the question still stands.
    assert "Đã nhận: 2 ảnh" in await tally.chat.send(photos=("sau-2.jpg",))
    assert "báo cáo nay có 2 ảnh" in await tally.chat.send(choice=add)
    [report] = await stored_reports(sessionmaker)
    async with sessionmaker() as session:
        refs = list(await session.scalars(select(DeedPhoto.file_ref).order_by(DeedPhoto.id)))
    assert refs == ["sau.jpg", "sau-2.jpg"] and report.withdrawn_at is None


async def test_one_line_report_on_telegram_is_one_button(
    fake: FakeTelegram, dispatcher: Dispatcher, cell: Cell
) -> None:
    xien = 5001
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    await channel.start()
    try:
        await fake.says(xien, "/start XEN234")
        await fake.wait_text(xien, "Các lệnh")
        before = len(fake.to(xien))
        await fake.says(xien, "bao cao giup ba Un sua nha tieu")
        confirm = await fake.wait_text(xien, "kiểm tra lại", after=before)
        assert "Giúp: Quàng Thị Ún (PK-02)" in confirm.text
        send = next(data for label, data in confirm.buttons if label == "Gửi báo cáo")
        await fake.taps(xien, send)
        await fake.wait_text(xien, "Đã ghi nhận việc tốt tháng 11/2026", after=before)
        assert len(fake.to(xien)) - before == 2  # one answer to the line, one to the tap
    finally:
        await channel.stop()


async def test_one_line_report_on_zalo_is_one_number(
    zalo_fake: FakeZalo, dispatcher: Dispatcher, cell: Cell
) -> None:
    xien = user_id("xien")
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    channel = ZaloChannel(client, dispatcher.handle, ZaloOut(client, "vi"), poll_seconds=1)
    await channel.start()
    try:
        await zalo_fake.says(xien, "/start XEN234")
        await zalo_fake.wait_text(xien, "Chào mừng")
        before = len(zalo_fake.to(xien))
        await zalo_fake.says(xien, "bao cao giup ba Un sua nha tieu")
        confirm = await zalo_fake.wait_text(xien, "kiểm tra lại", after=before)
        number = re.search(r"^(\d+)\. Gửi báo cáo$", confirm.text, re.MULTILINE)
        assert number is not None, confirm.text
        before = len(zalo_fake.to(xien))
        await zalo_fake.says(xien, number.group(1))
        await zalo_fake.wait_text(xien, "Đã ghi nhận việc tốt tháng 11/2026", after=before)
    finally:
        await channel.stop()
