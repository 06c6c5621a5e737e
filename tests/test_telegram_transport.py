"""chibo's Bot API client (aiohttp under python-telegram-bot): what reaches Telegram, and what a
slow, full or absent Bot API means for the sender (retry later, never a silent loss)."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.telegram.transport import AiohttpRequest
from tests.fake_telegram import BLOCKED, TOKEN, TOO_MANY, FakeTelegram, Upload


@pytest.fixture
async def slow_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A server whose /slow answers after 2 s and /fast at once; the paths it was asked for."""
    asked: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        asked.append(request.path)
        if request.path == "/slow":
            await asyncio.sleep(2)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{path}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", asked
    await runner.cleanup()


async def test_an_answer_that_does_not_come_is_a_timeout(
    slow_server: tuple[str, list[str]],
) -> None:
    url, _ = slow_server
    request = AiohttpRequest(read_timeout=0.2)
    await request.initialize()
    try:
        started = time.monotonic()
        with pytest.raises(TimedOut):  # the sender retries a TimedOut later
            await request.post(f"{url}/slow")
        assert time.monotonic() - started < 1.5
    finally:
        await request.shutdown()


async def test_a_full_pool_times_out_without_sending(slow_server: tuple[str, list[str]]) -> None:
    url, asked = slow_server
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, read_timeout=5)
    await request.initialize()
    try:
        first = asyncio.create_task(request.post(f"{url}/slow"))
        await asyncio.sleep(0.2)  # the only connection is taken
        with pytest.raises(TimedOut, match="not sent"):
            await request.post(f"{url}/fast")
        assert asked == ["/slow"]  # the second request never reached the server
        assert await first is True
        assert await request.post(f"{url}/fast") is True  # the connection is free again
    finally:
        await request.shutdown()


async def test_no_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="aiohttp"):
            await request.post(f"http://127.0.0.1:{port}/bot/getMe")
    finally:
        await request.shutdown()


async def test_a_request_before_initialize_is_refused() -> None:
    # python-telegram-bot wraps the RuntimeError as a NetworkError: a retry, never a loss
    with pytest.raises(NetworkError, match="not initialized"):
        await AiohttpRequest().post("http://127.0.0.1:9/x")


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """A python-telegram-bot Bot sending through AiohttpRequest to the fake Bot API."""
    bot = Bot(TOKEN, base_url=fake.base_url, request=AiohttpRequest(connection_pool_size=2))
    await bot.initialize()
    yield bot
    await bot.shutdown()


async def test_texts_and_keyboards_reach_telegram_as_sent(fake: FakeTelegram, bot: Bot) -> None:
    keyboard = {"inline_keyboard": [[{"text": "Có", "callback_data": "y"}]]}
    answer = await bot._post(
        "sendMessage", {"chat_id": 7, "text": "Chào đồng chí 🌾", "reply_markup": keyboard}
    )
    (sent,) = fake.to(7)
    assert (sent.text, sent.buttons) == ("Chào đồng chí 🌾", [("Có", "y")])
    assert answer["message_id"] == sent.message_id


async def test_half_an_emoji_does_not_stop_a_message(fake: FakeTelegram, bot: Bot) -> None:
    await bot._post("sendMessage", {"chat_id": 7, "text": "Việc tốt \ud83d tháng 11"})
    assert [sent.text for sent in fake.to(7)] == ["Việc tốt ? tháng 11"]


async def test_a_workbook_is_uploaded_whole_with_its_name_and_caption(
    fake: FakeTelegram, bot: Bot
) -> None:
    content = bytes(range(256)) * 40  # binary, 10 KB
    await bot.send_document(
        7, InputFile(content, filename="Tổng hợp tháng 11.xlsx"), caption="Báo cáo tháng"
    )
    (sent,) = fake.to(7)
    assert sent.text == "Báo cáo tháng"
    assert sent.params["document"] == Upload("Tổng hợp tháng 11.xlsx", content)


async def test_telegram_refusals_keep_their_meaning(fake: FakeTelegram, bot: Bot) -> None:
    fake.faults[7] = [TOO_MANY, BLOCKED]
    with pytest.raises(RetryAfter):
        await bot.send_message(7, "một")
    with pytest.raises(Forbidden):
        await bot.send_message(7, "hai")
    await bot.send_message(7, "ba")
    assert [sent.text for sent in fake.to(7)] == ["ba"]


async def test_a_restarted_client_sends_again(fake: FakeTelegram, bot: Bot) -> None:
    await bot.shutdown()
    await bot.initialize()  # a channel started again after an outage
    await bot.send_message(7, "vẫn gửi được")
    assert [sent.text for sent in fake.to(7)] == ["vẫn gửi được"]


async def test_the_environments_proxy_carries_the_requests(
    slow_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A province's network reaches Telegram only through its proxy (HTTP_PROXY / HTTPS_PROXY).
    proxy, asked = slow_server
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.setenv("NO_PROXY", "localhost")
    request = AiohttpRequest()
    await request.initialize()
    try:
        # a host that resolves nowhere: only the proxy can answer for it
        assert await request.post("http://api.telegram.invalid/fast") is True
        assert asked == ["/fast"]
    finally:
        await request.shutdown()


async def test_no_proxy_exempts_a_host(
    slow_server: tuple[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, asked = slow_server
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    request = AiohttpRequest()
    await request.initialize()
    try:
        assert await request.post(f"{url}/fast") is True
        assert asked == ["/fast"]
    finally:
        await request.shutdown()
