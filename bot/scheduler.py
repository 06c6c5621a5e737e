"""The scheduler (APScheduler 3, in-process): housekeeping today; reminders build on it."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
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


def build_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, timezone: str
) -> AsyncIOScheduler:
    """The scheduler with chibo's jobs; start it inside the running event loop."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    scheduler.add_job(
        housekeeping,
        "cron",
        hour=3,
        args=(sessionmaker, clock),
        id="housekeeping",
        misfire_grace_time=6 * 3600,
        coalesce=True,
    )
    return scheduler
