"""Messages onto Telegram, for replies and the delivery queue alike: long texts in parts cut at
line ends, choices as buttons under the last part, pictures and files uploaded with the text as
their caption when it fits (else the text follows in parts); Telegram's answers sorted into
delivered / retry / never."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.channels.parts import Pacing, Part, PartPolicy, send_parts
from bot.channels.telegram.convert import (
    REMOVE_KEYBOARD,
    Markup,
    choice_keyboard,
    contact_keyboard,
    telegram_chunks,
    utf16_length,
)
from bot.channels.telegram.transport import AiohttpRequest
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.outcome import Outcome, Progress, RetryLater, Undeliverable
from bot.delivery.pacer import Budget, ChannelLimits, Pacer
from models import FailureReason

DEFAULT_API_URL = "https://api.telegram.org/bot"
CAPTION_LIMIT = 1024


def delivery_bot(token: str, api_url: str | None, timeout: float = 10.0) -> Bot:
    """A Bot with its own connection pool, so broadcasts never queue behind chat replies."""
    request = AiohttpRequest(
        connection_pool_size=32,
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        pool_timeout=timeout,
    )
    # It never polls; without a request of its own for getUpdates, PTB would build one on httpx
    # (which refuses to be built at all with a socks proxy in the environment).
    return Bot(
        token,
        base_url=api_url or DEFAULT_API_URL,
        request=request,
        get_updates_request=AiohttpRequest(),
    )


def judge(error: Exception) -> RetryLater | Undeliverable:
    """What a Bot API error means for a message."""
    if isinstance(error, RetryAfter):
        wait = error.retry_after  # a timedelta (PTB_TIMEDELTA), or seconds if unset
        seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
        return RetryLater(error=f"429 retry after {seconds:g}s", after=seconds)
    if isinstance(error, Forbidden):
        return Undeliverable(FailureReason.BLOCKED, error.message)
    if isinstance(error, BadRequest):
        if "chat not found" in error.message.lower():
            return Undeliverable(FailureReason.NOT_STARTED, error.message)
        return Undeliverable(FailureReason.REJECTED, error.message)
    message = error.message if isinstance(error, TelegramError) else str(error)
    return RetryLater(error=f"{type(error).__name__}: {message}")  # 5xx, timeouts, resets


POLICY = PartPolicy(errors=(TelegramError,), judge=judge)


@dataclass(frozen=True)
class _Piece:
    """One Telegram message of an OutboundMessage."""

    method: str  # "photo", "document", "voice", "audio" or "text"
    text: str  # the caption, or the text
    attachment: Attachment | None = None
    markup: Markup | None = None


class TelegramOut:
    """Sends OutboundMessages through one Bot (its own connection pool), every part paced on
    `budget`, the bot token's budget (by default one of its own at Telegram's limits)."""

    def __init__(
        self,
        bot: Bot,
        policy: PartPolicy = POLICY,
        budget: Budget | None = None,
        lanes: int = 32,
    ) -> None:
        self.bot = bot
        self.policy = policy
        self.budget: Budget = budget or Pacer(ChannelLimits())
        # At most as many requests under way as the connection pool has connections: the
        # others wait here, in order, rather than time out waiting for a connection.
        self.lanes = asyncio.Semaphore(lanes)

    async def start(self) -> None:
        """Open the connection pool (and check the token once more)."""
        await self.bot.initialize()

    async def stop(self) -> None:
        """Close the connection pool."""
        await self.bot.shutdown()

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
        urgent: bool = False,
        hide_contact_keyboard: bool = False,
    ) -> Outcome:
        """Send every part of `message` in order, after the `sent_before` ones that already
        went out; `urgent` for a reply to a person (ahead of queued messages on the budget);
        `hide_contact_keyboard` removes the "share my phone" keyboard with the first part that
        carries no other keyboard."""
        pieces = plan(message, hide_contact_keyboard)[len(sent_before) :]
        parts: list[Part] = [partial(self._send, int(chat_id), piece) for piece in pieces]
        return await send_parts(
            parts,
            self.policy,
            sent_before=sent_before,
            pacing=Pacing(self.budget, chat_id, urgent),
            progress=progress,
        )

    async def _send(self, chat_id: int, piece: _Piece) -> str:
        async with self.lanes:
            return await self._request(chat_id, piece)

    async def _request(self, chat_id: int, piece: _Piece) -> str:
        # The request goes through python-telegram-bot's own client (its connection pool,
        # timeouts and errors: RetryAfter, Forbidden, BadRequest...), but Telegram's answer is
        # read for the message id only: no `Message` is built from it (that cost about 0.7 ms
        # of CPU per reply: bench/README.md, issue 13). `_post` rather than the public
        # `do_api_request`, which warns for every method PTB already has.
        endpoint, field = _ENDPOINTS[piece.method]
        data: dict[str, Any] = {"chat_id": chat_id, "reply_markup": piece.markup}
        if piece.attachment is None:
            data[field] = piece.text
        else:
            data[field] = (
                _upload(piece.attachment)
                if piece.method in ("photo", "document")
                else piece.attachment.file_ref
            )
            data["caption"] = piece.text or None
        answer = await self.bot._post(endpoint, data)
        return str(answer["message_id"])


# A piece's method -> the Bot API method and the field that carries its text or file.
_ENDPOINTS = {
    "text": ("sendMessage", "text"),
    "photo": ("sendPhoto", "photo"),
    "document": ("sendDocument", "document"),
    "voice": ("sendVoice", "voice"),
    "audio": ("sendAudio", "audio"),
}


def plan(message: OutboundMessage, hide_contact_keyboard: bool = False) -> list[_Piece]:
    """The Telegram messages `message` becomes, in order."""
    files = [
        (method, attachment)
        for method, attachment in (
            ("photo", message.photo),
            ("document", message.document),
            # a member's voice message or audio file, sent again by its file id and type
            (
                "audio" if message.voice and message.voice.kind == "audio" else "voice",
                message.voice,
            ),
        )
        if attachment is not None
    ]
    text = message.text
    caption = text if files and utf16_length(text) <= CAPTION_LIMIT else ""
    pieces = [_Piece(method, "", attachment) for method, attachment in files]
    if caption:
        pieces[-1] = replace(pieces[-1], text=caption)
    elif text.strip() or not files:
        pieces += [_Piece("text", chunk) for chunk in telegram_chunks(text)]
    if message.choices:
        pieces[-1] = replace(pieces[-1], markup=choice_keyboard(message.choices))
    elif message.request_contact_label:
        pieces[-1] = replace(pieces[-1], markup=contact_keyboard(message.request_contact_label))
    if hide_contact_keyboard:
        for index, piece in enumerate(pieces):
            if piece.method == "text" and piece.markup is None:
                pieces[index] = replace(piece, markup=REMOVE_KEYBOARD)
                break
    return pieces


def hides_contact_keyboard(message: OutboundMessage) -> bool:
    """Whether `message` has a part that can take the keyboard's removal."""
    return any(p.markup is REMOVE_KEYBOARD for p in plan(message, True))


def _upload(attachment: Attachment) -> Any:
    """A file chibo made is uploaded; a file Telegram already has is sent by its id."""
    if attachment.content is not None:
        return InputFile(io.BytesIO(attachment.content), filename=attachment.file_name)
    return attachment.file_ref
