"""The scheduler (APScheduler 3, in-process): housekeeping today; reminders build on it."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from models import ProcessedMessage

log = logging.getLogger(__name__)

# Platforms redeliver within minutes (Telegram) or hours (webhook retries); two weeks is ample.
PROCESSED_MESSAGE_RETENTION = timedelta(days=14)


async def purge_processed_messages(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock
) -> int:
    """Forget handled-message ids older than the retention; returns how many were removed."""
    cutoff = clock.now() - PROCESSED_MESSAGE_RETENTION
    async with sessionmaker() as session, session.begin():
        result = await session.execute(
            delete(ProcessedMessage).where(ProcessedMessage.processed_at < cutoff)
        )
    removed = int(getattr(result, "rowcount", 0) or 0)
    log.info("housekeeping: forgot %d handled message ids", removed)
    return removed


def build_scheduler(
    sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, timezone: str
) -> AsyncIOScheduler:
    """The scheduler with chibo's jobs; start it inside the running event loop."""
    scheduler = AsyncIOScheduler(timezone=timezone)
    scheduler.add_job(
        purge_processed_messages,
        "cron",
        hour=3,
        args=(sessionmaker, clock),
        id="purge_processed_messages",
        misfire_grace_time=6 * 3600,
        coalesce=True,
    )
    return scheduler
