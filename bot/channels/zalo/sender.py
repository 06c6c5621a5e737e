"""Replies and queued messages onto Zalo: numbered choices, texts under 2000 characters,
pictures and files by link (Zalo fetches a photo from a URL and takes no files from bots)."""

from __future__ import annotations

from bot.channels.media import MediaShelf
from bot.channels.zalo.client import QUOTA_EXCEEDED, ZaloClient, ZaloError
from bot.channels.zalo.convert import numbered, zalo_chunks
from bot.delivery import Delivered, Outcome, RetryLater, Undeliverable
from bot.i18n import N_, translator
from bot.messages import Attachment, Choice, OutboundMessage
from models import FailureReason

CHOICE_HINT = N_("(Reply with the number of your choice.)")
NO_PICTURE = N_("(This picture cannot be shown on Zalo; you can see it on Telegram.)")
FILE_LINK = N_("Download the file (the link works for 24 hours): {url}")
NO_FILE = N_("(Zalo does not carry files from bots; you can receive this file on Telegram.)")


class ZaloOut:
    """Turns neutral replies into Zalo calls. Pictures and files the bot made go on `media`
    (a public URL) when there is one; without it the person gets the text and a note."""

    def __init__(
        self, client: ZaloClient, language: str = "vi", media: MediaShelf | None = None
    ) -> None:
        self.client = client
        self.media = media
        self.t = translator(language)

    async def deliver(self, chat_id: str, reply: OutboundMessage) -> str:
        """Send one reply; the id of the last message sent. Raises ZaloError."""
        text = numbered(reply.text, reply.choices, self.t.gettext(CHOICE_HINT))
        last = ""
        if reply.photo is not None:
            url = self._url(reply.photo)
            if url is not None:
                last = await self.client.send_photo(chat_id, url)
            else:
                text = f"{text}\n{self.t.gettext(NO_PICTURE)}"
        if reply.document is not None:
            url = self._url(reply.document)
            note = self.t.gettext(FILE_LINK).format(url=url) if url else self.t.gettext(NO_FILE)
            text = f"{text}\n{note}"
        if text.strip() or not last:
            for chunk in zalo_chunks(text):
                last = await self.client.send_message(chat_id, chunk)
        return last

    def _url(self, attachment: Attachment) -> str | None:
        if attachment.file_ref.startswith(("https://", "http://")):
            return attachment.file_ref  # a picture already on the web (a member's Zalo photo)
        if attachment.content is not None and self.media is not None:
            return self.media.put(attachment.content, attachment.file_name, attachment.mime_type)
        return None


class ZaloSender:
    """The delivery worker's view of Zalo."""

    def __init__(self, out: ZaloOut, quota_pause: float = 10.0) -> None:
        self.out = out
        self.quota_pause = quota_pause

    async def send(
        self, chat_id: str, text: str, choices: tuple[Choice, ...], photo: bytes | None = None
    ) -> Outcome:
        """Send one queued message and sort Zalo's answer into delivered / retry / never."""
        picture = Attachment("", "bieu-do.png", "image/png", photo) if photo is not None else None
        try:
            message_id = await self.out.deliver(chat_id, OutboundMessage(text, choices, picture))
        except ZaloError as error:
            return outcome_of(error, self.quota_pause)
        return Delivered(message_id)


def outcome_of(error: ZaloError, quota_pause: float) -> Outcome:
    """What a Zalo error means for a queued message. Zalo publishes no rate limits and no
    retry-after: a 429 pauses all Zalo sends for `quota_pause` seconds."""
    if error.code == QUOTA_EXCEEDED:
        return RetryLater(error=f"429 {error.description}", after=quota_pause)
    if error.code == 0 or error.code >= 500 or error.code in (401, 408):
        # Network trouble, Zalo's own trouble, or our token: not the recipient's fault.
        return RetryLater(error=f"{error.code} {error.description}".strip())
    if error.code == 403:
        return Undeliverable(FailureReason.BLOCKED, error.description)
    if error.code == 404:
        return Undeliverable(FailureReason.NOT_STARTED, error.description)
    return Undeliverable(FailureReason.REJECTED, error.description)
