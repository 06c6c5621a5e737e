"""`chibo run`'s scheduler plans its jobs on the wall clock (APScheduler's), frozen here with
time-machine: the weekly digest at 07:00 on Monday in Hà Nội, caught up after downtime."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from bot.cli.scheduler import build_scheduler
from bot.core.config import Settings
from bot.core.db import make_engine, make_sessionmaker
from tests.factories import FakeClock

HANOI = Settings(_env_file=None, database_url="sqlite+aiosqlite://", language="vi").tz


def _jobs_started_at(when: datetime) -> dict[str, datetime | None]:
    """The jobs `chibo run` would plan if started at `when`, with their first run."""
    settings = Settings(_env_file=None, database_url="sqlite+aiosqlite://", language="vi")
    sessionmaker = make_sessionmaker(make_engine(settings.database_url))  # never connected
    with time_machine.travel(when, tick=False):
        scheduler = build_scheduler(sessionmaker, FakeClock(when), settings)
        now = datetime.now(HANOI)
        return {
            job.id: getattr(job, "next_run_time", None)
            or job.trigger.get_next_fire_time(None, now)
            for job in scheduler.get_jobs()
        }


@pytest.mark.parametrize(
    ("started", "caught_up"),
    [
        (datetime(2026, 11, 16, 6, 59, tzinfo=HANOI), False),  # Monday, before digest time
        (datetime(2026, 11, 16, 7, 0, 30, tzinfo=HANOI), True),  # just after it
        (datetime(2026, 11, 22, 23, 59, tzinfo=HANOI), True),  # Sunday night: still this week
        (datetime(2027, 2, 28, 23, 59, 30, tzinfo=HANOI), True),  # a month's last minute
    ],
)
def test_a_digest_missed_while_down_goes_out_soon_after_start(
    started: datetime, caught_up: bool
) -> None:
    jobs = _jobs_started_at(started.astimezone(UTC))
    assert ("digest-catch-up" in jobs) is caught_up
    if caught_up:
        assert jobs["digest-catch-up"] == started + timedelta(seconds=20)
    first_monday = started.date() + timedelta(days=(7 - started.weekday()) % 7)
    next_digest = datetime.combine(first_monday, time(7), HANOI)
    if next_digest <= started:
        next_digest += timedelta(days=7)
    assert jobs["digest"] == next_digest  # 07:00 in Hà Nội, not in UTC


def test_reminders_and_planning_start_at_once() -> None:
    started = datetime(2028, 2, 29, 8, 0, tzinfo=HANOI)
    jobs = _jobs_started_at(started)
    assert jobs["planning"] == started
    assert jobs["reminders"] == started + timedelta(seconds=5)
    assert jobs["snapshots"] == started + timedelta(seconds=10)  # then every 10 minutes
