"""Replies to people through the real Telegram client (and Zalo's): paced on the bot's one
budget ahead of queued broadcasts, retried after 429 (retry_after), 5xx and timeouts, in
order, and counted and logged (ids only) when they finally fail."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.replies import REPLIES, ReplyPatience
from bot.channels.telegram import TelegramChannel, command_menu
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloOut
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import ChannelLimits
from bot.delivery.worker import DeliverySettings, DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from models import ChatAddress
from tests import factories
from tests.factories import Cell, FakeClock
from tests.fake_telegram import BAD_GATEWAY, TOKEN, TOO_MANY, FakeTelegram, Fault
from tests.fake_zalo import BROKEN, QUOTA, FakeZalo, user_id

XIEN = 5001


async def _channel(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    limits: ChannelLimits | None = None,
    patience: ReplyPatience | None = None,
) -> TelegramChannel:
    channel = TelegramChannel(
        TOKEN,
        dispatcher.handle,
        api_url=fake.base_url,
        poll_timeout=1,
        menu=command_menu(dispatcher.registry),
        limits=limits,
        patience=patience or ReplyPatience(pause=0.05),
    )
    await channel.start()
    return channel


@pytest.fixture
async def telegram(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[TelegramChannel]:
    channel = await _channel(fake, dispatcher)
    yield channel
    await channel.stop()


async def test_a_reply_that_meets_429_arrives_after_retry_after(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    lost = REPLIES.lost
    fake.faults[XIEN] = [TOO_MANY]  # "retry after 1"
    await fake.says(XIEN, "/start XEN234")
    welcome = await fake.wait_text(XIEN, "Chào mừng đồng chí Lò Văn Xiên")
    refused, accepted = fake.attempts[XIEN][:2]
    assert accepted - refused >= 0.95  # the platform's wait was kept
    assert telegram.budget.paused_seconds >= 0.95  # by everyone on this bot, not just this chat
    assert [s.text for s in fake.to(XIEN)].count(welcome.text) == 1
    assert REPLIES.lost == lost


async def test_replies_after_5xx_and_timeouts_arrive_once_and_in_order(
    fake: FakeTelegram, telegram: TelegramChannel, cell: Cell
) -> None:
    fake.faults[XIEN] = [BAD_GATEWAY, Fault(delay=0.3), BAD_GATEWAY]
    await fake.says(XIEN, "/start XEN234")
    await fake.says(XIEN, "/trogiup")  # the member does not wait: the answers keep their order
    await fake.wait_text(XIEN, "Chào mừng")
    sent = await fake.wait_sent(XIEN, 3)
    texts = [s.text for s in sent]
    assert "Chào mừng" in texts[0]
    assert texts[1].startswith("Các lệnh đồng chí có thể gửi") and texts[2] == texts[1]
    assert len(fake.attempts[XIEN]) == 3 + 3  # three refused, then each reply once


class Kept(logging.Handler):
    """Keeps the records of the logger it is attached to."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


async def test_a_reply_that_finally_fails_is_logged_by_id_and_counted(
    fake: FakeTelegram, dispatcher: Dispatcher, cell: Cell
) -> None:
    channel = await _channel(fake, dispatcher, patience=ReplyPatience(tries=3, pause=0.01))
    lost = REPLIES.lost
    fake.faults[XIEN] = [BAD_GATEWAY] * 3
    kept = Kept()
    logger = logging.getLogger("bot.channels")  # the replies' and the channels' loggers
    level = logger.level
    logger.addHandler(kept)
    logger.setLevel(logging.ERROR)  # whatever an earlier test left the root logger at
    try:
        await fake.says(XIEN, "/start XEN234")  # linked, then two replies: welcome, help
        for _ in range(200):
            if REPLIES.lost >= lost + 2:
                break
            await asyncio.sleep(0.05)
    finally:
        logger.removeHandler(kept)
        logger.setLevel(level)
        await channel.stop()
    assert REPLIES.lost == lost + 2  # the welcome, out of tries, and the help after it
    assert fake.to(XIEN) == []
    logged = "\n".join(kept.lines)
    assert f"reply to chat {XIEN} lost" in logged
    assert "Xiên" not in logged and "XEN234" not in logged  # ids, never names or codes


async def test_a_reply_goes_ahead_of_a_broadcast_queued_on_the_same_bot(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        for n in range(20):
            person = await factories.member(
                session, cell.cell_id, f"Người {n}", f"0966{n:06d}", clock.now()
            )
            session.add(
                ChatAddress(
                    member_id=person.id,
                    channel="telegram",
                    external_id=str(8000 + n),
                    linked_at=clock.now(),
                )
            )
            await session.flush()
            await enqueue(
                session,
                cause="broadcast:1",
                member_id=person.id,
                text="Họp chi bộ",
                choices=(),
                now=clock.now(),
            )
    # 4 messages a second for the whole bot: the broadcast takes 5 s, all of it waiting on
    # the budget at once (the worker holds up to 32 messages in hand).
    channel = await _channel(fake, dispatcher, limits=ChannelLimits(per_second=4))
    worker = DeliveryWorker(sessionmaker, {"telegram": channel}, clock, DeliverySettings())
    draining = asyncio.create_task(worker.drain())
    try:
        await fake.wait_sent(8000, 1)
        asked_after = len(fake.sent)
        await fake.says(XIEN, "/start XEN234")
        await fake.wait_text(XIEN, "Chào mừng", within=8)
        reply_at = next(i for i, s in enumerate(fake.sent) if s.chat_id == XIEN)
        # At the back of the queue it would come after the 19 others; it waits for the
        # handling and a turn or two, not for the broadcast.
        assert reply_at - asked_after <= 4
        await draining
    finally:
        await channel.stop()
    assert sorted(s.chat_id for s in fake.sent if s.chat_id != XIEN) == list(range(8000, 8020))


async def test_a_zalo_reply_that_meets_quota_exceeded_arrives_after_the_pause(
    zalo_fake: FakeZalo, dispatcher: Dispatcher, cell: Cell
) -> None:
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    out = ZaloOut(client, "vi", quota_pause=0.3)
    channel = ZaloChannel(
        client, dispatcher.handle, out, poll_seconds=1, patience=ReplyPatience(pause=0.05)
    )
    xien = user_id("xien")
    lost = REPLIES.lost
    zalo_fake.faults[xien] = [QUOTA, BROKEN]
    await channel.start()
    try:
        await zalo_fake.says(xien, "/start XEN234")
        await zalo_fake.wait_text(xien, "Chào mừng đồng chí Lò Văn Xiên")
    finally:
        await channel.stop()
    assert out.budget.paused_seconds == pytest.approx(0.3, abs=0.05)
    assert REPLIES.lost == lost
