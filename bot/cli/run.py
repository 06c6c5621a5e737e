"""`chibo run`: wires database, dispatcher, channels, scheduler and HTTP server, then waits
for SIGINT/SIGTERM and stops everything in reverse order."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from contextlib import AsyncExitStack
from datetime import timedelta
from urllib.parse import urlparse

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.error import InvalidToken, NetworkError

from bot.channels.telegram import CommandMenu, Commands, TelegramChannel, WebhookConfig
from bot.channels.telegram.sender import TelegramSender, delivery_bot
from bot.cli.alerts import operator_alerts, stop_alerts
from bot.cli.ops import health_check, metrics_page
from bot.cli.scheduler import RunningJobs, build_scheduler
from bot.cli.schema import ensure_schema
from bot.cli.wiring import StartupError, Wired, start_zalo
from bot.core.clock import SystemClock
from bot.core.config import Settings
from bot.core.db import engine_for, make_sessionmaker
from bot.core.i18n import LANGUAGES, translator
from bot.delivery.pacer import ChannelLimits
from bot.delivery.worker import DeliverySettings, DeliveryWorker
from bot.dispatcher.dispatch import Dispatcher
from bot.services.oversight import leader_addresses
from bot.web.media import MediaShelf
from bot.web.server import WebhookRoute, WebServer, build_app
from handlers.base import Registry

log = logging.getLogger(__name__)
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def menu_commands(registry: Registry, language: str, leader: bool) -> Commands:
    """The command menu in `language`; leaders also get their own commands."""
    t = translator(language)
    return [
        (c.names[0], t.gettext(c.summary))
        for c in registry.commands
        if c.summary and (leader or not c.leaders_only)
    ]


def command_menu(registry: Registry) -> CommandMenu:
    """Telegram's command menu: Vietnamese for everyone, English for English-language apps."""
    return CommandMenu(
        by_language={
            "" if language == "vi" else language: menu_commands(registry, language, False)
            for language in LANGUAGES
        }
    )


class DatabaseLeaderMenus:
    """Leaders' Telegram chats, read from the roles in the database."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], registry: Registry, language: str
    ) -> None:
        self.sessionmaker = sessionmaker
        self.registry = registry
        self.language = language

    async def _menus(self, chat_id: str | None) -> list[tuple[str, Commands]]:
        async with self.sessionmaker() as session:
            chats = await leader_addresses(session, "telegram", chat_id)
        return [
            (chat, menu_commands(self.registry, language or self.language, True))
            for chat, language in chats
        ]

    async def all_chats(self) -> list[tuple[str, Commands]]:
        """Every leader's Telegram chat with its menu."""
        return await self._menus(None)

    async def for_chat(self, chat_id: str) -> Commands | None:
        """The leader menu for this chat, if it is a leader's."""
        menus = await self._menus(chat_id)
        return menus[0][1] if menus else None


def telegram_limits(settings: Settings) -> ChannelLimits:
    """Telegram's limits as configured."""
    return ChannelLimits(
        per_second=settings.telegram_rate_per_second,
        chat_interval=settings.telegram_chat_interval,
        group_per_minute=settings.telegram_group_per_minute,
    )


async def _start_telegram(
    settings: Settings, dispatcher: Dispatcher, stack: AsyncExitStack
) -> Wired:
    """Start receiving on Telegram, and a sender for the delivery queue."""
    t = translator(settings.language)
    telegram = _telegram(settings, dispatcher)
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    try:
        await telegram.start()
    except InvalidToken as error:
        raise StartupError(
            t.gettext("Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather.")
        ) from error
    except NetworkError as error:
        raise StartupError(
            t.gettext("Cannot reach the Telegram Bot API ({error}). Check the network.").format(
                error=error
            )
        ) from error
    stack.push_async_callback(telegram.stop)
    sender = TelegramSender(delivery_bot(token, settings.telegram_api_url))
    await sender.start()
    stack.push_async_callback(sender.stop)
    route = None
    if telegram.webhook is not None:
        route = WebhookRoute(
            path=urlparse(telegram.webhook.url).path or "/",
            secret_header=TELEGRAM_SECRET_HEADER,
            secret=telegram.webhook.secret,
            feed=telegram.feed,
        )
    return Wired("telegram", sender, telegram_limits(settings), route, telegram.healthy)


def _telegram(settings: Settings, dispatcher: Dispatcher) -> TelegramChannel:
    assert settings.telegram_bot_token is not None
    webhook = None
    if settings.telegram_webhook_url and settings.telegram_webhook_secret:
        webhook = WebhookConfig(
            url=settings.telegram_webhook_url,
            secret=settings.telegram_webhook_secret.get_secret_value(),
        )
    return TelegramChannel(
        settings.telegram_bot_token.get_secret_value(),
        dispatcher.handle,
        api_url=settings.telegram_api_url,
        webhook=webhook,
        menu=command_menu(dispatcher.registry),
        leader_menus=DatabaseLeaderMenus(
            dispatcher.sessionmaker, dispatcher.registry, settings.language
        ),
    )


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Serve every configured channel until `stop` is set (or SIGINT/SIGTERM arrives)."""
    t = translator(settings.language)
    if settings.telegram_bot_token is None and settings.zalo_bot_token is None:
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
    engine = engine_for(settings.database_url, settings.database_schema)
    async with AsyncExitStack() as stack:
        stack.push_async_callback(engine.dispose)
        await ensure_schema(engine, settings)
        sessionmaker = make_sessionmaker(engine)
        clock = SystemClock()
        dispatcher = Dispatcher(sessionmaker, settings, clock)
        media = MediaShelf(settings.media_url) if settings.media_url else None
        wired: list[Wired] = []
        if settings.telegram_bot_token is not None:
            wired.append(await _start_telegram(settings, dispatcher, stack))
        if settings.zalo_bot_token is not None:
            wired.append(await start_zalo(settings, dispatcher, media, stack))
        alerts = operator_alerts(settings, wired)
        if alerts is not None:
            logging.getLogger().addHandler(alerts)
            stack.push_async_callback(stop_alerts, alerts)
        worker = DeliveryWorker(
            sessionmaker,
            {w.channel: w.sender for w in wired},
            {w.channel: w.limits for w in wired},
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
        routes = [w.route for w in wired if w.route is not None]
        if routes or media is not None or settings.serve_http:
            health = health_check(engine, wired, lambda: scheduler.running, time.time())
            app = build_app(
                routes, health, media, metrics=metrics_page(sessionmaker, clock, health)
            )
            server = WebServer(app, settings.http_host, settings.http_port)
            await server.start()
            stack.push_async_callback(server.stop)
        print(t.gettext("chibo is running. Press Ctrl-C to stop."), flush=True)
        await stop.wait()
        log.info("stopping")
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.remove_signal_handler(signum)


__all__ = ["StartupError", "run_bot"]
