"""Telegram channel (python-telegram-bot): the only package that imports `telegram`."""

import os

# Opt in now to PTB's coming durations-as-timedelta (read when used, not at import), which also
# silences its deprecation warning on every 429.
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.channels.telegram.channel import (  # noqa: E402
    CommandMenu,
    Commands,
    LeaderMenus,
    TelegramChannel,
    WebhookConfig,
)

__all__ = ["CommandMenu", "Commands", "LeaderMenus", "TelegramChannel", "WebhookConfig"]
