"""The Zalo channel as ZALO_* configures it (`chibo run`)."""

from __future__ import annotations

from bot.channels.base import Wiring
from bot.channels.zalo.channel import ZaloChannel, ZaloWebhook
from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.sender import ZaloOut
from bot.delivery.pacer import ChannelLimits


def build(wiring: Wiring) -> ZaloChannel | None:
    """Zalo, by webhook (ZALO_WEBHOOK_URL) or long polling, with a connection pool of its own
    for the delivery queue; None without a token."""
    settings = wiring.settings.zalo
    if settings.bot_token is None:
        return None
    token = settings.bot_token.get_secret_value()
    webhook = None
    if settings.webhook_url and settings.webhook_secret:
        webhook = ZaloWebhook(settings.webhook_url, settings.webhook_secret.get_secret_value())
    language = wiring.settings.language
    # Zalo publishes no limits: conservative defaults, a group no faster than the whole.
    limits = ChannelLimits(
        per_second=settings.rate_per_second,
        chat_interval=settings.chat_interval,
        group_per_minute=settings.rate_per_second * 60,
    )
    budget = wiring.budget("zalo", token, limits)  # replies and the queue share it

    def out() -> ZaloOut:
        client = ZaloClient(token, settings.api_url)
        return ZaloOut(client, language, wiring.media, settings.quota_pause, budget)

    replies = out()
    return ZaloChannel(
        replies.client,
        wiring.handle,
        replies,
        webhook=webhook,
        retry_pause=settings.quota_pause,
        queue=out(),
        limits=limits,
        language=language,
        keep=wiring.keep_file,
    )
