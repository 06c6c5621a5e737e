"""Channel-neutral message types: every adapter turns native updates into these and back."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.text import valid_text

if TYPE_CHECKING:
    from bot.core.i18n import Translator


def _storable(message: object) -> None:
    """Drop from every text field of a frozen message what no database or messenger takes
    (`valid_text`): whatever an adapter was given, the message it builds is safe to store."""
    for item in fields(message):  # type: ignore[arg-type]
        value = getattr(message, item.name)
        if type(value) is str:  # texts only: an enum (a ChatEvent) stays what it is
            object.__setattr__(message, item.name, valid_text(value))


@dataclass(frozen=True)
class Choice:
    """One option offered to the person; `key` is what comes back when it is chosen."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()  # other words that pick it, folded ("co", "ok", "dong y")
    # An https page the choice opens inside the messenger (a Telegram Mini App button);
    # channels without such buttons offer it as an ordinary choice, answered with `key`.
    web_app_url: str = ""


@dataclass(frozen=True)
class Sheet:
    """A table read from a file a person sent (a roster): its name and rows of cell texts."""

    name: str
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Unreadable:
    """Why a file could not be read: a msgid marked with N_() and its parameters."""

    message: str
    params: tuple[tuple[str, str | int], ...] = ()

    def render(self, t: Translator) -> str:
        """The reason in the reader's language."""
        return t.gettext(self.message).format(**dict(self.params))


@dataclass(frozen=True)
class Attachment:
    """A file that came with or goes with a message: a platform file reference and its name."""

    file_ref: str
    file_name: str = ""
    mime_type: str = ""
    content: bytes | None = None  # a file the bot made itself (an export), sent as an upload
    kind: str = ""  # for sound: "voice" (a voice message) or "audio" (an audio file)
    # A table file a person sent, read (outside any transaction) before it is handled: its
    # sheets, or why it could not be read.
    sheets: tuple[Sheet, ...] | None = None
    unreadable: Unreadable | None = None

    def __post_init__(self) -> None:
        _storable(self)


@dataclass(frozen=True)
class SharedContact:
    """A phone number shared with the bot; `is_own` only when it is the sender's own number
    (Telegram's contact button), never for a forwarded card of somebody else."""

    phone: str
    is_own: bool

    def __post_init__(self) -> None:
        _storable(self)


class ChatEvent(StrEnum):
    """Something that happened to a chat rather than a message in it."""

    BLOCKED = "blocked"  # the person blocked the bot (or removed it from a group)
    UNBLOCKED = "unblocked"  # the person unblocked (restarted) the bot


@dataclass(frozen=True)
class InboundMessage:
    """Something a person sent: text, a chosen option, photos or a document.

    `message_id` is unique within the chat on its channel; a redelivered message keeps it.
    """

    channel: str
    chat_id: str
    message_id: str
    user_id: str = ""
    text: str = ""
    choice: str | None = None
    photos: tuple[Attachment, ...] = ()
    document: Attachment | None = None
    contact: SharedContact | None = None
    unsupported: bool = False  # a sticker, location...: content we cannot use
    display_name: str = ""
    voice: Attachment | None = None  # a voice note or audio file (kind "voice" / "audio")
    event: ChatEvent | None = None  # not a message: the chat was blocked or unblocked

    def __post_init__(self) -> None:
        _storable(self)

    @property
    def kinds(self) -> str:
        """What the message holds, for the log (never its content): "text:12", "choice",
        "photos:2", "voice", "document", "contact", "unsupported"."""
        parts = [f"text:{len(self.text)}"] if self.text else []
        parts += ["choice"] if self.choice is not None else []
        parts += [f"photos:{len(self.photos)}"] if self.photos else []
        parts += ["voice"] if self.voice is not None else []
        parts += ["document"] if self.document is not None else []
        parts += ["contact"] if self.contact is not None else []
        parts += ["unsupported"] if self.unsupported else []
        return ",".join(parts) or "empty"

    @property
    def source_key(self) -> str:
        """A key naming this message across channels, for idempotent storage."""
        return f"{self.channel}:{self.chat_id}:{self.message_id}"


@dataclass(frozen=True)
class OutboundMessage:
    """Something the bot says: text with optional choices, a photo or a document."""

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    photo: Attachment | None = None
    document: Attachment | None = None
    # The label of a "share my phone number" button, on channels that have one.
    request_contact_label: str = ""
    voice: Attachment | None = None  # a member's voice note, played back (kind as received)
