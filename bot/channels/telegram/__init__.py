"""Telegram channel (python-telegram-bot): the only package that imports `telegram`."""

from bot.channels.telegram.channel import CommandMenu, TelegramChannel, WebhookConfig

__all__ = ["CommandMenu", "TelegramChannel", "WebhookConfig"]
