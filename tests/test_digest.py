"""The weekly digest and the chart, as leaders receive them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import digest_tick
from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from models import DeedCategory, DeedReport, OutboxMessage
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def secretary(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
    return cell


async def test_weekly_digest_reaches_each_leader_once_a_week_with_a_chart(
    secretary: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():  # a deed of the week just ended
        session.add(
            DeedReport(
                member_id=secretary.members["xien"],
                month=date(2026, 11, 1),
                household_id=None,
                category=DeedCategory.OTHER,
                text="Giúp",
                source_key="t:1",
                created_at=clock.now(),
            )
        )
    clock.current = datetime(2026, 11, 16, 0, 0, tzinfo=UTC)  # Monday 07:00 in Hà Nội
    assert await digest_tick(sessionmaker, clock, Settings(_env_file=None)) == 1
    clock.advance(hours=3)  # the job runs again the same week (a restart): nothing new
    await digest_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [(r.cause, r.member_id) for r in rows] == [
        ("digest:2026-W47", secretary.members["mai"]),
        ("digest-chart:2026-W47", secretary.members["mai"]),
    ]
    assert rows[0].text.startswith("Bản tin tuần, tuần bắt đầu 09/11/2026:\nChi bộ bản Test")
    assert "Tuần qua: 1 đảng viên, 1 việc." in rows[0].text
    assert "Chưa báo cáo: Hà Thị Mai." in rows[0].text
    assert rows[1].photo is not None and rows[1].photo.startswith(PNG)
    clock.advance(days=7)
    await digest_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session:
        assert len(list(await session.scalars(select(OutboxMessage)))) == 4


async def test_chart_on_request(dispatcher: Dispatcher, secretary: Cell) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/tonghop")
    await mai.tap("Biểu đồ")
    [reply] = mai.last
    assert reply.text == "Tỷ lệ báo cáo việc tốt, tháng 11/2026."
    assert reply.photo is not None and reply.photo.content is not None
    assert reply.photo.content.startswith(PNG)
