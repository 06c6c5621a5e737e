"""Zalo updates -> neutral messages, and neutral replies -> the texts Zalo can show.

Zalo has no buttons: choices become a numbered list, answered by number or by label (the
router resolves both, with or without tone marks)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from bot.core.messages import Attachment, Choice, InboundMessage
from bot.core.text import split_text

CHANNEL = "zalo"
TEXT_LIMIT = 2000
TEXT_EVENT = "message.text.received"
IMAGE_EVENT = "message.image.received"


def unwrap(payload: dict[str, Any]) -> dict[str, Any]:
    """The update itself, whether it came flat or wrapped in {"ok": true, "result": {...}}."""
    result = payload.get("result")
    if "event_name" not in payload and isinstance(result, dict):
        return result
    return payload


def to_inbound(update: dict[str, Any]) -> InboundMessage | None:
    """The neutral message for an update from a person in a private chat; None for what we
    cannot answer (no message or chat, group chats, other bots)."""
    message = _object(update.get("message"))
    if not message:
        return None
    chat, sender = _object(message.get("chat")), _object(message.get("from"))
    chat_id = str(chat.get("id") or sender.get("id") or "")
    if not chat_id or sender.get("is_bot") or chat.get("chat_type", "PRIVATE") != "PRIVATE":
        return None
    event = str(update.get("event_name") or "")
    text = _text(message.get("text"))
    photos: tuple[Attachment, ...] = ()
    photo = message.get("photo") or message.get("photo_url")  # both are seen
    # The docs' own getUpdates sample of a picture has no event_name: a message with a
    # picture is one, whatever its event says (or does not).
    if event == IMAGE_EVENT or (not event and isinstance(photo, str) and photo):
        event = IMAGE_EVENT
        if isinstance(photo, str) and photo:
            photos = (Attachment(file_ref=photo, mime_type="image/jpeg"),)
        text = _text(message.get("caption")) or text
    # A sticker, voice note or withheld content: nothing we can read, but it deserves an answer.
    unsupported = not (text or photos) or event not in (TEXT_EVENT, IMAGE_EVENT, "")
    # Without an id, the content itself names the message: a repeat is still recognised and
    # two different messages are still two.
    message_id = (
        message.get("message_id")
        or "h:"
        + hashlib.sha256(json.dumps(update, sort_keys=True, default=str).encode()).hexdigest()[:40]
    )
    return InboundMessage(
        channel=CHANNEL,
        chat_id=chat_id,
        user_id=str(sender.get("id") or chat_id),
        message_id=str(message_id),
        text=text if not unsupported else "",
        photos=photos if not unsupported else (),
        unsupported=unsupported,
        display_name=str(sender.get("display_name") or sender.get("first_name") or ""),
    )


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def numbered(text: str, choices: tuple[Choice, ...], hint: str = "") -> str:
    """`text` followed by its choices as "1. label" lines and, if given, a hint line."""
    if not choices:
        return text
    lines = [text, *(f"{number}. {choice.label}" for number, choice in enumerate(choices, 1))]
    if hint:
        lines.append(hint)
    return "\n".join(lines)


def zalo_chunks(text: str) -> list[str]:
    """`text` in messages Zalo accepts: 1-2000 characters each, cut at line ends."""
    return split_text(text, TEXT_LIMIT) or ["…"]
