"""The delivery worker against a fake Bot API that answers 429, 5xx, timeouts, 403, 400."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.core.clock import SystemClock
from bot.delivery.outbox import claim_due, enqueue, mark_sent
from bot.delivery.pacer import ChannelLimits
from bot.delivery.worker import DeliverySettings, DeliveryWorker
from models import ChatAddress, DeliveryStatus, OutboxMessage
from tests import factories
from tests.factories import Cell, FakeClock
from tests.fake_telegram import (
    BAD_GATEWAY,
    BLOCKED,
    CHAT_NOT_FOUND,
    TOKEN,
    TOO_MANY,
    FakeTelegram,
    Fault,
)

USERS = [7001, 7002, 7003, 7004]


@pytest.fixture
async def recipients(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> list[int]:
    """Four members on Telegram, each with a queued message."""
    ids: list[int] = []
    async with sessionmaker() as session, session.begin():
        for number, user in enumerate(USERS):
            person = await factories.member(
                session, cell.cell_id, f"Người {number}", f"09770000{number:02d}", clock.now()
            )
            session.add(
                ChatAddress(
                    member_id=person.id,
                    channel="telegram",
                    external_id=str(user),
                    linked_at=clock.now(),
                )
            )
            await session.flush()
            await enqueue(session, "test:1", person.id, f"Tin {number}", (), clock.now())
            ids.append(person.id)
    return ids


@pytest.fixture
async def worker(
    fake: FakeTelegram, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> AsyncIterator[DeliveryWorker]:
    """A worker sending through the real PTB client to the fake server."""
    sender = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=0.5))
    await sender.start()
    yield DeliveryWorker(
        sessionmaker,
        {"telegram": sender},
        {"telegram": ChannelLimits(per_second=50)},
        clock,
        DeliverySettings(max_attempts=3, lease=timedelta(seconds=30)),
    )
    await sender.stop()


async def _rows(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, OutboxMessage]:
    async with sessionmaker() as session:
        rows = await session.scalars(select(OutboxMessage))
        return {str(row.chat_id): row for row in rows}


async def test_everyone_gets_exactly_one_message(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await worker.drain()
    assert sorted(s.chat_id for s in fake.sent) == USERS
    rows = await _rows(sessionmaker)
    assert all(
        row.status is DeliveryStatus.SENT and row.platform_message_id for row in rows.values()
    )
    await worker.drain()  # nothing is due any more: nothing is sent again
    assert len(fake.sent) == len(USERS)


async def test_429_is_honoured_for_everyone_and_the_message_retried(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[USERS[0]] = [TOO_MANY]
    await worker.drain()
    refused_at = fake.attempts[USERS[0]][0]
    later = [t for user in USERS[1:] for t in fake.attempts[user] if t > refused_at]
    assert later and min(later) - refused_at >= 0.95  # nobody was sent within retry_after
    row = (await _rows(sessionmaker))[str(USERS[0])]
    assert row.status is DeliveryStatus.RETRY and "429" in (row.last_error or "")
    clock.advance(seconds=2)
    await worker.drain()
    assert (await _rows(sessionmaker))[str(USERS[0])].status is DeliveryStatus.SENT
    assert [s.chat_id for s in fake.sent].count(USERS[0]) == 1


async def test_server_errors_and_timeouts_back_off_then_succeed(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[USERS[1]] = [BAD_GATEWAY, Fault(delay=1.5)]
    await worker.drain()
    first = (await _rows(sessionmaker))[str(USERS[1])]
    assert first.status is DeliveryStatus.RETRY
    assert first.next_attempt_at > clock.now()  # backed off, not hammering
    clock.advance(minutes=1)
    await worker.drain()
    assert (await _rows(sessionmaker))[str(USERS[1])].status is DeliveryStatus.RETRY
    clock.advance(minutes=1)
    await worker.drain()
    row = (await _rows(sessionmaker))[str(USERS[1])]
    assert row.status is DeliveryStatus.SENT and row.attempts == 3
    assert [s.chat_id for s in fake.sent].count(USERS[1]) == 1


async def test_blocked_and_never_started_fail_at_once_and_are_never_retried(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[USERS[2]] = [BLOCKED]
    fake.faults[USERS[3]] = [CHAT_NOT_FOUND]
    await worker.drain()
    clock.advance(hours=1)
    await worker.drain()
    rows = await _rows(sessionmaker)
    assert (rows[str(USERS[2])].status, rows[str(USERS[2])].last_error) == (
        DeliveryStatus.FAILED,
        "blocked",
    )
    assert (rows[str(USERS[3])].status, rows[str(USERS[3])].last_error) == (
        DeliveryStatus.FAILED,
        "not_started",
    )
    assert len(fake.attempts[USERS[2]]) == 1 and len(fake.attempts[USERS[3]]) == 1


async def test_gives_up_after_the_maximum_of_attempts(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[USERS[0]] = [BAD_GATEWAY] * 5
    for _ in range(4):
        await worker.drain()
        clock.advance(minutes=5)
    row = (await _rows(sessionmaker))[str(USERS[0])]
    assert (row.status, row.last_error, row.attempts) == (DeliveryStatus.FAILED, "gave_up", 3)
    assert len(fake.attempts[USERS[0]]) == 3


async def test_enqueuing_the_same_cause_twice_adds_nothing(
    recipients: list[int], sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        await enqueue(session, "test:1", recipients[0], "again", (), clock.now())
    assert len(await _rows(sessionmaker)) == len(USERS)


async def test_a_lost_lease_is_claimed_again_and_the_old_outcome_ignored(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    recipients: list[int],
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        stale = await claim_due(session, clock.now(), 10, timedelta(seconds=30), ("telegram",))
    assert len(stale) == len(USERS)  # a worker took them all and died
    await worker.drain()
    assert fake.sent == []  # still leased to the dead worker
    clock.advance(seconds=31)
    await worker.drain()
    assert sorted(s.chat_id for s in fake.sent) == USERS
    async with sessionmaker() as session, session.begin():
        assert not await mark_sent(session, stale[0], "late", clock.now())


async def test_a_pause_longer_than_the_lease_sends_nobody_twice(
    fake: FakeTelegram, recipients: list[int], sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sender = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=5))
    await sender.start()
    worker = DeliveryWorker(
        sessionmaker,
        {"telegram": sender},
        {"telegram": ChannelLimits(per_second=50)},
        SystemClock(),
        DeliverySettings(lease=timedelta(seconds=1)),
    )
    fake.faults[USERS[0]] = [Fault(429, "Too Many Requests: retry after 2", retry_after=2)]
    try:
        await worker.drain()  # the others wait out the 2 s pause: longer than their lease
        await asyncio.sleep(2.2)
        await worker.drain()
    finally:
        await sender.stop()
    assert Counter(s.chat_id for s in fake.sent) == dict.fromkeys(USERS, 1)
    row = (await _rows(sessionmaker))[str(USERS[0])]
    assert row.status is DeliveryStatus.SENT and row.attempts == 1  # the 429 was no attempt


async def test_a_queued_chart_goes_out_as_a_photo_with_its_caption(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        person = await factories.member(session, cell.cell_id, "Bí thư", "0977000099", clock.now())
        session.add(
            ChatAddress(
                member_id=person.id, channel="telegram", external_id="7099", linked_at=clock.now()
            )
        )
        await session.flush()
        await enqueue(
            session,
            "digest-chart:2026-W47",
            person.id,
            "Tỷ lệ báo cáo",
            (),
            clock.now(),
            photo=b"\x89PNG\r\n\x1a\nfake",
        )
    await worker.drain()
    [sent] = fake.to(7099)
    assert (sent.method, sent.text) == ("sendPhoto", "Tỷ lệ báo cáo")
