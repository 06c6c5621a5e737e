"""Replies and queued messages onto Zalo: numbered choices, texts under 2000 characters,
pictures and files by link (Zalo fetches a photo from a URL and takes no files from bots)."""

from __future__ import annotations

import asyncio
import logging

from bot.channels.zalo.client import QUOTA_EXCEEDED, ZaloClient, ZaloError
from bot.channels.zalo.convert import numbered, zalo_chunks
from bot.core.i18n import N_, translator
from bot.core.messages import Attachment, Choice, OutboundMessage
from bot.delivery.worker import Delivered, Outcome, RetryLater, Undeliverable
from bot.web.media import MediaShelf
from models import FailureReason

log = logging.getLogger(__name__)

CHOICE_HINT = N_("(Reply with the number of your choice.)")
NO_PICTURE = N_("(The picture could not be sent on Zalo.)")
FILE_LINK = N_("Download the file (the link is temporary): {url}")
NO_FILE = N_("(The file could not be sent on Zalo; you can receive it on Telegram.)")
NO_VOICE = N_("(Voice notes cannot be played on Zalo; you can listen to it on Telegram.)")


class ZaloOut:
    """Turns neutral replies into Zalo calls. Pictures and files the bot made go on `media`
    (a public URL) when there is one; without it the person gets the text and a note."""

    def __init__(
        self,
        client: ZaloClient,
        language: str = "vi",
        media: MediaShelf | None = None,
        quota_pause: float = 10.0,
    ) -> None:
        self.client = client
        self.media = media
        self.quota_pause = quota_pause
        self.t = translator(language)

    async def deliver(self, chat_id: str, reply: OutboundMessage) -> str:
        """Send one reply as one or more Zalo messages; the id of the first.

        Raises ZaloError only while nothing has been sent, so retrying the whole reply never
        repeats a part the person already has: once a part is out, each later part is retried
        in place on a 429 or a passing error, and given up (logged) if it still fails."""
        text = numbered(reply.text, reply.choices, self.t.gettext(CHOICE_HINT))
        first = ""
        if reply.photo is not None:
            url = self._url(reply.photo)
            try:
                first = await self.client.send_photo(chat_id, url) if url else ""
            except ZaloError as error:
                if transient(error):
                    raise
                log.warning("zalo: picture to %s refused (%s); sending the text", chat_id, error)
            if not first:
                text = f"{text}\n{self.t.gettext(NO_PICTURE)}"
        if reply.voice is not None:  # Zalo bots cannot send sound
            text = f"{text}\n{self.t.gettext(NO_VOICE)}"
        if reply.document is not None:
            url = self._url(reply.document)
            note = self.t.gettext(FILE_LINK).format(url=url) if url else self.t.gettext(NO_FILE)
            text = f"{text}\n{note}"
        if first and not text.strip():
            return first
        for chunk in zalo_chunks(text):
            if not first:
                first = await self.client.send_message(chat_id, chunk)
                continue
            try:
                await self._send_again_if_passing(chat_id, chunk)
            except ZaloError as error:
                log.warning("zalo: the rest of a message to %s was not sent: %s", chat_id, error)
                break
        return first

    async def _send_again_if_passing(self, chat_id: str, chunk: str, tries: int = 3) -> None:
        for attempt in range(1, tries + 1):
            try:
                await self.client.send_message(chat_id, chunk)
                return
            except ZaloError as error:
                if not transient(error) or attempt == tries:
                    raise
                await asyncio.sleep(self.quota_pause if error.code == QUOTA_EXCEEDED else 1.0)

    def _url(self, attachment: Attachment) -> str | None:
        if attachment.file_ref.startswith(("https://", "http://")):
            return attachment.file_ref  # a picture already on the web (a member's Zalo photo)
        if attachment.content is not None and self.media is not None:
            return self.media.put(attachment.content, attachment.file_name, attachment.mime_type)
        return None


class ZaloSender:
    """The delivery worker's view of Zalo."""

    def __init__(self, out: ZaloOut) -> None:
        self.out = out

    async def send(
        self, chat_id: str, text: str, choices: tuple[Choice, ...], photo: bytes | None = None
    ) -> Outcome:
        """Send one queued message and sort Zalo's answer into delivered / retry / never."""
        picture = Attachment("", "bieu-do.png", "image/png", photo) if photo is not None else None
        try:
            message_id = await self.out.deliver(chat_id, OutboundMessage(text, choices, picture))
        except ZaloError as error:
            return outcome_of(error, self.out.quota_pause)
        return Delivered(message_id)


def transient(error: ZaloError) -> bool:
    """Whether trying again later may work: quota, network, Zalo's own trouble, our token."""
    return error.code in (0, QUOTA_EXCEEDED, 401, 408) or error.code >= 500


def outcome_of(error: ZaloError, quota_pause: float) -> Outcome:
    """What a Zalo error means for a queued message. Zalo publishes no rate limits and no
    retry-after: a 429 pauses all Zalo sends for `quota_pause` seconds."""
    if error.code == QUOTA_EXCEEDED:
        return RetryLater(error=f"429 {error.description}", after=quota_pause)
    if transient(error):  # not the recipient's fault
        return RetryLater(error=f"{error.code} {error.description}".strip())
    if error.code == 403:
        return Undeliverable(FailureReason.BLOCKED, error.description)
    if error.code == 404:
        return Undeliverable(FailureReason.NOT_STARTED, error.description)
    return Undeliverable(FailureReason.REJECTED, error.description)
