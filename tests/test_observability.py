"""What the IT officer watches: /metrics moving when a message is handled, /healthz naming the
part that fails, JSON log lines without personal data, errors in the operator's chat."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from pathlib import Path

from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from bot.channels.telegram.sender import TelegramOut, delivery_bot
from bot.cli.alerts import OperatorAlerts
from bot.cli.run import run_bot
from bot.core.channel_settings import ZaloSettings
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.core.logs import JsonFormatter
from tests.cli import chibo_run
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, user_id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _samples(page: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }


async def _get(url: str) -> tuple[int, str, str]:
    async with ClientSession() as http, http.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_metrics_move_when_a_message_is_handled_and_logs_are_json(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    async with chibo_run(
        tmp_path,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=fake.base_url,
        SERVE_HTTP="true",
        HTTP_PORT=str(port),
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
    ) as run:
        status, content_type, page = await _get(f"{base}/metrics")
        assert status == 200 and content_type.startswith("text/plain")
        before = _samples(page)
        telegram = (("channel", "telegram"),)
        assert before[("chibo_channel_up", telegram)] == 1
        assert before[("chibo_outbox_messages", (("status", "queued"),))] == 0
        await fake.says(4242, "Tôi là Lò Văn Xiên, số 0912345678")
        await fake.wait_text(4242, "chưa được liên kết", within=20)
        _, _, page = await _get(f"{base}/metrics")
        after = _samples(page)
        inbound = ("chibo_inbound_messages_total", telegram)
        assert after[inbound] == before.get(inbound, 0) + 1
        handled = ("chibo_handling_seconds_count", telegram)
        assert after[handled] == before.get(handled, 0) + 1
        status, _, body = await _get(f"{base}/healthz")
        assert status == 200
        assert json.loads(body) == {
            "status": "ok",
            "checks": {"database": "ok", "telegram": "up", "scheduler": "ok"},
        }
    lines = [line for line in run.log.splitlines() if line.strip()]
    assert lines
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    assert any(record["message"].startswith("telegram: started") for record in records)
    for secret in ("Xiên", "0912345678", TOKEN):
        assert secret not in run.log


async def test_healthz_names_a_channel_that_stopped_receiving(
    zalo_fake: FakeZalo, tmp_path: Path
) -> None:
    port = _free_port()
    settings = Settings(
        _env_file=None,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}",
        language="vi",
        migrate_on_start=True,
        zalo=ZaloSettings(bot_token=zalo_fake.token, api_url=zalo_fake.base_url, quota_pause=0.05),
        serve_http=True,
        http_port=port,
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_bot(settings, stop))
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        for _ in range(200):
            try:
                if (await _get(url))[0] == 200:
                    break
            except OSError:
                pass
            await asyncio.sleep(0.05)
        await zalo_fake.says(user_id("a"), "xin chào")
        await zalo_fake.wait_text(user_id("a"), "chưa được liên kết")
        await zalo_fake.stop()  # Zalo cannot be reached any more
        for _ in range(200):
            status, _, body = await _get(url)
            if status == 503:
                break
            await asyncio.sleep(0.05)
        assert status == 503
        assert json.loads(body) == {
            "status": "unhealthy",
            "checks": {"database": "ok", "zalo": "down", "scheduler": "ok"},
        }
    finally:
        stop.set()
        await asyncio.wait_for(running, 30)


async def test_errors_reach_the_operator_chat_at_most_once_per_interval(
    fake: FakeTelegram,
) -> None:
    sender = TelegramOut(delivery_bot(TOKEN, fake.base_url))
    await sender.start()
    alerts = OperatorAlerts(sender.deliver, "777", translator("vi"), interval=1.0)
    logger = logging.getLogger("chibo.test.alerts")
    logger.addHandler(alerts)
    try:
        try:
            raise ConnectionResetError("mất kết nối tới 0912345678")
        except ConnectionResetError:
            logger.exception("delivery: could not claim messages")
        for number in range(4):
            logger.error("delivery: outbox %s failed", number)
        logger.warning("only a warning")
        first = await fake.wait_sent(777, 1)
        assert "Lỗi chibo trên máy" in first[0].text
        assert "delivery: could not claim messages (ConnectionResetError)" in first[0].text
        assert "0912345678" not in first[0].text  # the exception's text is never sent
        await asyncio.sleep(0.3)
        assert len(fake.to(777)) == 1  # the next four wait for the interval
        summary = (await fake.wait_sent(777, 2, within=5))[1].text
        assert "delivery: outbox 3 failed" in summary and "3 lỗi khác" in summary
        await asyncio.sleep(1.2)
        assert len(fake.to(777)) == 2  # nothing more to say
    finally:
        logger.removeHandler(alerts)
        await alerts.aclose()
        await sender.stop()


def test_a_json_log_line_has_the_ids_and_the_exception_type() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "bot.delivery.worker", logging.ERROR, __file__, 1, "outbox %s failed", (42,), None
        )
        record.exc_info = sys.exc_info()
    record.outbox_id = 42
    data = json.loads(JsonFormatter().format(record))
    assert data["level"] == "ERROR" and data["logger"] == "bot.delivery.worker"
    assert data["message"] == "outbox 42 failed" and data["outbox_id"] == 42
    assert data["error"] == "ValueError: boom" and "test_observability.py" in data["traceback"]
