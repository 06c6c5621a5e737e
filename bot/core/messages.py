"""Channel-neutral message types: every adapter turns native updates into these and back."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Choice:
    """One option offered to the person; `key` is what comes back when it is chosen."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()  # other words that pick it, folded ("co", "ok", "dong y")


@dataclass(frozen=True)
class Attachment:
    """A file that came with or goes with a message: a platform file reference and its name."""

    file_ref: str
    file_name: str = ""
    mime_type: str = ""
    content: bytes | None = None  # a file the bot made itself (an export), sent as an upload
    kind: str = ""  # for sound: "voice" (a voice message) or "audio" (an audio file)


@dataclass(frozen=True)
class SharedContact:
    """A phone number shared with the bot; `is_own` only when it is the sender's own number
    (Telegram's contact button), never for a forwarded card of somebody else."""

    phone: str
    is_own: bool


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
