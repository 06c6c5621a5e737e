"""Sends outbox messages on Telegram and sorts the answers into delivered / retry / never."""

from __future__ import annotations

import datetime as dt
import io

from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.channels.telegram.convert import choice_keyboard, telegram_chunks
from bot.core.messages import Choice
from bot.delivery.worker import Delivered, Outcome, RetryLater, Undeliverable
from models import FailureReason


def delivery_bot(token: str, api_url: str | None, timeout: float = 10.0) -> Bot:
    """A Bot with its own connection pool, so broadcasts never queue behind chat replies."""
    request = HTTPXRequest(
        connection_pool_size=32,
        read_timeout=timeout,
        write_timeout=timeout,
        connect_timeout=timeout,
        pool_timeout=timeout,
    )
    return Bot(token, base_url=api_url or "https://api.telegram.org/bot", request=request)


class TelegramSender:
    """The delivery worker's view of Telegram."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def start(self) -> None:
        """Open the connection pool (and check the token once more)."""
        await self.bot.initialize()

    async def stop(self) -> None:
        """Close the connection pool."""
        await self.bot.shutdown()

    async def send(
        self, chat_id: str, text: str, choices: tuple[Choice, ...], photo: bytes | None = None
    ) -> Outcome:
        """Send one proactive message: a photo with a caption of at most 1024 characters, or a
        text of at most 4096 (queued texts are kept shorter than that)."""
        chunks = telegram_chunks(text)
        markup = choice_keyboard(choices) if choices else None
        try:
            if photo is not None:
                message = await self.bot.send_photo(
                    int(chat_id),
                    InputFile(io.BytesIO(photo), filename="bieu-do.png"),
                    caption=text[:1024] or None,
                    reply_markup=markup,
                )
            else:
                message = await self.bot.send_message(int(chat_id), chunks[0], reply_markup=markup)
        except RetryAfter as error:
            wait = error.retry_after  # a timedelta (PTB_TIMEDELTA), or seconds if unset
            seconds = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
            return RetryLater(error=f"429 retry after {seconds:g}s", after=seconds)
        except Forbidden as error:
            return Undeliverable(FailureReason.BLOCKED, error.message)
        except BadRequest as error:
            if "chat not found" in error.message.lower():
                return Undeliverable(FailureReason.NOT_STARTED, error.message)
            return Undeliverable(FailureReason.REJECTED, error.message)
        except (NetworkError, TelegramError) as error:  # 5xx, timeouts, connection resets
            return RetryLater(error=f"{type(error).__name__}: {error.message}")
        return Delivered(str(message.message_id))
