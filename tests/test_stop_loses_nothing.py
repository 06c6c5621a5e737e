"""Stopping a polling channel loses nothing: the update a long poll under way brings is
handled (Zalo, which has no offset) or sent again on the next start (Telegram, whose offset
confirms only what was handled) — the real clients against the fakes."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloOut
from bot.dispatcher.dispatch import Dispatcher
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, user_id


async def _polls(calls: Sequence[tuple[str, object]], method: str, more_than: int) -> None:
    for _ in range(200):
        if len([c for c in calls if c[0] == method]) > more_than:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"no {method}")


async def test_stopping_zalo_handles_the_update_the_long_poll_under_way_brings(
    zalo_fake: FakeZalo, dispatcher: Dispatcher
) -> None:
    client = ZaloClient(zalo_fake.token, zalo_fake.base_url)
    channel = ZaloChannel(client, dispatcher.handle, ZaloOut(client, "vi"), poll_seconds=2)
    await channel.start()
    villager = user_id("villager")
    polls = len([c for c in zalo_fake.calls if c[0] == "getUpdates"])
    await _polls(zalo_fake.calls, "getUpdates", polls)  # a long poll is under way
    stopping = asyncio.create_task(channel.stop())
    await asyncio.sleep(0.1)
    # Zalo answers the poll under way with the villager's message just as chibo stops.
    await zalo_fake.says(villager, "xin chào")
    await asyncio.wait_for(stopping, 30)
    assert zalo_fake.updates == []  # Zalo handed it out: it counts as delivered
    [reply] = zalo_fake.to(villager)
    assert "chưa được liên kết" in reply.text
    polls = len([c for c in zalo_fake.calls if c[0] == "getUpdates"])
    await asyncio.sleep(0.3)
    assert len([c for c in zalo_fake.calls if c[0] == "getUpdates"]) == polls  # stopped


async def test_stopping_telegram_mid_poll_answers_every_update_once_after_a_restart(
    fake: FakeTelegram, dispatcher: Dispatcher
) -> None:
    def channel() -> TelegramChannel:
        return TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=2)

    first = channel()
    await first.start()
    users = list(range(8001, 8011))
    for user in users[:5]:
        await fake.says(user, "xin chào")
    stopping = asyncio.create_task(first.stop())
    for user in users[5:]:  # arriving while the poller stops
        await fake.says(user, "xin chào")
    await asyncio.wait_for(stopping, 30)
    second = channel()
    await second.start()
    try:
        for user in users:
            await fake.wait_text(user, "chưa được liên kết", within=20)
        await asyncio.sleep(0.5)  # time for a duplicate to show
    finally:
        await second.stop()
    assert all(len(fake.to(user)) == 1 for user in users)
