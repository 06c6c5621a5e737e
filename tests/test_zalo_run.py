"""`chibo run` with Zalo as an operator meets it: both messengers side by side, bad tokens."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession

from bot.cli.run import StartupError, run_bot
from bot.core.channel_settings import TelegramSettings, ZaloSettings
from bot.core.config import Settings
from tests.cli import chibo_run
from tests.fake_telegram import INTERNAL as INTERNAL_500
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import BROKEN, INTERNAL, FakeZalo, user_id


async def test_a_token_zalo_refuses_is_a_clear_error(zalo_fake: FakeZalo) -> None:
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite://",
        language="vi",
        migrate_on_start=True,
        zalo=ZaloSettings(bot_token="999:NotTheTokenTheFakeKnows", api_url=zalo_fake.base_url),
    )
    with pytest.raises(StartupError, match="Zalo không chấp nhận ZALO_BOT_TOKEN"):
        await run_bot(settings)


def test_a_malformed_zalo_token_is_refused_before_starting() -> None:
    with pytest.raises(ValueError, match="ZALO_BOT_TOKEN"):
        Settings(_env_file=None, zalo=ZaloSettings(bot_token="not a token"))


async def test_chibo_run_serves_telegram_and_zalo_side_by_side(
    fake: FakeTelegram, zalo_fake: FakeZalo, tmp_path: Path
) -> None:
    villager = user_id("villager")
    async with chibo_run(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.base_url,
        ZALO_BOT_TOKEN=zalo_fake.token,
        ZALO_API_URL=zalo_fake.base_url,
        LOG_LEVEL="INFO",
    ) as run:
        await zalo_fake.says(villager, "xin chào")
        await fake.says(4242, "xin chào")
        on_zalo = await zalo_fake.wait_text(villager, "chưa được liên kết")
        assert "/start" in on_zalo.text
        await fake.wait_text(4242, "chưa được liên kết", within=20)
    log = run.log
    assert "zalo: started" in log and "telegram: started" in log
    assert zalo_fake.token not in log and TOKEN not in log  # tokens are in URLs: never logged


async def test_chibo_run_takes_zalo_updates_by_webhook(
    zalo_fake: FakeZalo, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'hook.db'}",
        language="vi",
        migrate_on_start=True,
        zalo=ZaloSettings(
            bot_token=zalo_fake.token,
            api_url=zalo_fake.base_url,
            webhook_url="https://chibo.example.vn/zalo/hook",
            webhook_secret="zalo-hook-secret",
        ),
        http_port=port,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop))
    villager = user_id("villager")
    update = zalo_fake.update(villager, "message.text.received", text="xin chào")
    url = f"http://127.0.0.1:{port}/zalo/hook"
    try:
        for _ in range(200):
            if zalo_fake.webhook:
                break
            await asyncio.sleep(0.05)
        assert zalo_fake.webhook == {
            "url": "https://chibo.example.vn/zalo/hook",
            "secret_token": "zalo-hook-secret",
        }
        async with ClientSession() as http:
            for _ in range(100):  # the server starts listening just after setWebhook
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                        if health.status == 200:
                            break
                except OSError:
                    await asyncio.sleep(0.05)
            async with http.post(url, json=update) as refused:
                assert refused.status == 403
            headers = {"X-Bot-Api-Secret-Token": "zalo-hook-secret"}
            async with http.post(url, json={"ok": True, "result": update}, headers=headers) as ok:
                assert ok.status == 200
        reply = await zalo_fake.wait_text(villager, "chưa được liên kết")
        assert len(zalo_fake.to(villager)) == 1 and reply.method == "sendMessage"
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


def test_public_url_must_be_https() -> None:
    with pytest.raises(ValueError, match="PUBLIC_URL"):
        Settings(_env_file=None, public_url="http://chibo.example.vn")
    settings = Settings(_env_file=None, public_url="https://chibo.example.vn/bot/")
    assert settings.media_url == "https://chibo.example.vn/bot"


async def _health(port: int) -> tuple[int, dict[str, Any]]:
    async with ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                    return health.status, await health.json()
            except OSError:
                await asyncio.sleep(0.05)
    raise AssertionError("/healthz never answered")


async def _until_state(port: int, channel: str, state: str) -> tuple[int, dict[str, Any]]:
    for _ in range(200):
        status, body = await _health(port)
        if body["checks"].get(channel) == state:
            return status, body
        await asyncio.sleep(0.05)
    raise AssertionError(f"{channel} never became {state}: {body}")


@pytest.mark.parametrize(
    "trouble",
    [
        {"getMe": [BROKEN, BROKEN]},  # Zalo answers 500 twice, then works
        {"getWebhookInfo": [INTERNAL]},  # Zalo's documented 403, "Internal server error"
    ],
)
async def test_zalo_failing_to_start_is_retried_while_telegram_serves(
    fake: FakeTelegram, zalo_fake: FakeZalo, tmp_path: Path, trouble: dict[str, Any]
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    zalo_fake.method_faults.update(trouble)
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'retry.db'}",
        language="vi",
        migrate_on_start=True,
        serve_http=True,
        http_port=port,
        telegram=TelegramSettings(bot_token=TOKEN, api_url=fake.base_url),
        zalo=ZaloSettings(bot_token=zalo_fake.token, api_url=zalo_fake.base_url),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop, retry_pause=0.5))
    try:
        status, body = await _until_state(port, "zalo", "retrying")
        # Telegram serves meanwhile, and /healthz says which channel is not up (200: a load
        # balancer keeps sending Telegram's webhooks here).
        assert (status, body["status"], body["checks"]["telegram"]) == (200, "degraded", "up")
        await fake.says(4242, "xin chào")
        await fake.wait_text(4242, "chưa được liên kết", within=20)
        status, body = await _until_state(port, "zalo", "up")
        assert (status, body["status"]) == (200, "ok")
        villager = user_id("villager")
        await zalo_fake.says(villager, "xin chào")
        await zalo_fake.wait_text(villager, "chưa được liên kết")
        async with (
            ClientSession() as http,
            http.get(f"http://127.0.0.1:{port}/metrics") as page,
        ):
            text = await page.text()
        assert 'chibo_channel_up{channel="zalo"} 1.0' in text
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    assert not running.exception()


async def test_zalo_unreachable_keeps_retrying_and_chibo_run_keeps_serving_telegram(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there: Zalo is unreachable
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        http_port = probe.getsockname()[1]
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'away.db'}",
        language="vi",
        migrate_on_start=True,
        serve_http=True,
        http_port=http_port,
        telegram=TelegramSettings(bot_token=TOKEN, api_url=fake.base_url),
        zalo=ZaloSettings(
            bot_token="1234567890123:AnyAccessKey", api_url=f"http://127.0.0.1:{port}/bot"
        ),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop, retry_pause=0.2))
    try:
        status, body = await _until_state(http_port, "zalo", "retrying")
        assert status == 200 and body["checks"]["telegram"] == "up"
        await fake.says(4242, "xin chào")
        await fake.wait_text(4242, "chưa được liên kết", within=20)
        async with (
            ClientSession() as http,
            http.get(f"http://127.0.0.1:{http_port}/metrics") as page,
        ):
            text = await page.text()
        assert 'chibo_channel_up{channel="zalo"} 0.0' in text
        assert not running.done()
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


async def test_telegram_failing_to_start_is_retried_while_zalo_serves(
    fake: FakeTelegram, zalo_fake: FakeZalo, tmp_path: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake.method_faults["getMe"] = [INTERNAL_500, INTERNAL_500]  # the Bot API answers 500 twice
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'tg.db'}",
        language="vi",
        migrate_on_start=True,
        serve_http=True,
        http_port=port,
        telegram=TelegramSettings(bot_token=TOKEN, api_url=fake.base_url),
        zalo=ZaloSettings(bot_token=zalo_fake.token, api_url=zalo_fake.base_url),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop, retry_pause=0.5))
    try:
        status, body = await _until_state(port, "telegram", "retrying")
        assert (status, body["checks"]["zalo"]) == (200, "up")
        villager = user_id("villager")
        await zalo_fake.says(villager, "xin chào")
        await zalo_fake.wait_text(villager, "chưa được liên kết")
        await _until_state(port, "telegram", "up")
        await fake.says(4242, "xin chào")
        await fake.wait_text(4242, "chưa được liên kết", within=20)
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)
    assert not running.exception()
