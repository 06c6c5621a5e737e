"""The real python-telegram-bot client, polling a fake Bot API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import DatabaseLeaderMenus, LeaderMenus, TelegramChannel, command_menu
from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from models import ChatAddress, DeedPhoto, DeedReport
from tests import factories
from tests.factories import Cell, FakeClock
from tests.fake_telegram import TOKEN, FakeTelegram, Sent

XIEN = 5001  # Xiên's Telegram user id (= private chat id)


async def _start(
    fake: FakeTelegram, dispatcher: Dispatcher, leader_menus: LeaderMenus | None = None
) -> TelegramChannel:
    channel = TelegramChannel(
        TOKEN,
        dispatcher.handle,
        api_url=fake.base_url,
        poll_timeout=1,
        menu=command_menu(dispatcher.registry),
        leader_menus=leader_menus,
    )
    await channel.start()
    return channel


@pytest.fixture
async def telegram(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[TelegramChannel]:
    """The Telegram channel, polling the fake server."""
    channel = await _start(fake, dispatcher)
    yield channel
    await channel.stop()


async def _say(fake: FakeTelegram, text: str, expect: str, user: int = XIEN) -> Sent:
    """Send `text` and wait for the reply containing `expect`."""
    before = len(fake.to(user))
    await fake.says(user, text)
    return await fake.wait_text(user, expect, after=before)


async def _tap(fake: FakeTelegram, label_part: str, expect: str, user: int = XIEN) -> Sent:
    """Press the newest button containing `label_part`; wait for the reply with `expect`."""
    last = next(s for s in reversed(fake.to(user)) if s.buttons)
    data = next(d for label, d in last.buttons if label_part in label)
    before = len(fake.to(user))
    await fake.taps(user, data)
    return await fake.wait_text(user, expect, after=before)


async def test_menu_is_published_in_vietnamese_and_english(
    fake: FakeTelegram, telegram: TelegramChannel
) -> None:
    menus = {
        p.get("language_code", ""): p["commands"] for m, p in fake.calls if m == "setMyCommands"
    }
    assert {"command": "viectot", "description": "Báo cáo việc tốt"} in menus[""]
    assert {"command": "viectot", "description": "Report a good deed"} in menus["en"]


async def test_link_by_invite_code(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    welcome = await _say(fake, "/start XEN234", "Chào mừng đồng chí Lò Văn Xiên")
    assert welcome.params["reply_markup"] == {"remove_keyboard": True}


async def test_stranger_is_offered_the_phone_button_and_links_with_it(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    invitation = await _say(fake, "xin chào", "chưa được liên kết")
    assert invitation.asks_for_contact
    await fake.shares_contact(XIEN, "+84 912 345 678", contact_user_id=XIEN)
    await fake.wait_text(XIEN, "Chào mừng đồng chí Lò Văn Xiên")


async def test_forwarded_contact_of_somebody_else_never_links(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await fake.shares_contact(XIEN, "0912345678", contact_user_id=7777)
    [refusal] = await fake.wait_sent(XIEN, 1)
    assert "số điện thoại của chính đồng chí" in refusal.text
    await fake.shares_contact(XIEN, "0912345678", contact_user_id=None)
    await fake.wait_sent(XIEN, 2)
    async with sessionmaker() as session:
        assert (
            await session.scalar(select(ChatAddress).where(ChatAddress.channel == "telegram"))
            is None
        )


async def test_report_with_inline_buttons_and_a_photo(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _say(fake, "/start XEN234", "Các lệnh đồng chí có thể gửi:")
    await _say(fake, "/viectot", "Chọn một hộ")
    await _tap(fake, "Quàng Thị Ún", "mô tả ngắn gọn việc tốt")
    await _say(fake, "Giúp dựng nhà tiêu", "kiểm tra lại")
    before = len(fake.to(XIEN))
    await fake.sends_photo(XIEN, "AgACAgUAAxk-big")
    confirm = await fake.wait_text(XIEN, "kiểm tra lại", after=before)
    assert "Số ảnh: 1" in confirm.text
    assert [label for label, _ in confirm.buttons] == [
        "Gửi báo cáo",
        "Đổi loại việc",
        "Đổi hộ",
        "Viết lại nội dung",
        "Hủy",
    ]
    await _tap(fake, "Gửi báo cáo", "Đã ghi nhận việc tốt tháng 11/2026")
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
        photos = list(await session.scalars(select(DeedPhoto.file_ref)))
    assert report is not None and report.household_id == cell.households["Quàng Thị Ún"]
    assert photos == ["AgACAgUAAxk-big"]  # the largest size's file id, kept for later


async def test_restart_mid_report_and_finish(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    settings: Settings,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first = await _start(fake, dispatcher)
    await _say(fake, "/start XEN234", "Các lệnh đồng chí có thể gửi:")
    await _say(fake, "/viectot", "Chọn một hộ")
    await _tap(fake, "Lò Văn Pành", "mô tả ngắn gọn việc tốt")
    await _say(fake, "Cho mượn thóc", "loại việc")
    await first.stop()  # the process goes away mid-report
    second = await _start(fake, Dispatcher(sessionmaker, settings, clock))
    try:
        # a button from before the restart still works
        await _tap(fake, "Sản xuất", "Giúp: Lò Văn Pành (PK-01)")
        await _tap(fake, "Gửi báo cáo", "Đã ghi nhận")
    finally:
        await second.stop()
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
    assert report is not None and report.text == "Cho mượn thóc"


async def test_updates_of_one_chat_are_handled_in_order(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    await _say(fake, "/start XEN234", "Các lệnh đồng chí có thể gửi:")
    sent_before = len(fake.to(XIEN))
    for text in ("/viectot", "1", "Giúp việc nhà", "1", "1"):
        await fake.says(XIEN, text)  # all at once, without waiting for answers
    replies = [s.text for s in (await fake.wait_sent(XIEN, sent_before + 5))[sent_before:]]
    assert "Chọn một hộ" in replies[0]
    assert "mô tả ngắn gọn việc tốt" in replies[1]
    assert "loại việc" in replies[2]
    assert "kiểm tra lại báo cáo" in replies[3]
    assert "Đã ghi nhận" in replies[4]


async def test_sticker_gets_a_polite_answer(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    await _say(fake, "/start XEN234", "Các lệnh đồng chí có thể gửi:")
    before = len(fake.to(XIEN))
    await fake.push(
        fake.message(
            XIEN,
            sticker={
                "file_id": "st",
                "file_unique_id": "st",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
        )
    )
    [answer] = (await fake.wait_sent(XIEN, before + 1))[before:]
    assert "chưa đọc được loại tin nhắn này" in answer.text


async def test_leaders_get_their_own_menu_members_do_not(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id, since=clock.now().date())
        session.add(
            ChatAddress(
                member_id=cell.members["mai"],
                channel="telegram",
                external_id="6001",
                linked_at=clock.now(),
            )
        )
        await factories.invite(session, cell.members["mai"], "MAI234", clock.now())
    channel = await _start(
        fake, dispatcher, DatabaseLeaderMenus(sessionmaker, dispatcher.registry, "vi")
    )
    try:
        await _say(
            fake, "/start XEN234", "Các lệnh đồng chí có thể gửi:"
        )  # a member: no menu of his own
        await _say(fake, "/start MAI234", "Các lệnh", user=6002)  # the secretary's 2nd chat
    finally:
        await channel.stop()
    scoped = {
        str(p["scope"]["chat_id"]): [c["command"] for c in p["commands"]]
        for m, p in fake.calls
        if m == "setMyCommands" and "scope" in p
    }
    assert set(scoped) == {"6001", "6002"}
    assert "chuabaocao" in scoped["6001"] and "viectot" in scoped["6001"]
    default = next(p for m, p in fake.calls if m == "setMyCommands" and "scope" not in p)
    assert "chuabaocao" not in [c["command"] for c in default["commands"]]
