"""`chibo run` as an operator meets it: webhook secrets, health, bad tokens, clean stops."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.channels.telegram import TelegramChannel, WebhookConfig
from bot.channels.telegram.channel import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from bot.cli.run import StartupError, run_bot
from bot.core.channel_settings import TelegramSettings, ZaloSettings
from bot.core.config import Settings
from bot.core.text import split_text
from bot.dispatcher.dispatch import Dispatcher
from bot.web.server import WebhookRoute, build_app
from tests.cli import chibo_run
from tests.factories import Cell
from tests.fake_telegram import TOKEN, FakeTelegram

SECRET = "s3cret-webhook_token-0123456789"


async def _healthy() -> bool:
    return True


async def test_webhook_refuses_a_wrong_secret_and_serves_the_right_one(
    fake: FakeTelegram, dispatcher: Dispatcher, cell: Cell
) -> None:
    channel = TelegramChannel(
        TOKEN,
        dispatcher.handle,
        api_url=fake.base_url,
        webhook=WebhookConfig(url="https://bot.example.vn/telegram", secret=SECRET),
    )
    await channel.start()
    route = WebhookRoute("/telegram", TELEGRAM_SECRET_HEADER, SECRET, channel.feed)
    server = TestServer(build_app([route], _healthy), host="127.0.0.1")
    await server.start_server()
    update: dict[str, Any] = {"update_id": 1, **fake.message(5001, text="/start XEN234")}
    try:
        async with ClientSession() as http:
            url = str(server.make_url("/telegram"))
            for headers in (
                {},
                {TELEGRAM_SECRET_HEADER: "wrong"},
                {TELEGRAM_SECRET_HEADER: SECRET[:-1]},
            ):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
            await asyncio.sleep(0.2)
            assert fake.to(5001) == []  # nothing was processed
            async with http.post(
                url, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}
            ) as response:
                assert response.status == 200
            await fake.wait_text(5001, "Chào mừng đồng chí Lò Văn Xiên")
            async with http.get(str(server.make_url("/healthz"))) as response:
                assert response.status == 200
                assert await response.json() == {"status": "ok"}
            async with http.post(
                url, data=b"not json", headers={TELEGRAM_SECRET_HEADER: SECRET}
            ) as response:
                assert response.status == 400
    finally:
        await server.close()
        await channel.stop()
    assert (
        "setWebhook",
        {
            "url": "https://bot.example.vn/telegram",
            "secret_token": SECRET,
            "allowed_updates": ["message", "callback_query"],
        },
    ) in fake.calls


async def test_a_token_telegram_refuses_is_a_clear_error(fake: FakeTelegram) -> None:
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite://",
        language="vi",
        telegram=TelegramSettings(
            bot_token="987654321:AAThisTokenIsNotKnownToTheFakeServer", api_url=fake.base_url
        ),
    )
    with pytest.raises(StartupError, match="Telegram không chấp nhận TELEGRAM_BOT_TOKEN"):
        await run_bot(settings)


async def test_no_token_explains_what_to_do() -> None:
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://")
    with pytest.raises(StartupError, match="chibo demo"):
        await run_bot(
            settings.model_copy(update={"telegram": TelegramSettings(), "zalo": ZaloSettings()})
        )


async def test_chibo_run_serves_telegram_and_stops_cleanly_on_sigterm(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    async with chibo_run(
        tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.base_url, LOG_LEVEL="WARNING"
    ):
        await fake.says(4242, "xin chào")
        reply = await fake.wait_text(4242, "chưa được liên kết", within=20)
        assert reply.asks_for_contact


@given(
    st.lists(st.text(alphabet="abc xyzđ", max_size=300), max_size=40),
    st.integers(min_value=20, max_value=500),
)
def test_long_text_is_split_on_line_ends_under_the_limit(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    chunks = split_text(text, limit)
    assert all(len(chunk.strip()) > 0 and len(chunk) <= limit for chunk in chunks)
    assert re.sub(r"\s", "", "".join(chunks)) == re.sub(r"\s", "", text)  # nothing lost
    if all(len(line) <= limit for line in lines):
        for chunk in chunks:  # every piece is a run of whole lines
            assert f"\n{chunk}\n" in f"\n{text}\n"
