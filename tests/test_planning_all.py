"""The hourly planning of every cell at once gives what planning each cell alone gives."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import planning_tick
from bot.core.config import Settings
from bot.services.meetings.calendar import ScheduleRules, move_meeting, set_schedule, upcoming
from bot.services.meetings.reminders import sync_cell
from models import (
    CellType,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Organisation,
    OrgKind,
    ReminderStatus,
    ScheduledReminder,
)
from tests import factories
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


MeetingRow = tuple[int, MeetingKind, str, datetime, MeetingStatus]
ReminderRow = tuple[str, int, str, datetime, ReminderStatus]


async def _state(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> tuple[list[MeetingRow], list[ReminderRow]]:
    async with sessionmaker() as session:
        meetings = [
            (m.cell_id, m.kind, m.period, m.starts_at, m.status)
            for m in await session.scalars(select(Meeting).order_by(Meeting.id))
        ]
        reminders = [
            (r.cause, r.cell_id, r.kind, r.due_at, r.status)
            for r in await session.scalars(
                select(ScheduledReminder).order_by(ScheduledReminder.cause)
            )
        ]
    return meetings, reminders


async def test_planning_every_cell_at_once_matches_each_cell_alone(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        other = await factories.org(
            session, "Chi bộ thôn Hai", OrgKind.CELL, commune, CellType.RURAL
        )
        await set_schedule(session, cell.cell_id, ScheduleRules(24, time(19, 30), 2, 15), now)
        await set_schedule(session, other.id, ScheduleRules(31, time(8, 0)), now)
    settings = Settings(_env_file=None)
    assert await planning_tick(sessionmaker, clock, settings) == 2
    planned = await _state(sessionmaker)
    meetings, reminders = planned
    # Three months of monthly meetings for both, and the thematic one of the quarter's 2nd month.
    assert sum(1 for m in meetings if m[0] == other.id) == 3
    assert any(m[0] == cell.cell_id and m[1].value == "thematic" for m in meetings)
    assert any(r[0].startswith(f"nudge:{other.id}:") for r in reminders)
    async with sessionmaker() as session, session.begin():
        for cell_id in (cell.cell_id, other.id):
            await sync_cell(session, cell_id, clock.now(), HANOI)
    assert await _state(sessionmaker) == planned  # one at a time: nothing to change
    # A secretary moves a meeting and changes the rules: the next hourly run follows both.
    async with sessionmaker() as session, session.begin():
        [first, *_] = await upcoming(session, other.id, now)
        await move_meeting(session, None, first.id, first.starts_at.replace(hour=2), now)
        await set_schedule(session, cell.cell_id, ScheduleRules(20, time(19, 0)), now)
    await planning_tick(sessionmaker, clock, settings)
    replanned = await _state(sessionmaker)
    async with sessionmaker() as session, session.begin():
        for cell_id in (cell.cell_id, other.id):
            await sync_cell(session, cell_id, clock.now(), HANOI)
    assert await _state(sessionmaker) == replanned
    assert replanned != planned
    cancelled = [r for r in replanned[1] if r[4].value == "cancelled"]
    assert cancelled  # the old times' reminders, and the thematic meeting's, are cancelled
