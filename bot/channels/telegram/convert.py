"""Telegram <-> neutral messages: updates in, texts split and buttons built out."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.constants import ChatMemberStatus, ChatType, MessageLimit

from bot.core.messages import Attachment, ChatEvent, Choice, InboundMessage, SharedContact
from bot.core.text import split_text

CHANNEL = "telegram"
CALLBACK_DATA_LIMIT = 64  # bytes, UTF-8
TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)


def utf16_length(text: str) -> int:
    """The length as Telegram counts it: UTF-16 code units (an emoji can be two)."""
    return len(text.encode("utf-16-le")) // 2


def telegram_chunks(text: str) -> list[str]:
    """`text` in messages Telegram accepts (at most 4096 UTF-16 units, never blank)."""
    # The docs say "4096 characters" without saying whether an emoji is one or two (UTF-16);
    # no character is more than two units, so halving the limit for such texts fits both.
    limit = TEXT_LIMIT if utf16_length(text) == len(text) else TEXT_LIMIT // 2
    return split_text(text, limit) or ["…"]


# What chibo asks Telegram for; my_chat_member says when a person blocks or unblocks the bot.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
# The bot's own status in a chat after a my_chat_member update: blocked (private chat:
# "kicked") or removed (group: "left", "kicked"); anything else means it can write again.
_GONE = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


def to_inbound(update: Update) -> InboundMessage | None:
    """The neutral message for a private-chat update; None for anything we do not serve
    (group chats, edits, channel posts, service messages)."""
    chat = update.effective_chat
    user = update.effective_user
    if update.my_chat_member is not None and chat is not None:
        status = update.my_chat_member.new_chat_member.status
        return InboundMessage(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(user.id) if user is not None else "",
            message_id=f"member:{update.update_id}",
            event=ChatEvent.BLOCKED if status in _GONE else ChatEvent.UNBLOCKED,
        )
    if chat is None or user is None or chat.type != ChatType.PRIVATE or user.is_bot:
        return None
    if update.callback_query is not None:
        query = update.callback_query
        return InboundMessage(
            channel=CHANNEL,
            chat_id=str(chat.id),
            user_id=str(user.id),
            message_id=f"cb:{query.id}",
            choice=query.data or "",
            display_name=user.full_name,
        )
    message = update.message
    if message is None:
        return None
    photos: tuple[Attachment, ...] = ()
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        photos = (Attachment(file_ref=largest.file_id),)
    document = None
    if message.document is not None:
        document = Attachment(
            file_ref=message.document.file_id,
            file_name=message.document.file_name or "",
            mime_type=message.document.mime_type or "",
        )
    voice = None
    if message.voice is not None:  # a voice note: kept like a photo, replayed with sendVoice
        voice = Attachment(
            message.voice.file_id, mime_type=message.voice.mime_type or "", kind="voice"
        )
    elif message.audio is not None:
        audio = message.audio
        voice = Attachment(
            audio.file_id, audio.file_name or "", audio.mime_type or "", kind="audio"
        )
    contact = None
    if message.contact is not None:
        # Only the contact button sends the sender's own card with their own user id; a
        # forwarded or typed card of somebody else has another user id or none.
        contact = SharedContact(
            phone=message.contact.phone_number,
            is_own=message.contact.user_id == user.id,
        )
    text = message.text or message.caption or ""
    unsupported = not (text or photos or document or contact or voice)
    return InboundMessage(
        channel=CHANNEL,
        chat_id=str(chat.id),
        user_id=str(user.id),
        message_id=str(message.message_id),
        text=text,
        photos=photos,
        document=document,
        contact=contact,
        unsupported=unsupported,
        display_name=user.full_name,
        voice=voice,
    )


# Keyboards are built as the Bot API's JSON (`reply_markup`), not as python-telegram-bot
# objects: they go out as they are, and every reply carries one (issue 13, speed).
Markup = dict[str, Any]


def choice_keyboard(choices: tuple[Choice, ...]) -> Markup:
    """One button a row, so long Vietnamese labels stay readable on a small phone; a choice
    with a `web_app_url` opens it as a Mini App."""
    for choice in choices:
        if len(choice.key.encode("utf-8")) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {choice.key!r}")
    return {
        "inline_keyboard": [
            [
                {"text": choice.label, "web_app": {"url": choice.web_app_url}}
                if choice.web_app_url
                else {"text": choice.label, "callback_data": choice.key}
            ]
            for choice in choices
        ]
    }


def contact_keyboard(label: str) -> Markup:
    """A one-button keyboard that shares the person's own phone number."""
    return {
        "keyboard": [[{"text": label, "request_contact": True}]],
        "resize_keyboard": True,
        "one_time_keyboard": True,
    }


REMOVE_KEYBOARD: Markup = {"remove_keyboard": True}
