"""`chibo run`: wires database, dispatcher, the configured channels (bot/cli/channels.py),
delivery, scheduler and HTTP server, then waits for SIGINT/SIGTERM and stops everything in
reverse order."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import timedelta

from bot.channels.base import ChannelFactory, StartupError, Wiring, local_budget
from bot.cli.alerts import operator_alerts, stop_alerts
from bot.cli.channels import CHANNELS, configured_channels
from bot.cli.ops import health_check, metrics_page
from bot.cli.scheduler import RunningJobs, build_scheduler
from bot.cli.schema import ensure_schema
from bot.cli.supervise import FIRST_PAUSE, Supervised, start_all
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.core.db import engine_for, make_sessionmaker
from bot.core.i18n import translator
from bot.delivery.budget import shared_budgets
from bot.delivery.worker import DeliverySettings, DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from bot.web.dashboard.routes import Dashboard
from bot.web.media import MediaShelf
from bot.web.server import WebServer, build_app

log = logging.getLogger(__name__)

# Python's cyclic garbage collector, at its defaults, runs a full collection again and again
# while a district's workbook creates millions of objects: pauses of up to a second and more
# for every chat (bench/latency.py). chibo makes few reference cycles: collect far less often.
GC_THRESHOLDS = (100_000, 50, 1000)


def tune_garbage_collector() -> None:
    """Collect less often, and never scan what was loaded at start (modules, settings)."""
    gc.set_threshold(*GC_THRESHOLDS)
    gc.freeze()


async def run_bot(
    settings: Settings,
    stop: asyncio.Event | None = None,
    factories: Sequence[ChannelFactory] = CHANNELS,
    *,
    retry_pause: float = FIRST_PAUSE,
) -> None:
    """Serve every channel the settings configure (of `factories`, the registry in
    bot/cli/channels.py) until `stop` is set (or SIGINT/SIGTERM arrives). A channel whose
    start fails is tried again after `retry_pause` seconds, doubling up to 5 minutes; only
    if every channel is refused for good (their tokens) is it a StartupError."""
    t = translator(settings.language)
    engine = engine_for(settings.database_url, settings.database_schema)
    sessionmaker = make_sessionmaker(engine)
    clock = SystemClock()
    dispatcher = Dispatcher(sessionmaker, settings, clock)
    media = MediaShelf(settings.media_url) if settings.media_url else None
    # On PostgreSQL every process serving a bot token keeps to one budget for it.
    budgets = shared_budgets(engine) if engine.dialect.name == "postgresql" else local_budget
    channels = configured_channels(Wiring(settings, dispatcher, media, budgets), factories)
    if not channels:
        await engine.dispose()
        raise StartupError(
            t.gettext(
                "No messenger is configured. Put TELEGRAM_BOT_TOKEN=<token from @BotFather> "
                "and/or ZALO_BOT_TOKEN=<token from Zalo Bot Manager> in .env (see "
                ".env.example), or try the bot without one: chibo demo"
            )
        )
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        await ensure_schema(engine, settings)
        supervised = [Supervised(channel, first_pause=retry_pause) for channel in channels]
        for one in supervised:
            # Stopped in reverse order, also when its own start or a later one fails.
            stack.push_async_callback(one.stop)
        # A channel that fails to start is tried again in the background, the others serve.
        await start_all(supervised)
        alerts = operator_alerts(settings, channels)
        if alerts is not None:
            logging.getLogger().addHandler(alerts)
            stack.push_async_callback(stop_alerts, alerts)
        worker = DeliveryWorker(
            sessionmaker,
            {channel.name: channel for channel in channels},
            clock,
            DeliverySettings(
                lease=timedelta(seconds=settings.delivery_lease_seconds),
                max_attempts=settings.delivery_max_attempts,
                adopt_unserved=True,
            ),
        )
        delivery_stop = asyncio.Event()
        delivery = asyncio.create_task(worker.run(delivery_stop))

        async def stop_delivery() -> None:
            delivery_stop.set()
            await delivery

        stack.push_async_callback(stop_delivery)
        running_jobs = RunningJobs()
        scheduler = build_scheduler(
            sessionmaker, clock, settings, on_queued=worker.wake, running=running_jobs
        )
        scheduler.start()

        async def stop_scheduler() -> None:
            # shutdown() would cancel runs under way: stop new runs, let those finish first.
            scheduler.pause()
            await running_jobs.wait()
            scheduler.shutdown(wait=False)

        stack.push_async_callback(stop_scheduler)
        routes = [route for channel in channels for route in channel.routes]
        if routes or media is not None or settings.serve_http:
            health = health_check(engine, supervised, lambda: scheduler.running, time.time())
            app = build_app(
                routes,
                health,
                media,
                metrics=metrics_page(sessionmaker, clock, health),
                dashboard=Dashboard(
                    sessionmaker,
                    clock,
                    settings.tz,
                    settings.language,
                    telegram_token=(
                        settings.telegram.bot_token.get_secret_value()
                        if settings.telegram.bot_token
                        else None
                    ),
                    key=settings.web_session_key.get_secret_value().encode()
                    if settings.web_session_key
                    else b"",
                ),
            )
            server = WebServer(app, settings.http_host, settings.http_port)
            await server.start()
            stack.push_async_callback(server.stop)
        tune_garbage_collector()
        print(t.gettext("chibo is running. Press Ctrl-C to stop."), flush=True)
        await stop.wait()
        log.info("stopping")
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(signum)


__all__ = ["StartupError", "run_bot"]
