"""The calendar engine on a controllable clock: planning, reminders, downtime, two processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli.scheduler import planning_tick, reminders_tick
from bot.core.config import Settings
from bot.core.db import make_sessionmaker
from bot.services.meetings.calendar import (
    ScheduleRules,
    cancel_meeting,
    move_meeting,
    set_schedule,
)
from bot.services.meetings.reminders import process_due, sync_cell
from models import (
    CellSchedule,
    DeedCategory,
    DeedReport,
    Meeting,
    MeetingStatus,
    Member,
    MemberStatus,
    OutboxMessage,
    ReminderStatus,
    ScheduledReminder,
)
from tests import factories
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    """A Hà Nội time as aware UTC."""
    return datetime(year, month, day, hour, minute, second, tzinfo=HANOI).astimezone(UTC)


@pytest.fixture
async def scheduled(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """The cell meets on the 31st (so: the month's last day) at 19:30, thematic meeting in
    the 2nd month of each quarter on the 10th; no good-deed nudges unless a test sets them."""
    async with sessionmaker() as session, session.begin():
        schedule = await set_schedule(
            session,
            cell.cell_id,
            ScheduleRules(31, time(19, 30), thematic_month=2, thematic_day=10),
            clock.now(),
        )
        schedule.nudge_days = []
        await sync_cell(session, cell.cell_id, clock.now(), HANOI)
    return cell


async def _meetings(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, datetime]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Meeting.kind, Meeting.starts_at).order_by(Meeting.starts_at)
        )
        return [
            (kind.value, starts.astimezone(HANOI).replace(tzinfo=None)) for kind, starts in rows
        ]


async def _tick(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, hours_grace: float = 12
) -> tuple[int, int]:
    settings = Settings(_env_file=None, reminder_grace_hours=hours_grace)
    run = await reminders_tick(sessionmaker, clock, settings)
    return run.sent, run.missed


async def _outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[str, int]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage.cause, OutboxMessage.member_id).order_by(OutboxMessage.id)
        )
        return [(cause, member) for cause, member in rows]


async def test_meetings_fall_on_the_last_day_of_short_months_and_quarterly(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert await _meetings(sessionmaker) == [
        ("monthly", datetime(2026, 11, 30, 19, 30)),  # November has 30 days
        ("monthly", datetime(2026, 12, 31, 19, 30)),
        ("monthly", datetime(2027, 1, 31, 19, 30)),
    ]


async def test_planning_rolls_forward_and_adds_the_thematic_meeting(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    clock.current = local(2027, 1, 15, 9, 0)
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))  # twice: adds nothing
    assert await _meetings(sessionmaker) == [
        ("monthly", datetime(2026, 11, 30, 19, 30)),
        ("monthly", datetime(2026, 12, 31, 19, 30)),
        ("monthly", datetime(2027, 1, 31, 19, 30)),
        ("thematic", datetime(2027, 2, 10, 19, 30)),
        ("monthly", datetime(2027, 2, 28, 19, 30)),
        ("monthly", datetime(2027, 3, 31, 19, 30)),
    ]


async def test_reminders_go_out_once_each_at_their_time(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    clock.current = local(2026, 11, 27, 7, 59)
    assert await _tick(sessionmaker, clock) == (0, 0)  # the notice is due at 08:00
    clock.current = local(2026, 11, 27, 8, 0)
    assert await _tick(sessionmaker, clock) == (1, 0)
    assert await _tick(sessionmaker, clock) == (0, 0)  # a restart right after: nothing again
    causes = {cause for cause, _ in await _outbox(sessionmaker)}
    assert len(causes) == 1 and "notice" in causes.pop()
    assert len(await _outbox(sessionmaker)) == 2  # Xiên and Mai, once each
    clock.current = local(2026, 11, 29, 8, 0, 30)
    assert await _tick(sessionmaker, clock) == (1, 0)  # the day before, 08:00
    clock.current = local(2026, 11, 30, 7, 0, 10)
    assert await _tick(sessionmaker, clock) == (1, 0)  # the morning of the meeting


async def test_downtime_inside_the_grace_window_sends_late_outside_records_missed(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    clock.current = local(2026, 11, 27, 18, 0)  # down since before 08:00: 10 h late
    assert await _tick(sessionmaker, clock) == (1, 0)
    clock.current = local(2026, 11, 30, 22, 0)  # down across both: 38 h and 15 h late
    assert await _tick(sessionmaker, clock) == (0, 2)
    async with sessionmaker() as session:
        statuses = dict(
            (
                await session.execute(
                    select(ScheduledReminder.kind, ScheduledReminder.status).where(
                        ScheduledReminder.cause.endswith(":202611301230")  # 30/11 19:30
                    )
                )
            ).all()
        )
    assert statuses["day_before"] is ReminderStatus.MISSED
    assert statuses["morning"] is ReminderStatus.MISSED


async def test_moved_meeting_gets_new_reminders_and_the_old_ones_are_dropped(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.role(
            session, scheduled.members["mai"], scheduled.cell_id, since=clock.now().date()
        )
        mai = await session.get(Member, scheduled.members["mai"])
        assert mai is not None
        first = await session.scalar(select(Meeting).order_by(Meeting.starts_at))
        assert first is not None
        await move_meeting(session, mai, first.id, local(2026, 12, 2, 19, 30), clock.now())
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
    clock.current = local(2026, 11, 27, 8, 0)  # the old notice time: nothing
    assert await _tick(sessionmaker, clock) == (0, 0)
    clock.current = local(2026, 11, 29, 8, 0)  # 3 days before 2 December
    assert await _tick(sessionmaker, clock) == (1, 0)
    async with sessionmaker() as session, session.begin():
        mai = await session.get(Member, scheduled.members["mai"])
        assert mai is not None
        await cancel_meeting(session, mai, first.id, clock.now())
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
    clock.current = local(2026, 12, 2, 7, 0)
    assert await _tick(sessionmaker, clock) == (0, 0)  # cancelled: no more reminders
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    assert ("monthly", datetime(2026, 11, 30, 19, 30)) not in await _meetings(sessionmaker)


async def test_nudges_go_only_to_members_who_have_not_reported(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        schedule = await session.get(CellSchedule, scheduled.cell_id)
        assert schedule is not None
        schedule.nudge_days = [20, -3]
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
        session.add(
            DeedReport(
                member_id=scheduled.members["xien"],
                month=datetime(2026, 11, 1).date(),
                household_id=None,
                category=DeedCategory.OTHER,
                text="x",
                source_key="t:1",
                created_at=clock.now(),
            )
        )
        await factories.member(
            session,
            scheduled.cell_id,
            "Cụ Già",
            "0900000099",
            clock.now(),
            status=MemberStatus.EXEMPT,
        )
    clock.current = local(2026, 11, 20, 8, 0)
    assert await _tick(sessionmaker, clock) == (1, 0)
    outbox = await _outbox(sessionmaker)
    assert outbox == [(f"nudge:{scheduled.cell_id}:2026-11:20", scheduled.members["mai"])]


async def test_two_processes_send_each_reminder_once(
    scheduled: Cell,
    engine: AsyncEngine,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("runs two workers on one PostgreSQL; SQLite has one process")
    clock.current = local(2026, 11, 30, 7, 0)  # notice, day-before and morning due
    other = make_sessionmaker(engine)

    async def worker(maker: async_sessionmaker[AsyncSession]) -> int:
        async with maker() as session, session.begin():
            run = await process_due(session, clock.now(), timedelta(days=30), HANOI, "vi")
            await asyncio.sleep(0.2)  # hold the locks while the other process tries
        return run.sent

    sent = await asyncio.gather(worker(sessionmaker), worker(other))
    assert sum(sent) == 3
    async with sessionmaker() as session:
        duplicates = await session.scalar(
            select(func.count()).select_from(
                select(OutboxMessage.cause, OutboxMessage.member_id)
                .group_by(OutboxMessage.cause, OutboxMessage.member_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert duplicates == 0


async def test_thematic_kind_is_named_in_the_notice(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    clock.current = local(2027, 1, 20, 9, 0)
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    clock.current = local(2027, 2, 7, 8, 0)
    await _tick(sessionmaker, clock)
    async with sessionmaker() as session:
        texts = list(await session.scalars(select(OutboxMessage.text)))
    held = "sinh hoạt chi bộ chuyên đề sẽ được tổ chức lúc 19:30 10/02/2027"
    assert any(held in t for t in texts)


async def test_moving_back_restores_reminders_and_short_notice_sends_no_burst(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        first = await session.scalar(select(Meeting).order_by(Meeting.starts_at))
        assert first is not None
        original = first.starts_at
        await move_meeting(session, None, first.id, local(2026, 11, 16, 19, 30), clock.now())
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
        due = {
            r.kind
            for r in await session.scalars(
                select(ScheduledReminder).where(
                    ScheduledReminder.meeting_id == first.id,
                    ScheduledReminder.status == ReminderStatus.PENDING,
                )
            )
        }
        assert due == {"notice", "morning"}  # "the day before" was 08:00 today: not planned
        await move_meeting(session, None, first.id, original, clock.now())
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
        pending = list(
            await session.scalars(
                select(ScheduledReminder).where(
                    ScheduledReminder.meeting_id == first.id,
                    ScheduledReminder.status == ReminderStatus.PENDING,
                )
            )
        )
    assert sorted(r.kind for r in pending) == ["day_before", "morning", "notice"]
    assert all(r.cause.endswith(":202611301230") for r in pending)  # the original time's


async def test_a_meeting_moved_to_this_evening_gets_its_notice_only(
    scheduled: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        first = await session.scalar(select(Meeting).order_by(Meeting.starts_at))
        assert first is not None
        await move_meeting(session, None, first.id, local(2026, 11, 15, 19, 30), clock.now())
        await sync_cell(session, scheduled.cell_id, clock.now(), HANOI)
    assert await _tick(sessionmaker, clock) == (1, 0)  # the notice now; no "tomorrow" message
    async with sessionmaker() as session:
        assert {c for c, _ in await _outbox(sessionmaker)} == {
            c
            for c in await session.scalars(
                select(ScheduledReminder.cause).where(
                    ScheduledReminder.kind == "notice",
                    ScheduledReminder.status == ReminderStatus.SENT,
                )
            )
        }


async def test_thematic_meeting_on_the_regular_day_replaces_it_and_rule_changes_cancel(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        await set_schedule(
            session, cell.cell_id, ScheduleRules(24, time(19, 30), thematic_month=2), clock.now()
        )
        await sync_cell(session, cell.cell_id, clock.now(), HANOI)
    assert await _meetings(sessionmaker) == [
        ("thematic", datetime(2026, 11, 24, 19, 30)),  # November is the quarter's 2nd month
        ("monthly", datetime(2026, 12, 24, 19, 30)),
        ("monthly", datetime(2027, 1, 24, 19, 30)),
    ]
    async with sessionmaker() as session, session.begin():
        await set_schedule(
            session, cell.cell_id, ScheduleRules(24, time(19, 30), thematic_month=3), clock.now()
        )
        await sync_cell(session, cell.cell_id, clock.now(), HANOI)
        planned = list(
            await session.execute(
                select(Meeting.kind, Meeting.period)
                .where(Meeting.status == MeetingStatus.PLANNED)
                .order_by(Meeting.starts_at)
            )
        )
    assert [(k.value, p) for k, p in planned] == [
        ("monthly", "2026-11"),
        ("thematic", "2026-12"),
        ("monthly", "2027-01"),
    ]
