"""Replies and queued messages onto Zalo, both through `ZaloOut.deliver`: numbered choices,
texts under 2000 characters, pictures and files by link (Zalo fetches a photo from a URL and
takes no files from bots)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from bot.channels.parts import Pacing, Part, PartPolicy, send_parts
from bot.channels.zalo.client import (
    BAD_REQUEST,
    NOT_FOUND,
    QUOTA_EXCEEDED,
    ZaloClient,
    ZaloError,
)
from bot.channels.zalo.convert import numbered, zalo_chunks
from bot.core.i18n import N_, translator
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.outcome import Outcome, Progress, RetryLater, Undeliverable
from bot.delivery.pacer import Budget, ChannelLimits, Pacer
from bot.web.media import MediaShelf
from models import FailureReason

log = logging.getLogger(__name__)

CHOICE_HINT = N_("(Reply with the number of your choice.)")
NO_PICTURE = N_("(The picture could not be sent on Zalo.)")
FILE_LINK = N_("Download the file (the link is temporary): {url}")
NO_FILE = N_("(The file could not be sent on Zalo; you can receive it on Telegram.)")
# The id recorded for a picture Zalo could not show: the text that follows says so.
NOT_SHOWN = ""
ZALO_LIMITS = ChannelLimits(per_second=5, group_per_minute=300)
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
        budget: Budget | None = None,
    ) -> None:
        self.client = client
        self.media = media
        self.quota_pause = quota_pause
        self.budget: Budget = budget or Pacer(ZALO_LIMITS)
        self.t = translator(language)
        self.policy = PartPolicy(errors=(ZaloError,), judge=self._judge)

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
        urgent: bool = False,
    ) -> Outcome:
        """Send `message` as one or more Zalo messages, in order, after the `sent_before`
        ones (see bot.channels.parts). A picture comes first; one Zalo refuses for good is
        recorded as a part not shown (NOT_SHOWN) and the text says so."""
        pacing = Pacing(self.budget, chat_id, urgent)
        text = numbered(message.text, message.choices, self.t.gettext(CHOICE_HINT))
        sent = list(sent_before)
        photo_now = message.photo is not None and not sent
        if message.photo is not None:
            if not sent:
                shown = await self._photo(chat_id, message.photo, pacing, progress)
                if not isinstance(shown, str):
                    return shown
                sent = [shown]
            if sent[0] == NOT_SHOWN:
                text = f"{text}\n{self.t.gettext(NO_PICTURE)}"
        if message.voice is not None:  # Zalo bots cannot send sound
            text = f"{text}\n{self.t.gettext(NO_VOICE)}"
        if message.document is not None:
            url = self._url(message.document)
            note = self.t.gettext(FILE_LINK).format(url=url) if url else self.t.gettext(NO_FILE)
            text = f"{text}\n{note}"
        texts = zalo_chunks(text) if text.strip() or not sent else []
        done = len(sent) - (1 if message.photo is not None else 0)
        parts: list[Part] = [
            partial(self.client.send_message, chat_id, chunk) for chunk in texts[done:]
        ]
        if photo_now and parts and progress is not None:
            await progress.sent(sent, len(sent) + len(parts))
        return await send_parts(
            parts, self.policy, sent_before=sent, pacing=pacing, progress=progress
        )

    async def _photo(
        self, chat_id: str, photo: Attachment, pacing: Pacing, progress: Progress | None
    ) -> str | Outcome:
        """The picture's message id, NOT_SHOWN if Zalo cannot show it, or the outcome of a
        passing failure (nothing is out yet: the whole message waits)."""
        url = self._url(photo)
        if not url:
            return NOT_SHOWN
        await pacing.budget.wait_turn(chat_id, urgent=pacing.urgent)
        if progress is not None:
            await progress.ready()
        try:
            return await self.client.send_photo(chat_id, url)
        except ZaloError as error:
            outcome = outcome_of(error, self.quota_pause)
            if isinstance(outcome, RetryLater):
                if outcome.after:
                    pacing.budget.pause(outcome.after)
                return outcome
            log.warning("zalo: picture to %s refused (%s); sending the text", chat_id, error)
            return NOT_SHOWN

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
    """Whether trying again later may work. Zalo documents 403 as "Internal server error"
    (not as a block, see docs/platforms.md), so it is passing like a 5xx; so are the quota,
    the network, a long poll ending, our own token (the operator fixes it) and any code the
    docs do not list."""
    return error.code not in FINAL_CODES


# The codes Zalo documents as a refusal of this very call: bad request, not found.
FINAL_CODES = (BAD_REQUEST, NOT_FOUND)


def outcome_of(error: ZaloError, quota_pause: float) -> RetryLater | Undeliverable:
    """What a Zalo error means for a queued message. Zalo publishes no rate limits and no
    retry-after: a 429 pauses all Zalo sends for `quota_pause` seconds. What a person who
    blocked the bot returns is undocumented: never guessed as "blocked"; an error that keeps
    coming ends as "gave up" after the last attempt, like any outage."""
    if error.code == QUOTA_EXCEEDED:
        return RetryLater(error=f"429 {error.description}", after=quota_pause)
    if transient(error):  # not the recipient's fault, as far as the docs tell
        return RetryLater(error=f"{error.code} {error.description}".strip())
    if error.code == NOT_FOUND:  # the chat (or the person) is unknown to the bot
        return Undeliverable(FailureReason.NOT_STARTED, error.description)
    return Undeliverable(FailureReason.REJECTED, error.description)
