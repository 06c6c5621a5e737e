"""The pacer keeps to the platform's limits (measured on a fake monotonic clock), and on
PostgreSQL every process keeps to one budget per bot."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery.budget import SharedPacer
from bot.delivery.pacer import ChannelLimits, Pacer


class FakeTime:
    """A monotonic clock that asyncio.sleep moves forward (patched in)."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    clock = FakeTime()
    real_sleep = asyncio.sleep

    async def sleep(seconds: float) -> None:
        clock.now += max(seconds, 0)
        await real_sleep(0)

    monkeypatch.setattr("bot.delivery.pacer.asyncio.sleep", sleep)
    return clock


async def _times(pacer: Pacer, clock: FakeTime, chats: list[str]) -> list[float]:
    times: list[float] = []
    for chat in chats:
        await pacer.wait_turn(chat)
        times.append(clock.now)
    return times


async def test_overall_rate_is_spread_evenly(fake_time: FakeTime) -> None:
    limits = ChannelLimits(per_second=30)
    pacer = Pacer(limits, now=fake_time)
    times = await _times(pacer, fake_time, [f"c{i}" for i in range(90)])
    assert limits.pace == pytest.approx(29.1)  # a little under the platform's limit
    assert 89 / limits.pace <= times[-1] <= 89 / 29 + 1e-9  # 29-29.1 a second, no slower
    assert all(b - a >= 1 / limits.pace - 1e-9 for a, b in zip(times, times[1:], strict=False))
    in_any_second = max(sum(1 for t in times if s <= t < s + 1) for s in times)
    assert in_any_second <= 29


async def test_one_private_chat_gets_at_most_one_message_a_second(fake_time: FakeTime) -> None:
    pacer = Pacer(ChannelLimits(per_second=30, chat_interval=1.0), now=fake_time)
    times = await _times(pacer, fake_time, ["same", "other", "same", "same"])
    assert times == pytest.approx([0.0, 1 / 29.1, 1.0, 2.0])


async def test_groups_get_at_most_twenty_a_minute(fake_time: FakeTime) -> None:
    pacer = Pacer(ChannelLimits(per_second=30, group_per_minute=20), now=fake_time)
    times = await _times(pacer, fake_time, ["-100123"] * 3)  # a group: 3 s apart
    assert times == pytest.approx([0.0, 3.0, 6.0])


async def test_retry_after_pauses_everyone(fake_time: FakeTime) -> None:
    pacer = Pacer(ChannelLimits(per_second=30), now=fake_time)
    await pacer.wait_turn("a")
    pacer.pause(5)
    await pacer.wait_turn("b")
    assert fake_time.now == pytest.approx(5.0)


async def test_replies_go_before_queued_messages_waiting_on_the_same_budget(
    fake_time: FakeTime,
) -> None:
    pacer = Pacer(ChannelLimits(per_second=10, chat_interval=0), now=fake_time)
    order: list[str] = []

    async def send(name: str, urgent: bool) -> None:
        await pacer.wait_turn(name, urgent=urgent)
        order.append(name)

    queued = [asyncio.create_task(send(f"broadcast-{n}", False)) for n in range(5)]
    await asyncio.sleep(0)  # the broadcast is waiting its turns
    replies = [asyncio.create_task(send(f"reply-{n}", True)) for n in range(2)]
    await asyncio.gather(*queued, *replies)
    # The broadcasts already at the gate go first; then both replies, then the rest in order.
    assert order == [
        "broadcast-0",
        "broadcast-1",
        "broadcast-2",
        "reply-0",
        "reply-1",
        "broadcast-3",
        "broadcast-4",
    ]
    assert pacer.released == {True: 2, False: 5}


async def test_replies_share_the_rate_and_the_429_pause_of_the_queue(
    fake_time: FakeTime,
) -> None:
    pacer = Pacer(ChannelLimits(per_second=10, chat_interval=1.0), now=fake_time)
    await pacer.wait_turn("same")  # a queued message
    times = []
    for _ in range(10):  # then the replies of a batch, to the same chat and others
        await pacer.wait_turn("same", urgent=True)
        times.append(fake_time.now)
    # Replies go out together, not held to the chat's gap nor spaced, but never more than
    # the limit (9.7 a second: 9 in any rolling second) with the queued one counted.
    assert times == pytest.approx([0.0] * 8 + [1.0, 1.0])
    pacer.pause(3)
    await pacer.wait_turn("other", urgent=True)
    assert fake_time.now == pytest.approx(4.0)
    await pacer.wait_turn("same")  # a queued message is spaced from the last release
    assert fake_time.now == pytest.approx(4.0 + 1 / 9.7)


async def test_a_429_in_one_process_pauses_the_others_on_postgresql(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the budget is shared through PostgreSQL; SQLite runs one process")
    limits = ChannelLimits(per_second=20, chat_interval=0)
    here, there = (
        SharedPacer(engine, "telegram:x", limits),
        SharedPacer(engine, "telegram:x", limits),
    )
    await here.wait_turn("a")
    here.pause(1.0)  # Telegram answered this process 429, retry after 1 s
    await asyncio.gather(*here._tasks)
    started = time.monotonic()
    await there.wait_turn("b")  # the other process's first send waits out the same pause
    assert time.monotonic() - started >= 0.9
