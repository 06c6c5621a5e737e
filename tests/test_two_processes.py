"""The production topology: two `chibo run` on one PostgreSQL, behind webhooks. One scheduler
tick's reminders reach every member exactly once, whichever process takes them.

Together the two keep to one send budget for the bot (TELEGRAM_RATE_PER_SECOND), shared
through the database: never twice the rate Telegram allows.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from contextlib import AsyncExitStack
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.core.db import make_sessionmaker, migrate
from bot.services.meetings.calendar import (
    ReminderOptions,
    ScheduleRules,
    configure_reminders,
    set_schedule,
)
from bot.services.meetings.reminders import sync_cell
from models import Channel, ChatAddress, DeliveryStatus, OutboxMessage
from tests import factories
from tests.cli import chibo_run
from tests.conftest import EmptyDatabase
from tests.fake_telegram import TOKEN, FakeTelegram

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MEMBERS = 40
RATE = 10  # messages per second for the bot: 40 notices take about 4 s, in either process
SECRET = "two-processes-webhook-secret"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _cell_with_a_notice_due(database: EmptyDatabase) -> None:
    """A cell of MEMBERS members on Telegram whose meeting notice fell due two minutes ago
    (by the real clock, which `chibo run` reads): the next tick sends it."""
    now = datetime.now(UTC)
    due = (now - timedelta(minutes=2)).astimezone(HANOI).replace(second=0, microsecond=0)
    meeting_day = due.date() + timedelta(days=3)
    engine = database.engine()
    try:
        await migrate(engine)
        async with make_sessionmaker(engine)() as session, session.begin():
            tree = await factories.commune_with_cell(session)
            for number in range(MEMBERS):
                member = await factories.member(
                    session, tree.cell_id, f"Đảng viên {number}", f"09120{number:05d}", now
                )
                session.add(
                    ChatAddress(
                        member_id=member.id,
                        channel=Channel.TELEGRAM,
                        external_id=str(7000 + number),
                        linked_at=now,
                    )
                )
            await set_schedule(
                session, tree.cell_id, ScheduleRules(meeting_day.day, time(20, 0)), now
            )
            await configure_reminders(
                session,
                tree.cell_id,
                ReminderOptions(
                    notice_days=3,
                    day_before=False,
                    morning_of=False,
                    reminder_time=due.time(),
                    nudge_days=(),
                ),
                now,
            )
            await sync_cell(session, tree.cell_id, now, HANOI)
    finally:
        await engine.dispose()


async def test_two_processes_send_one_ticks_reminders_once(
    empty_database: EmptyDatabase, fake: FakeTelegram, tmp_path: Path
) -> None:
    if empty_database.schema is None:
        pytest.skip("the production topology runs on PostgreSQL: needs TEST_DATABASE_URL")
    await _cell_with_a_notice_due(empty_database)
    common = {
        **empty_database.env(),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_URL": "https://chibo.example.vn/telegram/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "MIGRATE_ON_START": "false",
        "LOG_LEVEL": "INFO",
        "TELEGRAM_RATE_PER_SECOND": str(RATE),
    }
    async with AsyncExitStack() as both:
        runs = [
            await both.enter_async_context(
                chibo_run(tmp_path, **common, HTTP_PORT=str(_free_port()))
            )
            for _ in range(2)
        ]
        chats = [7000 + number for number in range(MEMBERS)]
        for chat in chats:
            await fake.wait_sent(chat, 1, within=60)
        await asyncio.sleep(3)  # time for a second copy to show up, if there were one
    received = Counter(sent.chat_id for sent in fake.sent)
    assert {chat: received[chat] for chat in chats} == dict.fromkeys(chats, 1)
    assert all("Thông báo" in sent.text or "họp" in sent.text for sent in fake.sent)
    times = sorted(sent.at for sent in fake.sent)
    busiest = max(sum(1 for t in times if start <= t < start + 1) for start in times)
    assert busiest <= RATE + 1  # both processes together, not RATE each
    engine = empty_database.engine()
    try:
        async with engine.connect() as conn:
            statuses = dict(
                (
                    await conn.execute(
                        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert statuses == {DeliveryStatus.SENT: MEMBERS}
    logs = "".join(run.log for run in runs)
    assert logs.count("reminders: ") >= 1  # at least one process took the tick
