"""Webhook mode killed mid-flood and started again, as Telegram sees it: every update it got
200 for was answered, and every other one, sent again, is handled once — none is lost."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from aiohttp import ClientError, ClientSession, TCPConnector
from aiohttp.test_utils import unused_port

from bot.channels.telegram.channel import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from tests.cli import chibo_run, start_chibo_run
from tests.fake_telegram import TOKEN, FakeTelegram

SECRET = "s3cret-webhook_token-0123456789"
UPDATES = 300
KILL_AFTER = 100  # acknowledged updates before SIGKILL


async def _post(http: ClientSession, url: str, update: dict[str, object]) -> int | None:
    """Telegram's delivery of one update: the status it got, None if the connection died."""
    try:
        async with http.post(url, json=update, headers={TELEGRAM_SECRET_HEADER: SECRET}) as got:
            return got.status
    except (ClientError, OSError):
        return None


def _processed(folder: Path) -> set[str]:
    with sqlite3.connect(folder / "run.db") as db:
        rows = db.execute("SELECT external_chat_id FROM processed_messages").fetchall()
    return {row[0] for row in rows}


async def test_killed_and_restarted_chibo_loses_no_update(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    port = unused_port()
    settings = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.vn/telegram",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    url = f"http://127.0.0.1:{port}/telegram"
    users = list(range(7000, 7000 + UPDATES))
    updates = {user: {"update_id": user, **fake.message(user, text="xin chào")} for user in users}
    acked: set[int] = set()
    process = await start_chibo_run(tmp_path, **settings)
    # Telegram opens up to 40 connections to a webhook.
    async with ClientSession(connector=TCPConnector(limit=40)) as http:

        async def deliver(user: int) -> None:
            if await _post(http, url, updates[user]) == 200:
                acked.add(user)
                if len(acked) == KILL_AFTER:
                    process.kill()

        await asyncio.gather(*(deliver(user) for user in users))
    await process.wait()
    answered_before = {user for user in users if fake.to(user)}
    assert KILL_AFTER <= len(acked) < UPDATES
    assert acked <= answered_before  # 200 only once the answer had gone out
    async with (
        chibo_run(tmp_path, **settings),
        ClientSession(connector=TCPConnector(limit=40)) as http,
    ):
        resent = [user for user in users if user not in acked]  # what Telegram sends again
        statuses = await asyncio.gather(*(_post(http, url, updates[user]) for user in resent))
        assert set(statuses) == {200}
    answered = {user for user in users if fake.to(user)}
    committed = _processed(tmp_path)
    lost = [user for user in users if user not in answered and str(user) not in committed]
    assert lost == []
    twice = [user for user in users if len(fake.to(user)) > 1]
    assert twice == []  # a repeat is recognised by its message id
    print(  # the figures of the run, for whoever reads the test's output
        f"{len(acked)} acknowledged before the kill, {len(resent)} sent again, "
        f"{len(answered)} answered, {UPDATES - len(answered)} handled but not answered"
    )
