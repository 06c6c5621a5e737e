"""Replies and queued messages onto Zalo, both through `ZaloOut.deliver`: numbered choices,
texts under 2000 characters, pictures and files by link (Zalo fetches a photo from a URL and
takes no files from bots)."""

from __future__ import annotations

import logging
from functools import partial

from bot.channels.parts import Part, PartPolicy, send_parts
from bot.channels.zalo.client import QUOTA_EXCEEDED, ZaloClient, ZaloError
from bot.channels.zalo.convert import numbered, zalo_chunks
from bot.core.i18n import N_, translator
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.worker import Outcome, RetryLater, Undeliverable
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
        self.policy = PartPolicy(errors=(ZaloError,), judge=self._judge)

    async def deliver(self, chat_id: str, message: OutboundMessage) -> Outcome:
        """Send `message` as one or more Zalo messages, in order (see bot.channels.parts: a
        failure before anything is out is the whole message's; later parts are retried in
        place). A picture Zalo refuses for good leaves a note in the text instead."""
        text = numbered(message.text, message.choices, self.t.gettext(CHOICE_HINT))
        sent: list[str] = []
        if message.photo is not None:
            url = self._url(message.photo)
            try:
                sent = [await self.client.send_photo(chat_id, url)] if url else []
            except ZaloError as error:
                if transient(error):
                    return outcome_of(error, self.quota_pause)
                log.warning("zalo: picture to %s refused (%s); sending the text", chat_id, error)
            if not sent:
                text = f"{text}\n{self.t.gettext(NO_PICTURE)}"
        if message.voice is not None:  # Zalo bots cannot send sound
            text = f"{text}\n{self.t.gettext(NO_VOICE)}"
        if message.document is not None:
            url = self._url(message.document)
            note = self.t.gettext(FILE_LINK).format(url=url) if url else self.t.gettext(NO_FILE)
            text = f"{text}\n{note}"
        texts = zalo_chunks(text) if text.strip() or not sent else []
        parts: list[Part] = [partial(self.client.send_message, chat_id, chunk) for chunk in texts]
        return await send_parts(parts, self.policy, sent_before=sent)

    def _judge(self, error: Exception) -> RetryLater | Undeliverable:
        assert isinstance(error, ZaloError)  # the policy lets only these through
        return outcome_of(error, self.quota_pause)

    def _url(self, attachment: Attachment) -> str | None:
        if attachment.file_ref.startswith(("https://", "http://")):
            return attachment.file_ref  # a picture already on the web (a member's Zalo photo)
        if attachment.content is not None and self.media is not None:
            return self.media.put(attachment.content, attachment.file_name, attachment.mime_type)
        return None


def transient(error: ZaloError) -> bool:
    """Whether trying again later may work: quota, network, Zalo's own trouble, our token."""
    return error.code in (0, QUOTA_EXCEEDED, 401, 408) or error.code >= 500


def outcome_of(error: ZaloError, quota_pause: float) -> RetryLater | Undeliverable:
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
