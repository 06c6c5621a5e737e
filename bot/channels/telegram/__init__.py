"""Telegram channel (python-telegram-bot): the only package that imports `telegram`."""

from bot.channels.telegram.channel import (
    CommandMenu,
    Commands,
    LeaderMenus,
    TelegramChannel,
    WebhookConfig,
)

__all__ = ["CommandMenu", "Commands", "LeaderMenus", "TelegramChannel", "WebhookConfig"]
