"""The scheduler (APScheduler 3, in-process): housekeeping today; reminders build on it."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import metrics
from bot.core.clock import Clock
from bot.core.config import Settings
from bot.core.db import reading
from bot.reports.digest import DigestRun, digest_leaders, digest_parts, queue_digest
from bot.reports.snapshots import SNAPSHOT_EVERY, take_snapshots
from bot.services.meetings.planning import sync_all
from bot.services.meetings.reminders import CLAIM_BATCH, ReminderRun, process_due
from models import FailedLink, ProcessedMessage

log = logging.getLogger(__name__)

# Platforms redeliver within minutes (Telegram) or hours (webhook retries); two weeks is ample.
PROCESSED_MESSAGE_RETENTION = timedelta(days=14)
FAILED_LINK_RETENTION = timedelta(days=1)


async def housekeeping(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> int:
    """Forget handled-message ids and failed link attempts nobody needs any more; returns
    how many rows were removed."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        handled = await session.execute(
            delete(ProcessedMessage).where(
                ProcessedMessage.processed_at < now - PROCESSED_MESSAGE_RETENTION
            )
        )
        failed = await session.execute(
            delete(FailedLink).where(FailedLink.at < now - FAILED_LINK_RETENTION)
        )
    removed = sum(int(getattr(r, "rowcount", 0) or 0) for r in (handled, failed))
    log.info("housekeeping: removed %d old rows", removed)
    return removed


async def reminders_tick(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    on_queued: Callable[[], None] | None = None,
) -> ReminderRun:
    """Send the reminders that are due (one transaction per batch, messages via the outbox)."""
    total = ReminderRun()
    while True:
        async with sessionmaker() as session, session.begin():
            run = await process_due(
                session,
                clock.now(),
                timedelta(hours=settings.reminder_grace_hours),
                settings.tz,
                settings.language,
            )
        total = ReminderRun(
            total.sent + run.sent, total.missed + run.missed, total.messages + run.messages
        )
        if run.sent + run.missed < CLAIM_BATCH:
            break
    if total.sent or total.missed:
        log.info(
            "reminders: %d sent (%d messages), %d missed", total.sent, total.messages, total.missed
        )
        if on_queued is not None and total.messages:
            on_queued()
    return total


async def planning_tick(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
) -> int:
    """Roll every cell's calendar forward and bring its reminders in step."""
    async with sessionmaker() as session, session.begin():
        return await sync_all(session, clock.now(), settings.tz)


async def snapshots_tick(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, settings: Settings
) -> int:
    """Take the cell snapshots that scopes of thousands of cells read (none for a smaller
    database: its summaries are counted live)."""
    return await take_snapshots(sessionmaker, clock.now(), settings.tz)


def measured(name: str, job: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`job`, its runs counted in /metrics (ok or failed) and its last success stamped."""

    @functools.wraps(job)
    async def run(*args: Any) -> Any:
        try:
            result = await job(*args)
        except Exception:
            metrics.job_failed(name)
            raise
        metrics.job_succeeded(name)
        return result

    return run


class RunningJobs:
    """Keeps track of job runs in progress, so a shutdown can let them finish instead of
    cancelling them halfway (a cancelled run is rolled back, but logged as a failure)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    def wrap(self, job: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`job`, counted while it runs."""

        @functools.wraps(job)
        async def run(*args: Any) -> Any:
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                return await job(*args)
            finally:
                self._tasks.discard(task)

        return run

    async def wait(self, within: float = 30.0) -> None:
        """Wait for the runs in progress to end."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)


async def digest_tick(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    on_queued: Callable[[], None] | None = None,
) -> int:
    """Queue this week's digest for every secretary and committee member: per leader a read,
    a chart drawn outside any transaction, and a short transaction that queues it, so
    members' messages never wait for the run (SQLite has one writer at a time), and a crash
    half-way resumes with the leaders not yet served. Returns how many were queued."""
    run = DigestRun(clock.now(), settings.tz, settings.language, settings.public_url or "")
    async with reading(sessionmaker) as session:
        leaders = await digest_leaders(session, run.week)
    queued = 0
    for leader_id in leaders:
        async with reading(sessionmaker) as session:  # no write lock held while reading
            parts = await digest_parts(session, run, leader_id)
        if parts is None:
            continue
        photo = await run.photo(parts)  # drawn while no transaction is open
        async with sessionmaker() as session, session.begin():
            await queue_digest(session, run, leader_id, parts, photo)
        queued += 1
        if on_queued is not None:
            on_queued()
    log.info("digest: queued for %d leaders", queued)
    return queued


def build_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    settings: Settings,
    on_queued: Callable[[], None] | None = None,
    running: RunningJobs | None = None,
) -> AsyncIOScheduler:
    """The scheduler with chibo's jobs; start it inside the running event loop.

    The database holds the calendar; APScheduler only drives the clock: every 30 s it sends
    what is due, every hour (and at start) it plans ahead. Changes made in chat are synced at
    once by the handlers, so nothing waits for a restart. Every 10 minutes it takes the cell
    snapshots that a province's summaries read. Runs missed while the process was
    down are caught up at start (next_run_time=now); reminders overdue by more than
    REMINDER_GRACE_HOURS are recorded as missed.
    """
    scheduler = AsyncIOScheduler(timezone=settings.timezone)
    now = datetime.now(settings.tz)
    track = running.wrap if running is not None else (lambda job: job)
    scheduler.add_job(
        track(measured("planning", planning_tick)),
        "interval",
        hours=1,
        args=(sessionmaker, clock, settings),
        id="planning",
        next_run_time=now,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=3600,
    )
    scheduler.add_job(
        track(measured("reminders", reminders_tick)),
        "interval",
        seconds=30,
        args=(sessionmaker, clock, settings, on_queued),
        id="reminders",
        next_run_time=now + timedelta(seconds=5),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=30,
    )
    scheduler.add_job(
        track(measured("snapshots", snapshots_tick)),
        "interval",
        seconds=SNAPSHOT_EVERY.total_seconds(),
        args=(sessionmaker, clock, settings),
        id="snapshots",
        next_run_time=now + timedelta(seconds=10),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=int(SNAPSHOT_EVERY.total_seconds()),
    )
    hour, minute = (int(part) for part in settings.digest_time.split(":"))
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(settings.digest_weekday)
    due = (now - timedelta(days=(now.weekday() - weekday) % 7)).replace(
        hour=hour, minute=minute, second=0, microsecond=0
    )
    if due <= now:
        # Down at digest time: this week's digest goes out on start (the outbox keeps it to
        # once a week), and the cron trigger takes over from next week.
        scheduler.add_job(
            track(measured("digest", digest_tick)),
            "date",
            run_date=now + timedelta(seconds=20),
            args=(sessionmaker, clock, settings, on_queued),
            id="digest-catch-up",
        )
    scheduler.add_job(
        track(measured("digest", digest_tick)),
        "cron",
        day_of_week=settings.digest_weekday,
        hour=hour,
        minute=minute,
        args=(sessionmaker, clock, settings, on_queued),
        id="digest",
        misfire_grace_time=3600,
        coalesce=True,
    )
    scheduler.add_job(
        track(measured("housekeeping", housekeeping)),
        "cron",
        hour=3,
        args=(sessionmaker, clock),
        id="housekeeping",
        misfire_grace_time=6 * 3600,
        coalesce=True,
    )
    return scheduler
