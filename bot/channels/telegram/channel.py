"""The Telegram channel on python-telegram-bot: polling or webhook, one neutral handler."""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from telegram import BotCommand, BotCommandScopeChat, Document, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.telegram.convert import (
    CHANNEL,
    REMOVE_KEYBOARD,
    choice_keyboard,
    contact_keyboard,
    telegram_chunks,
    to_inbound,
)
from bot.channels.telegram.ordering import PerChatUpdateProcessor
from bot.core.messages import InboundMessage, OutboundMessage

log = logging.getLogger(__name__)

Handle = Callable[[InboundMessage], Awaitable[list[OutboundMessage]]]
DEFAULT_API_URL = "https://api.telegram.org/bot"
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # documents read for the handlers (roster files)
CAPTION_LIMIT = 1024
# httpcore looks through every pooled connection for each request, so a bigger pool costs
# more per request; 16 keeps replies flowing without that cost growing.
CONNECTION_POOL_SIZE = 16


Commands = Sequence[tuple[str, str]]  # (command, description)


@dataclass(frozen=True)
class CommandMenu:
    """The commands shown in Telegram's menu, per language code ("" = everyone else)."""

    by_language: dict[str, Commands]


class LeaderMenus(Protocol):
    """Where the channel learns which chats get the longer menu of secretaries and committees."""

    async def all_chats(self) -> list[tuple[str, Commands]]:
        """Every leader's chat with its menu."""

    async def for_chat(self, chat_id: str) -> Commands | None:
        """The menu for this chat if it is a leader's, else None."""


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
    ) -> None:
        self.handle = handle
        self.webhook = webhook
        self.menu = menu
        self.leader_menus = leader_menus
        self.poll_timeout = poll_timeout
        builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(token)
            .base_url(api_url or DEFAULT_API_URL)
            .base_file_url(file_url(api_url))
            .concurrent_updates(PerChatUpdateProcessor())
            .connection_pool_size(CONNECTION_POOL_SIZE)
        )
        if webhook is not None:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)

    async def start(self) -> None:
        """Check the token (getMe), publish the menu, and start receiving updates."""
        await self.application.initialize()
        if self.menu is not None:
            await self._publish_menu(self.menu)
        await self.application.start()
        if self.webhook is not None:
            await self.application.bot.set_webhook(
                url=self.webhook.url,
                secret_token=self.webhook.secret,
                allowed_updates=["message", "callback_query"],
            )
        else:
            assert self.application.updater is not None
            await self.application.updater.start_polling(
                timeout=self.poll_timeout,
                allowed_updates=["message", "callback_query"],
            )
        log.info("telegram: started as @%s", self.application.bot.username)

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, close connections."""
        if self.application.updater is not None and self.application.updater.running:
            await self.application.updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def feed(self, payload: dict[str, Any]) -> None:
        """Queue an update that arrived by webhook."""
        update = Update.de_json(payload, self.application.bot)
        await self.application.update_queue.put(update)

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
                await update.callback_query.answer()  # stop the button's spinner at once
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
        await self.send(int(inbound.chat_id), replies, hide_contact_keyboard=linking)
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

    async def send(
        self,
        chat_id: int,
        replies: Sequence[OutboundMessage],
        *,
        hide_contact_keyboard: bool = False,
    ) -> None:
        """Send replies in order: long texts split on line ends, choices as buttons."""
        bot = self.application.bot
        for reply in replies:
            if reply.photo is not None:
                picture: Any = (
                    InputFile(io.BytesIO(reply.photo.content), filename=reply.photo.file_name)
                    if reply.photo.content is not None
                    else reply.photo.file_ref
                )
                await bot.send_photo(chat_id, picture, caption=reply.text[:CAPTION_LIMIT] or None)
                continue
            if reply.voice is not None:  # a member's voice note, replayed by its file id
                play = bot.send_audio if reply.voice.kind == "audio" else bot.send_voice
                await play(chat_id, reply.voice.file_ref, caption=reply.text[:CAPTION_LIMIT])
                continue
            if reply.document is not None:
                document = reply.document
                upload: Any = (
                    InputFile(io.BytesIO(document.content), filename=document.file_name)
                    if document.content is not None
                    else document.file_ref
                )
                await bot.send_document(
                    chat_id,
                    upload,
                    filename=reply.document.file_name or None,
                    caption=reply.text[:CAPTION_LIMIT] or None,
                )
                continue
            chunks = telegram_chunks(reply.text)
            for index, chunk in enumerate(chunks):
                last = index == len(chunks) - 1
                markup: Any = None
                if last and reply.choices:
                    markup = choice_keyboard(reply.choices)
                elif last and reply.request_contact_label:
                    markup = contact_keyboard(reply.request_contact_label)
                elif hide_contact_keyboard:
                    markup = REMOVE_KEYBOARD
                    hide_contact_keyboard = False
                await bot.send_message(chat_id, chunk, reply_markup=markup)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling %r", update, exc_info=context.error)


def file_url(api_url: str | None) -> str:
    """Where files are downloaded: ".../file/bot" next to the API's ".../bot"."""
    base = (api_url or DEFAULT_API_URL).rstrip("/")
    return base.removesuffix("/bot") + "/file/bot"


def _bot_commands(commands: Commands) -> list[BotCommand]:
    return [BotCommand(name, description[:256]) for name, description in commands]
