"""The way from the chat to the dashboard: on Telegram, /tonghop, /bangtheodoi and the weekly
digest carry a Mini App button; elsewhere choosing "Mở bảng theo dõi" (or /bangtheodoi)
answers with a single-use link; without PUBLIC_URL nothing is offered and the bot says why."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import TelegramChannel
from bot.cli.scheduler import digest_tick
from bot.core.config import Settings
from bot.delivery.worker import DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from bot.services.web_access import use_sign_in
from models import Channel, ChatAddress
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.fake_telegram import TOKEN, FakeTelegram

PUBLIC = "https://chibo.example.vn"
MAI = 5002  # Mai's Telegram user id
LINK = re.compile(re.escape(PUBLIC) + r"/web/signin/([A-Za-z0-9_-]+)")


@pytest.fixture
def settings() -> Settings:
    """A bot with a public https address."""
    return Settings(
        _env_file=None, database_url="sqlite+aiosqlite://", language="vi", public_url=PUBLIC
    )


@pytest.fixture
async def secretary(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """Mai, the cell's secretary, reachable in the console ("chat-mai") and on Telegram."""
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
        session.add(
            ChatAddress(
                member_id=cell.members["mai"],
                channel=Channel.TELEGRAM,
                external_id=str(MAI),
                linked_at=clock.now(),
            )
        )
    return cell


@pytest.fixture
async def telegram(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[TelegramChannel]:
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    await channel.start()
    yield channel
    await channel.stop()


async def test_on_telegram_the_summary_opens_the_dashboard_as_a_mini_app(
    fake: FakeTelegram, telegram: TelegramChannel, secretary: Cell
) -> None:
    await fake.says(MAI, "/tonghop")
    summary = await fake.wait_text(MAI, "Chi bộ bản Test")
    assert summary.web_apps == [("Mở bảng theo dõi", PUBLIC + "/web/app")]
    await fake.says(MAI, "/bangtheodoi")
    sent = await fake.wait_text(MAI, "Bảng theo dõi của đồng chí")
    assert sent.web_apps == [("Mở bảng theo dõi", PUBLIC + "/web/app")]


async def test_the_weekly_digest_on_telegram_carries_the_button(
    fake: FakeTelegram,
    telegram: TelegramChannel,
    secretary: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
) -> None:
    clock.current = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday 07:00 in Hà Nội
    assert await digest_tick(sessionmaker, clock, settings) == 1
    await DeliveryWorker(sessionmaker, {"telegram": telegram}, clock).drain()
    await fake.wait_text(MAI, "Bản tin tuần")
    chart = await fake.wait_text(MAI, "Tỷ lệ báo cáo")
    assert chart.method == "sendPhoto"
    assert chart.web_apps == [("Mở bảng theo dõi", PUBLIC + "/web/app")]


async def test_elsewhere_choosing_it_sends_a_single_use_link(
    dispatcher: Dispatcher,
    secretary: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    menu = await mai.send("/tonghop")
    assert "1. Mở bảng theo dõi" in menu
    reply = await mai.send("1")  # as on Zalo: the number of the choice
    found = LINK.search(reply)
    assert found is not None, reply
    assert "một lần" in reply
    async with sessionmaker() as session, session.begin():
        assert await use_sign_in(session, found[1], clock.now()) == secretary.members["mai"]
        assert await use_sign_in(session, found[1], clock.now()) is None  # spent
    again = LINK.search(await mai.send("/bangtheodoi"))
    assert again is not None and again[1] != found[1]


async def test_a_member_without_a_role_gets_no_link(xien: Chat) -> None:
    reply = await xien.send("/bangtheodoi")
    assert LINK.search(reply) is None
    assert "bí thư chi bộ" in reply


async def test_without_public_url_nothing_is_offered_and_the_bot_says_why(
    secretary: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    plain = Dispatcher(
        sessionmaker, Settings(_env_file=None, database_url="sqlite+aiosqlite://"), clock
    )
    mai = Chat(plain, chat_id="chat-mai")
    assert "bảng theo dõi" not in (await mai.send("/tonghop")).lower()
    reply = await mai.send("/bangtheodoi")
    assert "PUBLIC_URL" in reply and LINK.search(reply) is None


async def test_on_a_numbered_channel_the_digest_s_choice_is_answered_with_a_link(
    dispatcher: Dispatcher,
    secretary: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    settings: Settings,
) -> None:
    import io

    from bot.channels.console import ConsoleChannel

    async with sessionmaker() as session, session.begin():  # Mai is on the console only
        await session.execute(delete(ChatAddress).where(ChatAddress.channel == Channel.TELEGRAM))
    clock.current = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday 07:00 in Hà Nội
    assert await digest_tick(sessionmaker, clock, settings) == 1
    screen = io.StringIO()
    await DeliveryWorker(
        sessionmaker, {"console": ConsoleChannel("chat-mai", screen)}, clock
    ).drain()
    assert "1. Mở bảng theo dõi" in screen.getvalue()
    reply = await Chat(dispatcher, chat_id="chat-mai").send("1")
    found = LINK.search(reply)
    assert found is not None, reply
    async with sessionmaker() as session, session.begin():
        assert await use_sign_in(session, found[1], clock.now()) == secretary.members["mai"]
