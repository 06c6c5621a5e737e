"""chibo's Bot API client (aiohttp under python-telegram-bot): what reaches Telegram, and what a
slow, full or absent Bot API means for the sender (retry later, never a silent loss)."""

from __future__ import annotations

import asyncio
import io
import socket
import time
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut

from bot.channels.base import StartupError
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram.sender import judge
from bot.channels.telegram.transport import AiohttpRequest
from bot.core.messages import InboundMessage, OutboundMessage
from tests.fake_telegram import BLOCKED, TOKEN, TOO_MANY, FakeTelegram, Upload


@pytest.fixture
async def slow_server() -> AsyncIterator[tuple[str, list[str]]]:
    """A server whose /slow answers after 1 s and /fast at once; the paths it was asked for."""
    asked: list[str] = []

    async def handle(request: web.Request) -> web.Response:
        asked.append(request.path)
        if request.path == "/slow":
            await asyncio.sleep(1)
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


@pytest.mark.parametrize(
    ("variable", "proxy_of"),
    [
        ("HTTP_PROXY", str),
        ("ALL_PROXY", str),
        ("ALL_PROXY", lambda url: url.removeprefix("http://")),
    ],
    ids=["HTTP_PROXY", "ALL_PROXY", "host:port"],
)
async def test_the_environments_proxy_carries_the_requests(
    slow_server: tuple[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    proxy_of: Callable[[str], str],
) -> None:
    # A province's network reaches Telegram only through its proxy.
    proxy, asked = slow_server
    for name in ("HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.setenv(variable, proxy_of(proxy))
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


async def test_a_slow_line_downloads_a_roster_whole(unused_tcp_port: int) -> None:
    # 160 KB trickling in over 1.2 s: each piece comes well within the read timeout, though
    # the whole takes longer than connect + write + read (0.6 s).
    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(8):
            await response.write(b"x" * 20_000)
            await asyncio.sleep(0.15)
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_get("/file", trickle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    request = AiohttpRequest(read_timeout=0.4, write_timeout=0.1, connect_timeout=0.1)
    await request.initialize()
    try:
        content = await request.retrieve(f"http://127.0.0.1:{unused_tcp_port}/file")
        assert len(content) == 160_000
    finally:
        await request.shutdown()
        await runner.cleanup()


class _Unreadable(io.BytesIO):
    """A file whose reading fails half-way through an upload."""

    def read(self, size: int | None = -1) -> bytes:
        raise OSError(5, "Input/output error")


async def test_a_failed_upload_names_no_token(fake: FakeTelegram, bot: Bot) -> None:
    upload = InputFile(_Unreadable(b"x" * 100), filename="a.xlsx", read_file_handle=False)
    with pytest.raises(NetworkError) as failed:
        await bot._post("sendDocument", {"chat_id": 7, "document": upload})
    # the text is kept as the delivery's last error: the bot token must not be in it
    assert TOKEN not in failed.value.message
    assert TOKEN.split(":")[1] not in judge(failed.value).error


async def test_captions_and_file_names_that_would_break_a_form_still_go(
    fake: FakeTelegram, bot: Bot
) -> None:
    await bot.send_document(
        7,
        InputFile(b"PK", filename='Báo cáo "tháng 11"\r\n.xlsx'),
        caption="Việc tốt \ud83d",
    )
    (sent,) = fake.to(7)
    assert sent.text == "Việc tốt ?"
    assert sent.params["document"] == Upload("Báo cáo %22tháng 11%22%0D%0A.xlsx", b"PK")


async def test_a_client_restarted_on_another_event_loop_still_queues(
    slow_server: tuple[str, list[str]],
) -> None:
    url, _ = slow_server
    request = AiohttpRequest(connection_pool_size=1, pool_timeout=5)

    def two_at_once() -> list[object]:
        async def run() -> list[object]:
            await request.initialize()
            try:  # the second waits for the only connection
                return list(await asyncio.gather(*(request.post(f"{url}/fast") for _ in "ab")))
            finally:
                await request.shutdown()

        return asyncio.run(run())

    assert await asyncio.to_thread(two_at_once) == [True, True]
    assert await asyncio.to_thread(two_at_once) == [True, True]  # a new loop, same client


async def test_a_socks_proxy_is_refused_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "socks5://user:secret@10.0.0.1:1080")
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match="socks5:// proxy") as refused:
            await request.post("https://api.telegram.org/bot1:x/getMe")
        assert "secret" not in refused.value.message
    finally:
        await request.shutdown()


async def test_a_socks_proxy_does_not_stop_the_channel_being_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # httpx refuses to be built at all with a socks proxy in the environment: nothing of the
    # channel may build one, so `chibo run` starts and says in one line what is wrong.
    monkeypatch.setenv("HTTPS_PROXY", "socks5://10.0.0.1:1080")

    async def handle(message: InboundMessage) -> list[OutboundMessage]:
        return []

    channel = TelegramChannel(TOKEN, handle)
    with pytest.raises(StartupError, match="socks5:// proxy"):
        await channel.start()
    await channel.stop()  # as `chibo run` does before trying again: nothing left open
    requests = [r for r in channel.application.bot._request if isinstance(r, AiohttpRequest)]
    assert len(requests) == 2  # getUpdates' and the replies'
    assert all(request._session is None or request._session.closed for request in requests)
