"""Proactive messages when members use Zalo, Telegram or both: a broadcast reaching each on
their own messenger, the preferred messenger, falling back when one fails for good, and
Zalo's 429 back-off — real clients against both fake servers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.channels.zalo import ZaloClient, ZaloOut
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import ChannelLimits, Pacer
from bot.delivery.worker import DeliverySettings, DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from models import (
    Channel,
    ChatAddress,
    DeliveryStatus,
    Member,
    OutboxMessage,
)
from tests.dialog import Chat
from tests.factories import Cell, FakeClock
from tests.fake_telegram import BLOCKED, TOKEN, FakeTelegram
from tests.fake_zalo import BROKEN, INTERNAL, NOT_FOUND, QUOTA, FakeZalo, user_id

XIEN_ZALO = user_id("xien")
XIEN_TELEGRAM = 5001
MAI_TELEGRAM = 5002


@pytest.fixture
async def both(
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> AsyncIterator[DeliveryWorker]:
    """The delivery worker with the real Telegram and Zalo senders."""
    fast = ChannelLimits(per_second=100, chat_interval=0)
    telegram = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=2), budget=Pacer(fast))
    await telegram.start()
    zalo = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    yield DeliveryWorker(
        sessionmaker,
        {"telegram": telegram, "zalo": ZaloOut(zalo, quota_pause=0.2, budget=Pacer(fast))},
        clock,
        DeliverySettings(max_attempts=3, lease=timedelta(seconds=30)),
    )
    await telegram.stop()
    await zalo.close()


async def _link(
    sessionmaker: async_sessionmaker[AsyncSession],
    member_id: int,
    channel: str,
    external_id: str,
    clock: FakeClock,
    minutes: int = 0,
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add(
            ChatAddress(
                member_id=member_id,
                channel=channel,
                external_id=external_id,
                linked_at=clock.now() + timedelta(minutes=minutes),
            )
        )


async def _xien_on_zalo_then_telegram(
    sessionmaker: async_sessionmaker[AsyncSession], cell: Cell, clock: FakeClock
) -> None:
    await _link(sessionmaker, cell.members["xien"], "zalo", XIEN_ZALO, clock)
    await _link(sessionmaker, cell.members["xien"], "telegram", str(XIEN_TELEGRAM), clock, 1)


async def _outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_a_broadcast_reaches_one_member_on_zalo_and_another_on_telegram(
    cell: Cell,
    mai: Chat,  # the cell's secretary
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "zalo", XIEN_ZALO, clock)
    await _link(sessionmaker, cell.members["mai"], "telegram", str(MAI_TELEGRAM), clock, 1)
    secretary = Chat(dispatcher, chat_id=str(MAI_TELEGRAM), channel="telegram")
    for said in ("/thongbao", "tat ca", "Họp chi bộ 19h30 ngày 24/11.", "co"):
        await secretary.send(said)
    assert "đang được gửi tới 2/2" in await secretary.send("gui")
    await both.drain()
    [on_zalo] = zalo_fake.to(XIEN_ZALO)
    assert "Họp chi bộ 19h30 ngày 24/11." in on_zalo.text
    assert on_zalo.text.endswith("1. Đã nhận\n(Trả lời bằng số thứ tự của lựa chọn.)")
    [on_telegram] = fake.to(MAI_TELEGRAM)
    assert "Họp chi bộ 19h30 ngày 24/11." in on_telegram.text
    assert [label for label, _ in on_telegram.buttons] == ["Đã nhận"]
    # Xiên answers on Zalo by number: his confirmation counts.
    xien = Chat(dispatcher, chat_id=XIEN_ZALO, channel="zalo")
    assert "đã ghi nhận xác nhận" in await xien.send("1")
    assert 'Đã bấm "Đã nhận": 1/2.' in await secretary.send("/dagui")


async def test_the_member_chooses_which_messenger_gets_notices(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "telegram", str(XIEN_TELEGRAM), clock)
    xien = Chat(dispatcher, chat_id=str(XIEN_TELEGRAM), channel="telegram")
    shown = await xien.send("/kenh")
    assert "đang được gửi tới đồng chí qua Telegram" in shown
    assert "Liên kết thêm Zalo" in shown
    invite = await xien.send("1")
    code = invite.split("/start ")[1].split()[0]
    on_zalo = Chat(dispatcher, chat_id=XIEN_ZALO, channel="zalo")
    assert "Chào mừng đồng chí Lò Văn Xiên" in await on_zalo.send(f"/start {code}")
    await _queue(sessionmaker, cell, clock, "test:first")
    assert "Nhận qua Zalo" in await on_zalo.send("kenh")
    assert "từ nay thông báo" in await on_zalo.send("nhan qua zalo")
    await _queue(sessionmaker, cell, clock, "test:second")
    await both.drain()
    assert [s.text for s in fake.to(XIEN_TELEGRAM)][1:] == ["Tin test:first"]  # first linked
    assert [s.text for s in zalo_fake.to(XIEN_ZALO)] == ["Tin test:second"]  # then his choice


async def _queue(
    sessionmaker: async_sessionmaker[AsyncSession], cell: Cell, clock: FakeClock, cause: str
) -> None:
    async with sessionmaker() as session, session.begin():
        await enqueue(
            session,
            cause=cause,
            member_id=cell.members["xien"],
            text=f"Tin {cause}",
            choices=(),
            now=clock.now(),
        )


async def test_delivery_falls_back_to_the_other_messenger_when_one_fails_for_good(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _xien_on_zalo_then_telegram(sessionmaker, cell, clock)
    zalo_fake.faults[XIEN_ZALO] = [NOT_FOUND]
    await _queue(sessionmaker, cell, clock, "test:fallback")
    await both.drain()
    assert zalo_fake.to(XIEN_ZALO) == []
    assert [s.text for s in fake.to(XIEN_TELEGRAM)] == ["Tin test:fallback"]
    [row] = await _outbox(sessionmaker)
    assert (row.status, row.channel, row.first_channel) == (
        DeliveryStatus.SENT,
        "telegram",
        "zalo",
    )


async def test_failing_on_both_messengers_is_reported_once_not_bounced(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _xien_on_zalo_then_telegram(sessionmaker, cell, clock)
    zalo_fake.faults[XIEN_ZALO] = [NOT_FOUND, NOT_FOUND]
    fake.faults[XIEN_TELEGRAM] = [BLOCKED, BLOCKED]
    await _queue(sessionmaker, cell, clock, "test:nowhere")
    await both.drain()
    [row] = await _outbox(sessionmaker)
    assert (row.status, row.last_error) == (DeliveryStatus.FAILED, "blocked")
    assert len(zalo_fake.faults[XIEN_ZALO]) == 1 and len(fake.faults[XIEN_TELEGRAM]) == 1


async def test_zalo_quota_exceeded_pauses_and_retries_without_losing_the_message(
    cell: Cell,
    both: DeliveryWorker,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "zalo", XIEN_ZALO, clock)
    zalo_fake.faults[XIEN_ZALO] = [QUOTA, QUOTA]
    await _queue(sessionmaker, cell, clock, "test:quota")
    for _ in range(3):
        await both.drain()
        clock.advance(seconds=1)
    assert [s.text for s in zalo_fake.to(XIEN_ZALO)] == ["Tin test:quota"]
    [row] = await _outbox(sessionmaker)
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 1)  # 429s use up no attempt


async def test_a_message_zalo_keeps_failing_goes_to_telegram_after_the_last_try(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _xien_on_zalo_then_telegram(sessionmaker, cell, clock)
    zalo_fake.faults[XIEN_ZALO] = [BROKEN] * 3  # Zalo down for every try (max_attempts 3)
    await _queue(sessionmaker, cell, clock, "test:outage")
    for _ in range(4):
        await both.drain()
        clock.advance(minutes=10)
    assert [s.text for s in fake.to(XIEN_TELEGRAM)] == ["Tin test:outage"]
    [row] = await _outbox(sessionmaker)
    assert (row.status, row.first_channel) == (DeliveryStatus.SENT, "zalo")


async def test_messages_for_a_messenger_not_running_go_to_the_one_that_is(
    cell: Cell,
    fake: FakeTelegram,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "telegram", str(XIEN_TELEGRAM), clock)
    await _link(sessionmaker, cell.members["xien"], "zalo", XIEN_ZALO, clock, 1)
    async with sessionmaker() as session, session.begin():
        xien = await session.get(Member, cell.members["xien"])
        assert xien is not None
        xien.preferred_channel = Channel.ZALO  # chosen; then the operator removed Zalo's token
    await _queue(sessionmaker, cell, clock, "test:unserved")
    telegram = TelegramOut(
        delivery_bot(TOKEN, fake.base_url, timeout=2),
        budget=Pacer(ChannelLimits(per_second=100, chat_interval=0)),
    )
    await telegram.start()
    try:
        only_telegram = DeliveryWorker(
            sessionmaker,
            {"telegram": telegram},
            clock,
            DeliverySettings(adopt_unserved=True),
        )
        await only_telegram.drain()
    finally:
        await telegram.stop()
    assert [s.text for s in fake.to(XIEN_TELEGRAM)] == ["Tin test:unserved"]


async def test_linking_zalo_from_telegram_tells_the_telegram_chat_and_spends_old_codes(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "telegram", str(XIEN_TELEGRAM), clock)
    xien = Chat(dispatcher, chat_id=str(XIEN_TELEGRAM), channel="telegram")
    await xien.send("/kenh")
    first = (await xien.send("1")).split("/start ")[1].split()[0]
    await xien.send("/kenh")
    code = (await xien.send("1")).split("/start ")[1].split()[0]
    on_zalo = Chat(dispatcher, chat_id=XIEN_ZALO, channel="zalo")
    assert "không dùng được" in await on_zalo.send(f"/start {first}")  # replaced by the new one
    assert "không dùng được" in await on_zalo.send("/start XEN234")  # the secretary's, unused
    assert "Chào mừng đồng chí Lò Văn Xiên" in await on_zalo.send(f"/start {code}")
    clock.advance(hours=25)
    stranger = Chat(dispatcher, chat_id="someone-else", channel="zalo")
    assert "không dùng được" in await stranger.send(f"/start {code}")
    await both.drain()
    [warning] = fake.to(XIEN_TELEGRAM)
    assert "vừa được liên kết với một cuộc trò chuyện khác, trên Zalo" in warning.text


async def _link_zalo_from_telegram(
    cell: Cell,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    """Xiên, on Telegram, links a Zalo chat: the warning is queued for his Telegram chat."""
    await _link(sessionmaker, cell.members["xien"], "telegram", str(XIEN_TELEGRAM), clock)
    xien = Chat(dispatcher, chat_id=str(XIEN_TELEGRAM), channel="telegram")
    await xien.send("/kenh")
    code = (await xien.send("1")).split("/start ")[1].split()[0]
    on_zalo = Chat(dispatcher, chat_id=XIEN_ZALO, channel="zalo")
    assert "Chào mừng đồng chí Lò Văn Xiên" in await on_zalo.send(f"/start {code}")


async def test_the_link_warning_never_falls_back_to_the_chat_it_warns_about(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link_zalo_from_telegram(cell, dispatcher, sessionmaker, clock)
    fake.faults[XIEN_TELEGRAM] = [BLOCKED]  # the Telegram chat cannot be reached for good
    await both.drain()
    assert zalo_fake.to(XIEN_ZALO) == []  # not to the newly linked chat, of all chats
    [warning] = [m for m in await _outbox(sessionmaker) if m.cause.startswith("linked:")]
    assert (warning.status, warning.channel) == (DeliveryStatus.FAILED, "telegram")


async def test_the_link_warning_is_not_moved_to_that_chat_when_telegram_is_not_served(
    cell: Cell,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    dispatcher: Dispatcher,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link_zalo_from_telegram(cell, dispatcher, sessionmaker, clock)
    zalo = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    try:
        only_zalo = DeliveryWorker(
            sessionmaker,
            {"zalo": ZaloOut(zalo, budget=Pacer(ChannelLimits(per_second=100)))},
            clock,
            DeliverySettings(adopt_unserved=True),
        )
        await only_zalo.drain()
    finally:
        await zalo.close()
    assert zalo_fake.to(XIEN_ZALO) == []
    [warning] = [m for m in await _outbox(sessionmaker) if m.cause.startswith("linked:")]
    assert (warning.status, warning.channel) == (DeliveryStatus.QUEUED, "telegram")


async def test_zalo_403_is_an_internal_error_retried_not_a_block(
    cell: Cell,
    both: DeliveryWorker,
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    # Zalo documents 403 as "Internal server error": the message waits and goes out on Zalo,
    # the member is not counted as having blocked the bot and nothing goes to Telegram.
    await _xien_on_zalo_then_telegram(sessionmaker, cell, clock)
    zalo_fake.faults[XIEN_ZALO] = [INTERNAL]
    await _queue(sessionmaker, cell, clock, "test:internal")
    for _ in range(2):
        await both.drain()
        clock.advance(minutes=10)
    assert [s.text for s in zalo_fake.to(XIEN_ZALO)] == ["Tin test:internal"]
    assert fake.to(XIEN_TELEGRAM) == []
    [row] = await _outbox(sessionmaker)
    assert (row.status, row.channel) == (DeliveryStatus.SENT, "zalo")
    assert row.last_error != "blocked"


async def test_zalo_403_every_time_gives_up_without_saying_blocked(
    cell: Cell,
    both: DeliveryWorker,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await _link(sessionmaker, cell.members["xien"], "zalo", XIEN_ZALO, clock)
    zalo_fake.faults[XIEN_ZALO] = [INTERNAL] * 3  # max_attempts 3
    await _queue(sessionmaker, cell, clock, "test:always403")
    for _ in range(4):
        await both.drain()
        clock.advance(minutes=10)
    [row] = await _outbox(sessionmaker)
    assert row.status == DeliveryStatus.FAILED
    assert row.last_error == "gave_up"
