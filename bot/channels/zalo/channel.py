"""The Zalo channel: long polling (getUpdates, one update per answer) or webhook, one neutral
handler, a chat's messages in order, replies and queued messages through `ZaloOut`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.channels.base import Capabilities, Handle, Keep, StartupError, webhook_route
from bot.channels.locks import ChatLocks
from bot.channels.replies import REPLIES, ReplyPatience, send_reply
from bot.channels.zalo.client import (
    INVALID_TOKEN,
    NOT_FOUND,
    ZaloClient,
    ZaloError,
    ZaloNetworkError,
)
from bot.channels.zalo.convert import CHANNEL, TEXT_LIMIT, to_inbound, unwrap
from bot.channels.zalo.sender import ZaloOut
from bot.core import metrics
from bot.core.i18n import translator
from bot.core.messages import Attachment, InboundMessage, OutboundMessage
from bot.delivery.outcome import Delivered, Outcome, Progress
from bot.delivery.pacer import ChannelLimits
from bot.services.kept import MAX_BYTES
from bot.web.server import WebhookRoute

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"


UNHEALTHY_AFTER_FAILED_POLLS = 3


@dataclass(frozen=True)
class ZaloWebhook:
    """Webhook mode: Zalo posts to `url` with `secret` in the X-Bot-Api-Secret-Token header."""

    url: str
    secret: str


class ZaloChannel:
    """Receives Zalo updates, hands neutral messages to `handle`, sends replies and queued
    messages."""

    name = CHANNEL

    def __init__(
        self,
        client: ZaloClient,
        handle: Handle,
        out: ZaloOut,
        *,
        webhook: ZaloWebhook | None = None,
        poll_seconds: int = 30,
        retry_pause: float = 5.0,
        typing_after: float = 1.0,
        queue: ZaloOut | None = None,
        limits: ChannelLimits | None = None,
        patience: ReplyPatience | None = None,
        language: str = "vi",
        keep: Keep | None = None,
        picture_bytes: int = MAX_BYTES,
    ) -> None:
        self.client = client
        # Members' pictures come as Zalo CDN URLs, which may expire: downloaded (at most
        # `picture_bytes`) and kept in the database through `keep`.
        self.keep = keep
        self.picture_bytes = picture_bytes
        self.handle = handle
        self.out = out
        # The delivery queue's sends, best on a client (connection pool) of their own.
        self.queue = queue or out
        self.language = language
        self.capabilities = Capabilities(
            text_length=TEXT_LIMIT,
            caption_length=0,  # the text follows the picture as a message of its own
            buttons=False,
            uploads=False,
            limits=limits or ChannelLimits(per_second=5, group_per_minute=300),
        )
        self.webhook = webhook
        self.poll_seconds = poll_seconds
        self.retry_pause = retry_pause
        self.typing_after = typing_after
        self.patience = patience or ReplyPatience()
        self.bot_name = ""
        self._locks = ChatLocks()
        self._poller: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._started = False
        self._failed_polls = 0
        self._in_hand: set[asyncio.Task[None]] = set()

    @property
    def routes(self) -> Sequence[WebhookRoute]:
        """The webhook route, in webhook mode."""
        if self.webhook is None:
            return ()
        return (webhook_route(self.webhook.url, SECRET_HEADER, self.webhook.secret, self.feed),)

    async def start(self) -> None:
        """Check the token (getMe), then take updates by webhook or by polling; a refused
        token, an unreachable or refusing Zalo is a StartupError."""
        t = translator(self.language)
        try:
            await self._start()
        except ZaloNetworkError as error:
            raise StartupError(
                t.gettext("Cannot reach the Zalo Bot API ({error}). Check the network.").format(
                    error=error.description
                )
            ) from error
        except ZaloError as error:
            if error.code == INVALID_TOKEN:
                raise StartupError(
                    t.gettext("Zalo refused ZALO_BOT_TOKEN; check it in Zalo Bot Manager."),
                    lasting=True,
                ) from error
            raise StartupError(
                t.gettext("Zalo refused to start the bot: {error}").format(error=error)
            ) from error

    async def _start(self) -> None:
        me = await self.client.get_me()
        self.bot_name = str(me.get("account_name") or me.get("display_name") or "")
        if self.webhook is not None:
            await self.client.set_webhook(self.webhook.url, self.webhook.secret)
            registered = (await self.client.get_webhook_info()).get("url")
            if registered != self.webhook.url:
                log.warning("zalo: webhook is %r, not %r as asked", registered, self.webhook.url)
        else:
            # getUpdates does not work while a webhook is set (e.g. from an earlier run); Zalo
            # may answer deleteWebhook with 404 when there is none: that is what we want.
            if (await self.client.get_webhook_info()).get("url"):
                try:
                    await self.client.delete_webhook()
                except ZaloError as error:
                    if error.code != NOT_FOUND:
                        raise
            self._stopping.clear()
            self._poller = asyncio.create_task(self._poll())
        self._started = True
        log.info("zalo: started as %s", self.bot_name or "(unnamed bot)")

    async def stop(self) -> None:
        """Stop polling, finish the messages in hand, close the connection pool."""
        if self._poller is not None:
            # Zalo has no offset: an update it answered a long poll with counts as delivered,
            # so cancelling the poll under way could drop one. Let it end (at most
            # `poll_seconds`), handle what it brought, then stop.
            self._stopping.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._poller), self.poll_seconds + 15)
            except TimeoutError:  # Zalo did not answer in time: nothing to lose any more
                self._poller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._poller
            self._poller = None
        if self._in_hand:
            await asyncio.gather(*self._in_hand, return_exceptions=True)
        await self.client.close()
        if self.queue.client is not self.client:
            await self.queue.client.close()

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Outcome:
        """Send a queued message (the delivery worker's way in)."""
        return await self.queue.deliver(
            chat_id, message, sent_before=sent_before, progress=progress
        )

    def healthy(self) -> bool:
        """Receiving: started, and without a webhook, polling alive and getting answers
        (a few failed polls in a row, e.g. a refused token or no network, is unhealthy)."""
        if self.webhook is not None:
            return self._started
        return (
            self._poller is not None
            and not self._poller.done()
            and self._failed_polls < UNHEALTHY_AFTER_FAILED_POLLS
        )

    async def feed(self, payload: dict[str, Any]) -> None:
        """Handle an update that arrived by webhook, before the webhook is answered: Zalo
        delivers again what was not acknowledged, and a repeat is recognised by message id."""
        await self._process(unwrap(payload))

    async def _poll(self) -> None:
        while not self._stopping.is_set():
            try:
                update = await self.client.get_updates(self.poll_seconds)
                self._failed_polls = 0
            except ZaloError as error:
                self._failed_polls += 1
                if error.code == INVALID_TOKEN:
                    log.error("zalo: the token was refused (401); check ZALO_BOT_TOKEN")
                else:
                    log.warning("zalo: getUpdates failed (%s); retrying", error)
                with contextlib.suppress(TimeoutError):  # a stop ends the pause at once
                    await asyncio.wait_for(self._stopping.wait(), self.retry_pause)
                continue
            if update is not None:
                task = asyncio.create_task(self._process(update))
                self._in_hand.add(task)
                task.add_done_callback(self._in_hand.discard)

    async def _process(self, update: dict[str, Any]) -> None:
        try:
            await self._answer(update)
        except Exception:  # a bug must not end polling; the dispatcher already rolled back
            log.exception("zalo: error while handling an update (%s)", _kind(update))

    async def _answer(self, update: dict[str, Any]) -> None:
        inbound = to_inbound(update)
        if inbound is None:
            log.info("zalo: update %s has nothing to answer", update.get("event_name"))
            return
        if inbound.photos and self.keep is not None:
            inbound = replace(
                inbound, photos=tuple([await self._kept(inbound, p) for p in inbound.photos])
            )
        async with self._locks.hold(inbound.chat_id):
            typing = asyncio.create_task(self._typing_later(inbound.chat_id))
            try:
                replies = await self.handle(inbound)
            finally:
                typing.cancel()
            await self._reply(inbound.chat_id, replies)

    async def _kept(self, inbound: InboundMessage, photo: Attachment) -> Attachment:
        """The picture downloaded and kept ("kept:..."), or as it came (its URL) when it
        cannot be: too big, the CDN refusing, no network."""
        assert self.keep is not None
        try:
            content, mime_type = await self.client.download(photo.file_ref, self.picture_bytes)
            file_ref = await self.keep(content, mime_type, CHANNEL)
        except ZaloError as error:
            log.warning(
                "zalo: picture of message %s not kept (%s); keeping its URL",
                inbound.message_id[:64],
                error.code,
            )
            return photo
        return replace(photo, file_ref=file_ref, mime_type=mime_type)

    async def _reply(self, chat_id: str, replies: Sequence[OutboundMessage]) -> None:
        """Send the replies in order, each tried with patience (bot.channels.replies); after
        one that could not be sent, the rest would not make sense: stop there (logged and
        counted)."""
        for number, reply in enumerate(replies):

            async def attempt(sent: Sequence[str], reply: OutboundMessage = reply) -> Outcome:
                return await self.out.deliver(chat_id, reply, sent_before=sent, urgent=True)

            outcome = await send_reply(
                attempt, channel=self.name, chat_id=chat_id, patience=self.patience
            )
            if not (isinstance(outcome, Delivered) and outcome.complete):
                left = len(replies) - number - 1
                if left:
                    REPLIES.lost += left
                    metrics.REPLIES_FAILED.labels(CHANNEL).inc(left)
                    log.error("zalo: %d later replies to chat %s not sent", left, chat_id)
                return

    async def _typing_later(self, chat_id: str) -> None:
        """Show "typing…" when an answer takes a while (an export, a chart)."""
        await asyncio.sleep(self.typing_after)
        with contextlib.suppress(ZaloError):  # only a courtesy
            await self.client.send_chat_action(chat_id)


def _kind(update: dict[str, Any]) -> str:
    """An update named for the log by its event and message id, never its content."""
    message = update.get("message")
    message_id = message.get("message_id") if isinstance(message, dict) else None
    return f"{str(update.get('event_name'))[:40]} {str(message_id)[:64]}"
