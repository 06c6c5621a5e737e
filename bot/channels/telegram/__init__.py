"""Telegram channel (python-telegram-bot): the only package that imports `telegram`."""

import os

# Opt in now to PTB's coming durations-as-timedelta (read when used, not at import), which also
# silences its deprecation warning on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.channels.telegram.channel import TelegramChannel, WebhookConfig  # noqa: E402
from bot.channels.telegram.factory import build  # noqa: E402
from bot.channels.telegram.menus import (  # noqa: E402
    CommandMenu,
    Commands,
    DatabaseLeaderMenus,
    LeaderMenus,
    command_menu,
)
from bot.channels.telegram.sender import TelegramOut, delivery_bot  # noqa: E402

__all__ = [
    "CommandMenu",
    "Commands",
    "DatabaseLeaderMenus",
    "LeaderMenus",
    "TelegramChannel",
    "TelegramOut",
    "WebhookConfig",
    "build",
    "command_menu",
    "delivery_bot",
]
