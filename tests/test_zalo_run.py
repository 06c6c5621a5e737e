"""`chibo run` with Zalo as an operator meets it: both messengers side by side, bad tokens."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.app import StartupError, run_bot
from bot.config import Settings
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.fake_zalo import FakeZalo, user_id


async def test_a_token_zalo_refuses_is_a_clear_error(zalo_fake: FakeZalo) -> None:
    settings = Settings(
        _env_file=None,
        database_url="sqlite+aiosqlite://",
        language="vi",
        zalo_bot_token="999:NotTheTokenTheFakeKnows",
        zalo_api_url=zalo_fake.base_url,
    )
    with pytest.raises(StartupError, match="Zalo không chấp nhận ZALO_BOT_TOKEN"):
        await run_bot(settings)


def test_a_malformed_zalo_token_is_refused_before_starting() -> None:
    with pytest.raises(ValueError, match="ZALO_BOT_TOKEN"):
        Settings(_env_file=None, zalo_bot_token="not a token")


async def test_chibo_run_serves_telegram_and_zalo_side_by_side(
    fake: FakeTelegram, zalo_fake: FakeZalo, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "LANGUAGE": "vi",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "ZALO_BOT_TOKEN": zalo_fake.token,
        "ZALO_API_URL": zalo_fake.base_url,
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    villager = user_id("villager")
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert "chibo đang chạy" in line.decode()
        await zalo_fake.says(villager, "xin chào")
        await fake.says(4242, "xin chào")
        on_zalo = await zalo_fake.wait_text(villager, "chưa được liên kết")
        assert "/start" in on_zalo.text
        await fake.wait_text(4242, "chưa được liên kết", within=20)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, stderr.decode()
    assert "Traceback" not in stderr.decode(), stderr.decode()
    log = stderr.decode()
    assert "zalo: started" in log and "telegram: started" in log
    assert zalo_fake.token not in log and TOKEN not in log  # tokens are in URLs: never logged
