"""Webhook mode as Telegram and an attacker meet it: an update is answered 200 only once it is
handled and its reply sent; a full server says 503 so Telegram sends again; bodies that are no
update get 200 or 400, never 500; refusals are logged once a minute; slow clients are cut."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer, unused_port

from bot.channels.telegram import TelegramChannel, WebhookConfig
from bot.channels.telegram.channel import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from bot.dispatcher.dispatch import Dispatcher
from bot.web import server as web_server
from bot.web.server import WebhookRoute, WebServer, build_app
from tests.factories import Cell
from tests.fake_telegram import TOKEN, FakeTelegram

SECRET = "s3cret-webhook_token-0123456789"
OK = {TELEGRAM_SECRET_HEADER: SECRET}


async def _healthy() -> bool:
    return True


@pytest.fixture
async def hook(fake: FakeTelegram, dispatcher: Dispatcher) -> AsyncIterator[tuple[str, Any]]:
    """chibo's webhook for Telegram on a test server: its URL, and the channel."""
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
    yield str(server.make_url("/telegram")), channel
    await server.close()
    await channel.stop()


async def test_an_update_is_acknowledged_only_after_its_answer_was_sent(
    hook: tuple[str, Any], fake: FakeTelegram, cell: Cell
) -> None:
    url, _ = hook
    async with ClientSession() as http:
        for user, text in ((6001, "xin chào"), (6002, "/start XEN234"), (6003, "chữ \ud800 lạ")):
            update = {"update_id": user, **fake.message(user, text=text)}
            async with http.post(url, json=update, headers=OK) as response:
                assert response.status == 200
            # Nothing left in a queue: the answer was out before the 200.
            assert fake.to(user), text
    assert any("Chào mừng đồng chí Lò Văn Xiên" in sent.text for sent in fake.to(6002))
    assert "sự cố" not in fake.to(6003)[-1].text  # a lone surrogate is no crash


async def test_bodies_that_are_no_update_get_200_or_400_and_one_log_line(
    hook: tuple[str, Any], fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = hook
    deep = b"[" * 100_000 + b"]" * 100_000
    no_date = {"update_id": 9, "message": {"message_id": 1, "chat": {"id": 1, "type": "private"}}}
    with caplog.at_level(logging.WARNING, logger="bot.web.server"):
        async with ClientSession() as http:
            async with http.post(url, data=deep, headers=OK) as response:
                assert response.status == 400
            async with http.post(url, json=no_date, headers=OK) as response:
                assert response.status == 200  # Telegram would resend a 500 forever
            async with http.post(url, json=[1, 2], headers=OK) as response:
                assert response.status == 400
    lines = [r.getMessage() for r in caplog.records if "no update" in r.getMessage()]
    assert lines == ["webhook /telegram: 1 bodies that are no update (answered without handling)"
                     " since the last report"]  # fmt: skip


async def test_refused_requests_are_counted_not_each_logged(
    hook: tuple[str, Any], fake: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = hook
    with caplog.at_level(logging.WARNING, logger="bot.web.server"):
        async with ClientSession() as http:
            for attempt in range(50):
                headers = {TELEGRAM_SECRET_HEADER: f"guess-{attempt}"}
                async with http.post(url, json={"update_id": attempt}, headers=headers) as resp:
                    assert resp.status == 403
    refused = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == 1  # the first; the other 49 wait for the next report


async def test_a_full_server_answers_503_so_the_update_comes_again() -> None:
    release = asyncio.Event()
    handled: list[int] = []

    async def slow(payload: dict[str, Any]) -> None:
        await release.wait()
        handled.append(payload["update_id"])

    route = WebhookRoute("/hook", "X-Secret", SECRET, slow)
    server = TestServer(build_app([route], _healthy, max_pending=2), host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as http:
            url = str(server.make_url("/hook"))
            headers = {"X-Secret": SECRET}
            first = [
                asyncio.create_task(http.post(url, json={"update_id": n}, headers=headers))
                for n in (1, 2)
            ]
            await asyncio.sleep(0.2)
            async with http.post(url, json={"update_id": 3}, headers=headers) as busy:
                assert busy.status == 503 and busy.headers["Retry-After"] == "1"
            release.set()
            for task in first:
                assert (await task).status == 200
            async with http.post(url, json={"update_id": 3}, headers=headers) as again:
                assert again.status == 200
    finally:
        await server.close()
    assert sorted(handled) == [1, 2, 3]


async def test_slow_clients_are_disconnected(monkeypatch: pytest.MonkeyPatch) -> None:
    async def never(payload: dict[str, Any]) -> None:
        raise AssertionError("a half-sent request reached the handler")

    monkeypatch.setattr(web_server, "BODY_SECONDS", 0.3)
    port = unused_port()
    route = WebhookRoute("/hook", "X-Secret", SECRET, never)
    server = WebServer(build_app([route], _healthy), "127.0.0.1", port, header_seconds=0.5)
    await server.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"POST /hook HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"POST /hook HTTP/1.1\r\nHost: x\r\nX-Secret: {SECRET}\r\n"
            "Content-Length: 1000\r\n\r\n{".encode()
        )  # a body trickling in
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), 5)
        assert answer.startswith(b"HTTP/1.1 408")
        writer.close()
    finally:
        await server.stop()
