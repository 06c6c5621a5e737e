"""A long queued message (a district digest) reaches the member whole, in order, on Telegram
and on Zalo; a failure on the way is retried from the part it stopped at (recorded on the
outbox row, across retries, restarts and workers): no part is lost, none is sent twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.parts import PartPolicy, send_parts
from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.channels.zalo import ZaloClient, ZaloOut
from bot.core.messages import Choice, OutboundMessage
from bot.delivery.outbox import enqueue
from bot.delivery.pacer import ChannelLimits, Pacer
from bot.delivery.worker import (
    Delivered,
    DeliverySettings,
    DeliveryWorker,
    RetryLater,
    Undeliverable,
)
from models import ChatAddress, DeliveryStatus, FailureReason, OutboxMessage
from tests import factories
from tests.factories import Cell, FakeClock
from tests.fake_telegram import BAD_GATEWAY, BLOCKED, PASS, TOKEN, FakeTelegram, Fault
from tests.fake_zalo import OK, QUOTA, FakeZalo, ZaloFault, user_id

TELEGRAM_CHAT = 7100
ZALO_CHAT = user_id("tong-hop")
# A district committee's weekly digest: 240 cells, about 16,000 characters.
LINES = [
    f"{n:03d}. Chi bộ bản số {n}: 9/11 đã báo cáo, 14 việc tốt, 6 hộ được giúp" for n in range(240)
]
DIGEST = "\n".join(LINES)
RECEIVED = Choice("ack", "Đã nhận")


@pytest.fixture
async def worker(
    fake: FakeTelegram,
    zalo_fake: FakeZalo,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    cell: Cell,
) -> AsyncIterator[DeliveryWorker]:
    """The digest queued for a committee member on Telegram and for another on Zalo, and a
    worker sending through the real senders."""
    async with sessionmaker() as session, session.begin():
        for name, phone, channel, chat in (
            ("Hoàng Văn Tư", "0977100001", "telegram", str(TELEGRAM_CHAT)),
            ("Lò Thị Sen", "0977100002", "zalo", ZALO_CHAT),
        ):
            person = await factories.member(session, cell.cell_id, name, phone, clock.now())
            session.add(
                ChatAddress(
                    member_id=person.id, channel=channel, external_id=chat, linked_at=clock.now()
                )
            )
            await session.flush()
            await enqueue(
                session,
                cause="digest:2026-W47",
                member_id=person.id,
                text=DIGEST,
                choices=(RECEIVED,),
                now=clock.now(),
            )
    fast = ChannelLimits(per_second=100, chat_interval=0)
    telegram = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=1), budget=Pacer(fast))
    await telegram.start()
    zalo = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    out = ZaloOut(zalo, quota_pause=0.01, budget=Pacer(fast))
    yield DeliveryWorker(
        sessionmaker,
        {"telegram": telegram, "zalo": out},
        clock,
        DeliverySettings(max_attempts=3, lease=timedelta(seconds=30)),
    )
    await telegram.stop()
    await zalo.close()


async def _row(sessionmaker: async_sessionmaker[AsyncSession], channel: str) -> OutboxMessage:
    async with sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.channel == channel))
    assert row is not None
    return row


def _lines(texts: list[str]) -> list[str]:
    return "\n".join(texts).splitlines()


async def test_every_part_of_a_long_queued_message_arrives_in_order_on_telegram(
    fake: FakeTelegram, worker: DeliveryWorker, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await worker.drain()
    sent = fake.to(TELEGRAM_CHAT)
    assert len(sent) >= 3 and all(s.method == "sendMessage" for s in sent)
    assert _lines([s.text for s in sent]) == LINES  # every line once, in order, none cut
    assert [bool(s.buttons) for s in sent] == [False] * (len(sent) - 1) + [True]
    assert sent[-1].buttons == [("Đã nhận", "ack")]
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.SENT and row.last_error is None


async def test_a_passing_failure_mid_message_resumes_at_that_part_on_the_next_try(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[TELEGRAM_CHAT] = [PASS, BAD_GATEWAY, BAD_GATEWAY]
    await worker.drain()
    [first] = fake.to(TELEGRAM_CHAT)
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.RETRY and row.last_error is not None
    assert row.last_error.startswith("part 2 of ") and "Bad Gateway" in row.last_error
    assert row.part_ids == [str(first.message_id)]  # the part out, kept on the row
    for _ in range(2):
        clock.advance(minutes=5)
        await worker.drain()
    sent = fake.to(TELEGRAM_CHAT)
    assert _lines([s.text for s in sent]) == LINES  # every line once, in order
    assert len(fake.attempts[TELEGRAM_CHAT]) == len(sent) + 2  # only part 2 was tried again
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.SENT and row.parts == len(sent)
    assert row.attempts == 3


async def test_a_worker_that_dies_mid_message_is_resumed_by_the_next_without_repeats(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Part 3 hangs (the process is killed while waiting for Telegram's answer).
    fake.faults[TELEGRAM_CHAT] = [PASS, PASS, Fault(delay=2)]
    dying = DeliveryWorker(sessionmaker, worker.senders, clock, worker.settings)
    draining = asyncio.create_task(dying.drain())
    await fake.wait_sent(TELEGRAM_CHAT, 2)
    # Part 3 reaches Telegram only after part 2 was recorded on the row: wait for it, not
    # for a fixed time (a loaded machine took longer than 0.2 s to record part 2).
    await fake.wait_attempts(TELEGRAM_CHAT, 3)
    for task in (draining, *dying._in_flight):  # the process dies: nothing of it runs on
        task.cancel()
    await asyncio.gather(draining, return_exceptions=True)
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.SENDING and len(row.part_ids) == 2
    clock.advance(seconds=31)  # its lease runs out; another worker claims the row
    await worker.drain()
    sent = fake.to(TELEGRAM_CHAT)
    assert _lines([s.text for s in sent]) == LINES
    assert (await _row(sessionmaker, "telegram")).status is DeliveryStatus.SENT


async def test_out_of_tries_mid_message_keeps_what_went_out_and_says_what_did_not(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[TELEGRAM_CHAT] = [PASS, BAD_GATEWAY, BAD_GATEWAY, BAD_GATEWAY]
    for _ in range(4):
        await worker.drain()
        clock.advance(minutes=10)
    [first] = fake.to(TELEGRAM_CHAT)
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.SENT  # delivered in part: never sent again
    assert row.last_error is not None and "gave up after 3 attempts" in row.last_error
    assert row.last_error.startswith("part 2 of ")
    assert len(fake.attempts[TELEGRAM_CHAT]) == 4


async def test_a_part_refused_for_good_is_reported_and_the_first_never_sent_again(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[TELEGRAM_CHAT] = [PASS, BLOCKED]
    await worker.drain()
    [first] = fake.to(TELEGRAM_CHAT)
    assert first.text.splitlines() == LINES[: len(first.text.splitlines())]
    row = await _row(sessionmaker, "telegram")
    assert row.status is DeliveryStatus.SENT
    assert row.last_error is not None
    assert row.last_error.startswith("part 2 of ")
    assert "bot was blocked by the user" in row.last_error
    clock.advance(hours=1)
    await worker.drain()
    assert len(fake.attempts[TELEGRAM_CHAT]) == 2  # the first part, the refused one: no more


async def test_a_failure_before_any_part_retries_the_whole_message_later(
    fake: FakeTelegram,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    fake.faults[TELEGRAM_CHAT] = [BAD_GATEWAY]
    await worker.drain()
    assert fake.to(TELEGRAM_CHAT) == []
    assert (await _row(sessionmaker, "telegram")).status is DeliveryStatus.RETRY
    clock.advance(minutes=1)
    await worker.drain()
    assert _lines([s.text for s in fake.to(TELEGRAM_CHAT)]) == LINES


async def test_zalo_shares_the_part_by_part_rules(
    zalo_fake: FakeZalo,
    worker: DeliveryWorker,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    zalo_fake.faults[ZALO_CHAT] = [OK, OK, QUOTA]
    await worker.drain()
    assert len(zalo_fake.to(ZALO_CHAT)) == 2
    row = await _row(sessionmaker, "zalo")
    assert row.status is DeliveryStatus.RETRY and len(row.part_ids) == 2
    clock.advance(minutes=1)
    await worker.drain()
    sent = zalo_fake.to(ZALO_CHAT)
    assert all(len(s.text) <= 2000 for s in sent)
    *digest, choice, hint = _lines([s.text for s in sent])
    assert (digest, choice) == (LINES, "1. Đã nhận")  # every line once, then the choice
    assert (await _row(sessionmaker, "zalo")).status is DeliveryStatus.SENT


async def test_a_zalo_part_refused_for_good_is_reported_with_its_number(
    zalo_fake: FakeZalo, worker: DeliveryWorker, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    zalo_fake.faults[ZALO_CHAT] = [OK, OK, ZaloFault(400, "Bad request")]
    await worker.drain()
    sent = zalo_fake.to(ZALO_CHAT)
    assert len(sent) == 2
    assert _lines([s.text for s in sent]) == LINES[: len(_lines([s.text for s in sent]))]
    row = await _row(sessionmaker, "zalo")
    assert row.status is DeliveryStatus.SENT
    assert row.last_error is not None and row.last_error.startswith("part 3 of ")


async def test_a_chart_with_more_text_than_a_caption_holds_sends_all_of_it(
    fake: FakeTelegram,
    cell: Cell,
    clock: FakeClock,
    worker: DeliveryWorker,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        person = await factories.member(session, cell.cell_id, "Bí thư", "0977100003", clock.now())
        session.add(
            ChatAddress(
                member_id=person.id, channel="telegram", external_id="7101", linked_at=clock.now()
            )
        )
        await session.flush()
        await enqueue(
            session,
            cause="digest-chart:1",
            member_id=person.id,
            text="\n".join(LINES[:30]),
            choices=(),
            now=clock.now(),
            photo=b"\x89PNG\r\n\x1a\nfake",
        )
    await worker.drain()
    photo, *texts = fake.to(7101)
    assert photo.method == "sendPhoto" and photo.text == ""
    assert _lines([s.text for s in texts]) == LINES[:30]


async def _fails(error: Exception) -> str:
    raise error


async def _ok(message_id: str) -> str:
    return message_id


def _judge(error: Exception) -> RetryLater | Undeliverable:
    if isinstance(error, PermissionError):
        return Undeliverable(FailureReason.BLOCKED, "blocked")
    return RetryLater(f"passing: {error}")


POLICY_FOR_TESTS = PartPolicy(errors=(OSError,), judge=_judge)


class Recorder:
    """What send_parts tells the worker as parts go out."""

    def __init__(self) -> None:
        self.reports: list[tuple[list[str], int]] = []

    async def ready(self) -> None:
        pass

    async def sent(self, ids: Sequence[str], parts: int) -> None:
        self.reports.append((list(ids), parts))


async def test_send_parts_reads_a_failure_by_where_it_happens() -> None:
    # Nothing out yet: the whole message's outcome, for the queue to retry from the start.
    nothing = await send_parts([lambda: _fails(TimeoutError("slow"))], POLICY_FOR_TESTS)
    assert nothing == RetryLater("passing: slow")
    # A passing failure after the first part: retry later, after the parts out.
    recorder = Recorder()
    stopped = await send_parts(
        [lambda: _ok("1"), lambda: _fails(TimeoutError("slow")), lambda: _ok("3")],
        POLICY_FOR_TESTS,
        progress=recorder,
    )
    assert stopped == RetryLater("part 2 of 3 not sent: passing: slow", sent=("1",), parts=3)
    assert recorder.reports == [(["1"], 3)]
    # The next try resumes after them, and reports only while more are to follow.
    resumed = await send_parts(
        [lambda: _ok("2"), lambda: _ok("3")], POLICY_FOR_TESTS, sent_before=["1"]
    )
    assert resumed == Delivered("1", 3, 3)
    # A part refused for good is not tried again; parts sent before (a picture) count.
    refused = await send_parts(
        [lambda: _fails(PermissionError())], POLICY_FOR_TESTS, sent_before=["photo-1"]
    )
    assert refused == Delivered("photo-1", 1, 2, "part 2 of 2 not sent: blocked")
    assert not refused.complete
    # Not the platform's error (a bug): it is not turned into an outcome.
    with pytest.raises(ValueError):
        await send_parts([lambda: _fails(ValueError("bug"))], POLICY_FOR_TESTS)


async def test_a_text_of_emoji_fits_telegram_however_it_counts(fake: FakeTelegram) -> None:
    out = TelegramOut(delivery_bot(TOKEN, fake.base_url, timeout=2))
    await out.start()
    text = "Chúc mừng 🎉🌟 " * 400  # 5,600 characters, 6,400 UTF-16 units
    try:
        outcome = await out.deliver(str(TELEGRAM_CHAT), OutboundMessage(text))
    finally:
        await out.stop()
    assert isinstance(outcome, Delivered) and outcome.complete
    assert "".join(s.text for s in fake.to(TELEGRAM_CHAT)) == text
