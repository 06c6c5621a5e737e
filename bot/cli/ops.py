"""What `chibo run` tells its operators: /healthz (database, each channel, the scheduler) and
/metrics, read fresh at each request."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli.supervise import ChannelState, Supervised
from bot.core import metrics
from bot.core.clock import Clock
from bot.delivery.stats import outbox_stats

log = logging.getLogger(__name__)

# The reminders job runs every 30 s; without a success for this long the scheduler is stuck
# (or cannot reach the database).
SCHEDULER_STALE_SECONDS = 300.0
# Scrapes from several Prometheus servers, or a fast interval, cost one count at most this often.
OUTBOX_STATS_EVERY = 10.0


async def database_healthy(engine: AsyncEngine) -> bool:
    """The database answers a trivial query."""
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception:  # any failure means unhealthy; the probe must not crash
        log.exception("health check: the database does not answer")
        return False
    return True


def health_check(
    engine: AsyncEngine,
    channels: Sequence[Supervised],
    scheduler_running: Callable[[], bool],
    started: float,
) -> Callable[[], Awaitable[dict[str, bool | str]]]:
    """The /healthz verdict of each part (a channel's by its state: starting, up, retrying,
    down); also sets the health gauges of /metrics."""

    async def check() -> dict[str, bool | str]:
        verdict: dict[str, bool | str] = {"database": await database_healthy(engine)}
        for channel in channels:
            state = channel.state
            verdict[channel.name] = str(state)
            metrics.CHANNEL_UP.labels(channel.name).set(1 if state == ChannelState.UP else 0)
        last = metrics.last_success("reminders") or started
        verdict["scheduler"] = scheduler_running() and time.time() - last < SCHEDULER_STALE_SECONDS
        for part in ("database", "scheduler"):
            metrics.COMPONENT_UP.labels(part).set(1 if verdict[part] is True else 0)
        return verdict

    return check


def metrics_page(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    health: Callable[[], Awaitable[dict[str, bool | str]]],
) -> Callable[[], Awaitable[tuple[bytes, str]]]:
    """/metrics: the outbox gauges (from the database, at most every OUTBOX_STATS_EVERY
    seconds) and the health gauges refreshed, then every metric in Prometheus' format."""
    last_read = [0.0]

    async def page() -> tuple[bytes, str]:
        await health()
        if time.monotonic() - last_read[0] >= OUTBOX_STATS_EVERY:
            try:
                async with sessionmaker() as session:
                    stats = await outbox_stats(session, clock.now())
            except Exception:  # the page still answers with what it has
                log.exception("metrics: could not read the outbox")
            else:
                last_read[0] = time.monotonic()
                for status, count in stats.by_status.items():
                    metrics.OUTBOX.labels(status).set(count)
                metrics.OUTBOX_OLDEST.set(stats.oldest_waiting_seconds)
        return metrics.exposition()

    return page
