"""Choice lists longer than a screen: /thongbao's organisation picker for a district with 120
cells pages ("Trang sau" / "Trang trước") or takes a typed name, on Telegram (the real client
against a fake Bot API that refuses oversize keyboards, as Telegram does) and on Zalo
(numbered lists)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloOut
from bot.core.messages import Choice, OutboundMessage
from bot.delivery.outcome import Undeliverable
from bot.dispatcher.dispatch import Dispatcher
from models import CellType, Channel, ChatAddress, OrgKind, RoleKind
from tests import factories
from tests.factories import FakeClock
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, user_id

CHIEF = 5100  # the district committee member's Telegram chat
CHIEF_ZALO = user_id("chief")
CELLS = 120


async def _district(sessionmaker: async_sessionmaker[AsyncSession], now: datetime) -> list[str]:
    """A district with one commune of 120 cells; its committee member linked on Telegram and
    Zalo. The cell names, in the order the picker lists them."""
    async with sessionmaker() as session, session.begin():
        district = await factories.org(session, "Đảng bộ huyện Lớn", OrgKind.DISTRICT_COMMITTEE)
        commune = await factories.org(
            session, "Đảng bộ xã Rộng", OrgKind.GRASSROOTS_COMMITTEE, district
        )
        names = [f"Chi bộ thôn Số {n:03d}" for n in range(1, CELLS + 1)]
        cells = [
            await factories.org(session, name, OrgKind.CELL, commune, CellType.RURAL)
            for name in names
        ]
        chief = await factories.member(session, cells[0].id, "Hà Văn Trưởng", "0900000099", now)
        await factories.role(session, chief.id, district.id, RoleKind.COMMITTEE_MEMBER)
        for channel, chat in ((Channel.TELEGRAM, str(CHIEF)), (Channel.ZALO, CHIEF_ZALO)):
            session.add(
                ChatAddress(member_id=chief.id, channel=channel, external_id=chat, linked_at=now)
            )
    return names


@pytest.fixture
async def telegram(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    await channel.start()
    yield channel
    await channel.stop()


async def test_the_fake_bot_api_refuses_a_keyboard_telegram_would_refuse(
    fake: FakeTelegram,
) -> None:
    out = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=2))
    await out.start()
    try:
        choices = tuple(Choice(f"o:{n}", f"Chi bộ thôn Số {n:03d}") for n in range(131))
        outcome = await out.deliver(str(CHIEF), OutboundMessage("Tổ chức nào?", choices=choices))
    finally:
        await out.stop()
    assert isinstance(outcome, Undeliverable) and "markup_too_long" in outcome.error.lower()


async def test_a_picker_of_120_cells_pages_on_telegram(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    names = await _district(sessionmaker, clock.now())
    await fake.says(CHIEF, "/thongbao")
    first = await fake.wait_text(CHIEF, "Trang 1/", within=20)
    labels = [label for label, _ in first.buttons]
    assert len(labels) <= 13 and "Trang sau ▶" in labels and "Hủy" in labels[-1]
    assert "Đảng bộ huyện Lớn" in labels
    data = dict(first.buttons)["Trang sau ▶"]
    before = len(fake.to(CHIEF))
    await fake.taps(CHIEF, data)
    second = await fake.wait_text(CHIEF, "Trang 2/", after=before, within=20)
    second_labels = [label for label, _ in second.buttons]
    assert "◀ Trang trước" in second_labels and not set(second_labels[:10]) & set(labels[:10])
    pick = next(label for label in second_labels if label.startswith("Chi bộ"))
    before = len(fake.to(CHIEF))
    await fake.taps(CHIEF, dict(second.buttons)[pick])
    asked = await fake.wait_text(CHIEF, "Gửi cho ai?", after=before, within=20)
    assert pick in asked.text
    # A name typed instead of paging: any cell, on any page.
    await fake.says(CHIEF, "/thongbao")
    await fake.wait_text(CHIEF, "Trang 1/", after=before + 1, within=20)
    before = len(fake.to(CHIEF))
    await fake.says(CHIEF, names[-1])
    asked = await fake.wait_text(CHIEF, "Gửi cho ai?", after=before, within=20)
    assert names[-1] in asked.text


async def test_a_picker_of_120_cells_pages_on_zalo_by_number(
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _district(sessionmaker, clock.now())
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    channel = ZaloChannel(client, dispatcher.handle, ZaloOut(client, "vi"), poll_seconds=1)
    await channel.start()
    try:
        await zalo_fake.says(CHIEF_ZALO, "/thongbao")
        first = await zalo_fake.wait_text(CHIEF_ZALO, "Trang 1/")
        lines = re.findall(r"^(\d+)\. (.+)$", first.text, re.MULTILINE)
        assert len(lines) <= 13
        turn = next(number for number, label in lines if label == "Trang sau ▶")
        before = len(zalo_fake.to(CHIEF_ZALO))
        await zalo_fake.says(CHIEF_ZALO, turn)
        second = await zalo_fake.wait_text(CHIEF_ZALO, "Trang 2/", after=before)
        lines = re.findall(r"^(\d+)\. (.+)$", second.text, re.MULTILINE)
        number, label = lines[2]  # the third line of page 2, by its number on that page
        before = len(zalo_fake.to(CHIEF_ZALO))
        await zalo_fake.says(CHIEF_ZALO, number)
        asked = await zalo_fake.wait_text(CHIEF_ZALO, "Gửi cho ai?", after=before)
        assert label in asked.text
    finally:
        await channel.stop()
    assert all(len(sent.text) <= 2000 for sent in zalo_fake.to(CHIEF_ZALO))
