"""The Telegram channel as TELEGRAM_* configures it (`chibo run`)."""

from __future__ import annotations

from bot.channels.base import Wiring
from bot.channels.telegram.channel import TelegramChannel, WebhookConfig
from bot.channels.telegram.menus import DatabaseLeaderMenus, command_menu
from bot.delivery.pacer import ChannelLimits


def build(wiring: Wiring) -> TelegramChannel | None:
    """Telegram, polling or by webhook (TELEGRAM_WEBHOOK_URL); None without a token."""
    settings = wiring.settings.telegram
    if settings.bot_token is None:
        return None
    webhook = None
    if settings.webhook_url and settings.webhook_secret:
        webhook = WebhookConfig(settings.webhook_url, settings.webhook_secret.get_secret_value())
    dispatcher = wiring.dispatcher
    language = wiring.settings.language
    return TelegramChannel(
        settings.bot_token.get_secret_value(),
        wiring.handle,
        api_url=settings.api_url,
        webhook=webhook,
        menu=command_menu(dispatcher.registry),
        leader_menus=DatabaseLeaderMenus(dispatcher.sessionmaker, dispatcher.registry, language),
        limits=ChannelLimits(
            per_second=settings.rate_per_second,
            chat_interval=settings.chat_interval,
            group_per_minute=settings.group_per_minute,
        ),
        language=language,
    )
