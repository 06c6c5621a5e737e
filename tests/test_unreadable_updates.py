"""One update python-telegram-bot cannot read (a poll from an older self-hosted Bot API
server, a field of the wrong type) among good ones: skipped and logged once by id, the others
answered, by polling and by webhook — the real client against the fake Bot API."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer

from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.channel import SECRET_HEADER, WebhookConfig
from bot.dispatcher.dispatch import Dispatcher
from bot.web.server import WebhookRoute, build_app
from tests.fake_telegram import TOKEN, FakeTelegram

SECRET = "s3cret-webhook_token-0123456789"


def _old_poll(fake: FakeTelegram, user: int) -> dict[str, Any]:
    """A message with a poll as an older Bot API server shapes it (no voter_count)."""
    poll = {
        "id": "p1",
        "question": "Họp tối nay?",
        "options": [{"text": "Có"}, {"text": "Không"}],
        "is_closed": False,
    }
    return fake.message(user, poll=poll)


def _bad_date(fake: FakeTelegram, user: int) -> dict[str, Any]:
    """A message whose date is not a number."""
    update = fake.message(user, text="Nguyễn Văn Bảy 0912345678")
    update["message"]["date"] = "hôm nay"
    return update


@pytest.mark.parametrize("unreadable", [_old_poll, _bad_date])
async def test_polling_skips_an_unreadable_update_and_answers_the_rest(
    fake: FakeTelegram,
    dispatcher: Dispatcher,
    caplog: pytest.LogCaptureFixture,
    unreadable: Any,
) -> None:
    channel = TelegramChannel(TOKEN, dispatcher.handle, api_url=fake.base_url, poll_timeout=1)
    with caplog.at_level(logging.INFO):
        await channel.start()
        try:
            await fake.says(7001, "xin chào")
            await fake.push(unreadable(fake, 7002))
            await fake.says(7003, "xin chào")
            await fake.wait_text(7001, "chưa được liên kết", within=20)
            await fake.wait_text(7003, "chưa được liên kết", within=20)
            await fake.says(7004, "xin chào")  # and polling goes on
            await fake.wait_text(7004, "chưa được liên kết", within=20)
        finally:
            await channel.stop()
    assert fake.to(7002) == []
    skipped = [r.getMessage() for r in caplog.records if "skipped update" in r.getMessage()]
    assert len(skipped) == 1 and "cannot be read" in skipped[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "0912345678" not in logged and "Họp tối nay" not in logged  # ids only


async def test_a_webhook_skips_an_unreadable_update_and_answers_the_rest(
    fake: FakeTelegram, dispatcher: Dispatcher
) -> None:
    channel = TelegramChannel(
        TOKEN,
        dispatcher.handle,
        api_url=fake.base_url,
        webhook=WebhookConfig(url="https://bot.example.vn/telegram", secret=SECRET),
    )
    await channel.start()

    async def healthy() -> bool:
        return True

    route = WebhookRoute("/telegram", SECRET_HEADER, SECRET, channel.feed)
    server = TestServer(build_app([route], healthy), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/telegram"))
    headers = {SECRET_HEADER: SECRET}
    bodies = [
        {"update_id": 1, **fake.message(7101, text="xin chào")},
        {"update_id": 2, **_old_poll(fake, 7102)},
        {"update_id": 3, **_bad_date(fake, 7103)},
        {"update_id": 4, **fake.message(7104, text="xin chào")},
    ]
    try:
        async with ClientSession() as http:
            for body in bodies:
                async with http.post(url, json=body, headers=headers) as response:
                    # 200 for the unreadable ones too: Telegram would resend them forever.
                    assert response.status == 200
    finally:
        await server.close()
        await channel.stop()
    assert fake.to(7102) == [] and fake.to(7103) == []
    for user in (7101, 7104):
        assert "chưa được liên kết" in fake.to(user)[-1].text
