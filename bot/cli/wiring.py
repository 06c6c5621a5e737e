"""What `chibo run` starts per channel; the Zalo part (Telegram's lives in bot.cli.run, beside
the python-telegram-bot imports)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from urllib.parse import urlparse

from bot.channels.zalo import ZaloChannel, ZaloClient, ZaloError, ZaloOut, ZaloSender, ZaloWebhook
from bot.channels.zalo.channel import SECRET_HEADER as ZALO_SECRET_HEADER
from bot.channels.zalo.client import INVALID_TOKEN, ZaloNetworkError
from bot.core.config import Settings
from bot.core.i18n import translator
from bot.delivery.pacer import ChannelLimits
from bot.delivery.worker import Sender
from bot.dispatcher.dispatch import Dispatcher
from bot.web.media import MediaShelf
from bot.web.server import WebhookRoute


class StartupError(Exception):
    """chibo cannot start; the message says why in the reader's language."""


@dataclass(frozen=True)
class Wired:
    """A started channel: its name, its sender for the delivery queue, its limits, and its
    webhook route if it receives by webhook."""

    channel: str
    sender: Sender
    limits: ChannelLimits
    route: WebhookRoute | None
    healthy: Callable[[], bool] = field(default=lambda: True)  # receiving? (for /healthz)


def zalo_limits(settings: Settings) -> ChannelLimits:
    """Zalo's limits as configured (Zalo publishes none: conservative defaults)."""
    return ChannelLimits(
        per_second=settings.zalo_rate_per_second,
        chat_interval=settings.zalo_chat_interval,
        group_per_minute=settings.zalo_rate_per_second * 60,
    )


async def start_zalo(
    settings: Settings, dispatcher: Dispatcher, media: MediaShelf | None, stack: AsyncExitStack
) -> Wired:
    """Start receiving on Zalo (webhook if ZALO_WEBHOOK_URL is set, else polling), and a
    sender with its own connection pool for the delivery queue."""
    assert settings.zalo_bot_token is not None
    t = translator(settings.language)
    token = settings.zalo_bot_token.get_secret_value()
    webhook = None
    if settings.zalo_webhook_url and settings.zalo_webhook_secret:
        webhook = ZaloWebhook(
            settings.zalo_webhook_url, settings.zalo_webhook_secret.get_secret_value()
        )
    client = ZaloClient(token, settings.zalo_api_url)
    channel = ZaloChannel(
        client,
        dispatcher.handle,
        ZaloOut(client, settings.language, media, settings.zalo_quota_pause),
        webhook=webhook,
        retry_pause=settings.zalo_quota_pause,
    )
    try:
        await channel.start()
    except ZaloNetworkError as error:
        await client.close()
        raise StartupError(
            t.gettext("Cannot reach the Zalo Bot API ({error}). Check the network.").format(
                error=error.description
            )
        ) from error
    except ZaloError as error:
        await client.close()
        if error.code == INVALID_TOKEN:
            raise StartupError(
                t.gettext("Zalo refused ZALO_BOT_TOKEN; check it in Zalo Bot Manager.")
            ) from error
        raise StartupError(
            t.gettext("Zalo refused to start the bot: {error}").format(error=error)
        ) from error
    stack.push_async_callback(channel.stop)
    sending = ZaloClient(token, settings.zalo_api_url)
    stack.push_async_callback(sending.close)
    sender = ZaloSender(ZaloOut(sending, settings.language, media, settings.zalo_quota_pause))
    route = None
    if webhook is not None:
        route = WebhookRoute(
            path=urlparse(webhook.url).path or "/",
            secret_header=ZALO_SECRET_HEADER,
            secret=webhook.secret,
            feed=channel.feed,
        )
    return Wired("zalo", sender, zalo_limits(settings), route, channel.healthy)
