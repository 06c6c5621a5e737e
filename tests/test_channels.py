"""The channel contract: `chibo run` serves exactly the channels the settings configure, through
the registry, and any channel keeping the contract (here a loopback with no messenger behind
it) is served end to end: its webhook route, its replies, the delivery queue."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import ClientSession

from bot.channels.base import Channel, Wiring
from bot.channels.console import ConsoleChannel
from bot.cli.channels import configured_channels
from bot.cli.run import StartupError, run_bot
from bot.core.channel_settings import TelegramSettings, ZaloSettings
from bot.core.config import Settings
from bot.core.db import make_engine, make_sessionmaker, migrate
from bot.delivery.outbox import enqueue
from bot.dispatcher.dispatch import Dispatcher
from tests import factories
from tests.fake_telegram import TOKEN
from tests.loopback import SECRET_HEADER, Loopback, factory

ZALO_TOKEN = "1234:zalo-access-key"


@pytest.mark.parametrize(
    ("telegram", "zalo", "served"),
    [
        (False, False, []),
        (True, False, ["telegram"]),
        (False, True, ["zalo"]),
        (True, True, ["telegram", "zalo"]),
    ],
)
async def test_the_registry_builds_exactly_the_configured_channels(
    dispatcher: Dispatcher, telegram: bool, zalo: bool, served: list[str]
) -> None:
    settings = Settings(
        _env_file=None,
        telegram=TelegramSettings(bot_token=TOKEN if telegram else ""),
        zalo=ZaloSettings(bot_token=ZALO_TOKEN if zalo else ""),
    )
    channels = configured_channels(Wiring(settings, dispatcher))
    try:
        assert [channel.name for channel in channels] == served
        assert all(not channel.routes for channel in channels)  # polling: nothing to mount
    finally:
        for channel in channels:
            await channel.stop()  # never started: closes what it opened all the same


def test_each_channel_declares_what_it_can_show(dispatcher: Dispatcher) -> None:
    settings = Settings(
        _env_file=None,
        telegram=TelegramSettings(bot_token=TOKEN, rate_per_second=12),
        zalo=ZaloSettings(bot_token=ZALO_TOKEN, rate_per_second=3),
    )
    telegram, zalo = configured_channels(Wiring(settings, dispatcher))
    console: Channel = ConsoleChannel("chat")
    shown = {
        c.name: (c.capabilities.text_length, c.capabilities.buttons, c.capabilities.uploads)
        for c in (telegram, zalo)
    }
    assert shown == {"telegram": (4096, True, True), "zalo": (2000, False, False)}
    assert telegram.capabilities.caption_length == 1024
    assert (telegram.capabilities.limits.per_second, zalo.capabilities.limits.per_second) == (
        12,
        3,
    )
    assert not console.capabilities.buttons  # numbered choices in the terminal


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def _seed(url: str) -> None:
    """A member linked on the loopback's chat "loop-xien", with a long notice queued."""
    engine = make_engine(url)
    await migrate(engine)
    now = datetime.now(UTC)
    async with make_sessionmaker(engine)() as session, session.begin():
        tree = await factories.commune_with_cell(session)
        xien = await factories.member(session, tree.cell_id, "Lò Văn Xiên", "0912345678", now)
        await factories.link(session, xien.id, "loop-xien", now)
        lines = "\n".join(f"Dòng {n}: họp chi bộ tối thứ Năm" for n in range(1, 9))
        await enqueue(session, "test:loop", xien.id, lines, (), now)
    await engine.dispose()


async def test_chibo_run_serves_any_channel_that_keeps_the_contract(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'loop.db'}"
    await _seed(url)
    port = _free_port()
    settings = Settings(_env_file=None, database_url=url, language="vi", http_port=port)
    built: list[Loopback] = []
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop, (factory("loop-secret", built),)))
    try:
        for _ in range(400):
            if built and built[0].state == "started":
                break
            await asyncio.sleep(0.05)
        [loop] = built
        # The queued notice: every part, in order, through the channel's deliver.
        notice = await loop.wait_text("loop-xien", "Dòng 8")
        assert notice.splitlines() == [f"Dòng {n}: họp chi bộ tối thứ Năm" for n in range(1, 9)]
        assert len([chat for chat, _ in loop.inbox if chat == "loop-xien"]) > 1
        # Inbound through the route the channel asked for, on chibo's own HTTP server.
        update = {"chat": "loop-stranger", "id": "m1", "text": "xin chào"}
        async with ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                        if health.status == 200:
                            break
                except OSError:
                    await asyncio.sleep(0.05)
            hook = f"http://127.0.0.1:{port}/loopback"
            async with http.post(hook, json=update) as refused:
                assert refused.status == 403
            async with http.post(hook, json=update, headers={SECRET_HEADER: "loop-secret"}) as ok:
                assert ok.status == 200
        assert "chưa được liên kết" in await loop.wait_text("loop-stranger", "liên kết")
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    assert built[0].state == "stopped"


async def test_no_configured_channel_is_a_clear_error_and_touches_no_database(
    tmp_path: Path,
) -> None:
    database = tmp_path / "never.db"
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{database}",
        telegram=TelegramSettings(),
        zalo=ZaloSettings(),
    )
    with pytest.raises(StartupError, match="TELEGRAM_BOT_TOKEN"):
        await run_bot(settings)
    assert not database.exists()
