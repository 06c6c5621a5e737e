"""The Telegram channel on python-telegram-bot: polling or webhook, one neutral handler, every
message out through `TelegramOut`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Document, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import Capabilities, Handle, StartupError, webhook_route
from bot.channels.replies import REPLIES, ReplyPatience, send_reply
from bot.channels.telegram.convert import ALLOWED_UPDATES, CHANNEL, TEXT_LIMIT, to_inbound
from bot.channels.telegram.menus import CommandMenu, Commands, LeaderMenus
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.channels.telegram.sender import (
    CAPTION_LIMIT,
    DEFAULT_API_URL,
    TelegramOut,
    delivery_bot,
    hides_contact_keyboard,
)
from bot.channels.telegram.tolerant import TolerantBot
from bot.channels.telegram.transport import AiohttpRequest
from bot.core import metrics
from bot.core.i18n import translator
from bot.core.messages import InboundMessage, OutboundMessage
from bot.delivery.outcome import Delivered, Outcome, Progress
from bot.delivery.pacer import Budget, ChannelLimits, Pacer
from bot.web.server import UnusableUpdate, WebhookRoute

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # documents read for the handlers (roster files)
# Replies in flight at once: 8 carry 32 requests/s at a 250 ms round trip to the Bot API,
# above the 30 messages/s a bot may send (bench/README.md, issue 13 speed).
CONNECTION_POOL_SIZE = 8


@dataclass(frozen=True)
class WebhookConfig:
    """Webhook mode: Telegram posts to `url`; requests must carry `secret`."""

    url: str
    secret: str


class TelegramChannel:
    """Receives Telegram updates, hands neutral messages to `handle`, sends the replies."""

    name = CHANNEL

    def __init__(
        self,
        token: str,
        handle: Handle,
        *,
        api_url: str | None = None,
        webhook: WebhookConfig | None = None,
        menu: CommandMenu | None = None,
        leader_menus: LeaderMenus | None = None,
        poll_timeout: int = 10,
        limits: ChannelLimits | None = None,
        budget: Budget | None = None,
        patience: ReplyPatience | None = None,
        language: str = "vi",
    ) -> None:
        self.handle = handle
        self.language = language
        self.capabilities = Capabilities(
            text_length=TEXT_LIMIT,
            caption_length=CAPTION_LIMIT,
            buttons=True,
            uploads=True,
            limits=limits or ChannelLimits(),
        )
        self.webhook = webhook
        self.menu = menu
        self.leader_menus = leader_menus
        self.poll_timeout = poll_timeout
        # A bot that skips an update it cannot read instead of wedging polling.
        bot = TolerantBot(
            token,
            base_url=api_url or DEFAULT_API_URL,
            base_file_url=file_url(api_url),
            request=AiohttpRequest(connection_pool_size=CONNECTION_POOL_SIZE),
            get_updates_request=AiohttpRequest(connection_pool_size=1),
        )
        builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder().bot(bot).concurrent_updates(PerChatUpdateProcessor())
        )
        if webhook is not None:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        # One budget for the token: replies (first) and the delivery queue share it.
        self.budget: Budget = budget or Pacer(self.capabilities.limits)
        self.patience = patience or ReplyPatience()
        self.replies = TelegramOut(
            self.application.bot, budget=self.budget, lanes=CONNECTION_POOL_SIZE
        )
        # The delivery queue has a connection pool of its own, so broadcasts never queue
        # behind chat replies; both send through the same code.
        self.queue = TelegramOut(delivery_bot(token, api_url), budget=self.budget)

    @property
    def routes(self) -> Sequence[WebhookRoute]:
        """The webhook route, in webhook mode."""
        if self.webhook is None:
            return ()
        return (webhook_route(self.webhook.url, SECRET_HEADER, self.webhook.secret, self.feed),)

    async def start(self) -> None:
        """Check the token (getMe), publish the menu, and start receiving updates; a refused
        token or an unreachable Bot API is a StartupError."""
        t = translator(self.language)
        try:
            await self._start()
        except InvalidToken as error:
            raise StartupError(
                t.gettext("Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather."),
                lasting=True,
            ) from error
        except NetworkError as error:
            raise StartupError(
                t.gettext(
                    "Cannot reach the Telegram Bot API ({error}). Check the network."
                ).format(error=error)
            ) from error

    async def _start(self) -> None:
        await self.application.initialize()
        if self.menu is not None:
            await self._publish_menu(self.menu)
        await self.application.start()
        if self.webhook is not None:
            await self.application.bot.set_webhook(
                url=self.webhook.url,
                secret_token=self.webhook.secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=ALLOWED_UPDATES,
            )
        await self.queue.start()
        log.info("telegram: started as @%s", self.application.bot.username)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close connections."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
        # After a start that failed before getMe answered, the application counts as never
        # started and leaves the bot's connections open: closed here (a no-op otherwise), so
        # that the next start opens them again.
        await self.application.bot.shutdown()
        await self.queue.stop()

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
        """Receiving: the application runs and, without a webhook, so does polling."""
        if not self.application.running:
            return False
        updater = self.application.updater
        return self.webhook is not None or (updater is not None and updater.running)

    async def feed(self, payload: dict[str, Any]) -> None:
        """Handle an update that arrived by webhook, before the webhook is answered: Telegram
        never sends again an update it got 200 for, so it is answered only once handled and
        committed (a crash mid-way leaves it unanswered, and Telegram sends it again; the
        dispatcher recognises a repeat by its message id). Same chat, same order: the update
        goes through the per-chat update processor, as polled updates do."""
        try:
            update = Update.de_json(payload, self.application.bot)
        except Exception as error:  # a body that is no update: KeyError, TypeError, ValueError
            raise UnusableUpdate(type(error).__name__) from error
        await self.application.update_processor.process_update(
            update, self.application.process_update(update)
        )

    async def _publish_menu(self, menu: CommandMenu) -> None:
        for language, commands in menu.by_language.items():
            await self.application.bot.set_my_commands(
                _bot_commands(commands), language_code=language or None
            )
        if self.leader_menus is not None:
            for chat_id, commands in await self.leader_menus.all_chats():
                await self._publish_chat_menu(chat_id, commands)

    async def _publish_chat_menu(self, chat_id: str, commands: Commands) -> None:
        try:
            await self.application.bot.set_my_commands(
                _bot_commands(commands), scope=BotCommandScopeChat(int(chat_id))
            )
        except TelegramError as error:  # e.g. the person blocked the bot: menus can wait
            log.warning("telegram: could not set the menu of chat %s: %s", chat_id, error)

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            try:
                async with self.replies.lanes:  # stop the button's spinner at once
                    await update.callback_query.answer()
            except TelegramError:
                log.warning("telegram: could not answer callback %s", update.callback_query.id)
        inbound = to_inbound(update)
        if inbound is None:
            return
        if inbound.document is not None and update.message is not None:
            inbound = await self._with_content(inbound, update.message.document)
        replies = await self.handle(inbound)
        # After a link attempt the "share my phone" keyboard has done its job: hide it, unless
        # the answer offers it again.
        linking = inbound.contact is not None or inbound.text.startswith("/start")
        await self._reply(inbound.chat_id, replies, hide_contact_keyboard=linking)
        if linking and self.leader_menus is not None:
            commands = await self.leader_menus.for_chat(inbound.chat_id)
            if commands is not None:
                await self._publish_chat_menu(inbound.chat_id, commands)

    async def _with_content(
        self, inbound: InboundMessage, document: Document | None
    ) -> InboundMessage:
        """The message with the document's bytes, when it is small enough to read (a roster);
        without them if it is too big or the download fails (the handler says so)."""
        if document is None or inbound.document is None:
            return inbound
        if document.file_size is not None and document.file_size > MAX_DOCUMENT_BYTES:
            return inbound
        try:
            file = await document.get_file()
            content = bytes(await file.download_as_bytearray())
        except TelegramError as error:
            log.warning("telegram: could not download %s: %s", document.file_id, error)
            return inbound
        return replace(inbound, document=replace(inbound.document, content=content))

    async def _reply(
        self, chat_id: str, replies: Sequence[OutboundMessage], *, hide_contact_keyboard: bool
    ) -> None:
        """Send the replies in order, each tried with patience (bot.channels.replies); after
        one that could not be sent, the rest would not make sense: stop there (logged and
        counted)."""
        hide = hide_contact_keyboard
        for number, reply in enumerate(replies):

            async def attempt(
                sent: Sequence[str], reply: OutboundMessage = reply, hide: bool = hide
            ) -> Outcome:
                return await self.replies.deliver(
                    chat_id, reply, sent_before=sent, urgent=True, hide_contact_keyboard=hide
                )

            outcome = await send_reply(
                attempt, channel=self.name, chat_id=chat_id, patience=self.patience
            )
            hide = hide and not hides_contact_keyboard(reply)
            if not (isinstance(outcome, Delivered) and outcome.complete):
                left = len(replies) - number - 1
                if left:
                    REPLIES.lost += left
                    metrics.REPLIES_FAILED.labels(CHANNEL).inc(left)
                    log.error("telegram: %d later replies to chat %s not sent", left, chat_id)
                return

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # The update holds what a person wrote and who they are: its id only.
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: error while handling update %s", update_id, exc_info=context.error)


def file_url(api_url: str | None) -> str:
    """Where files are downloaded: ".../file/bot" next to the API's ".../bot"."""
    base = (api_url or DEFAULT_API_URL).rstrip("/")
    return base.removesuffix("/bot") + "/file/bot"


def _bot_commands(commands: Commands) -> list[BotCommand]:
    return [BotCommand(name, description[:256]) for name, description in commands]
