"""A Bot that skips an update it cannot read instead of wedging polling.

python-telegram-bot parses a getUpdates answer as a whole: one update it cannot parse (a poll
from an older self-hosted Bot API server, a field of the wrong type) fails the whole batch,
logs every update's content at CRITICAL and polls the same offset again, forever, answering no
one. Here such an update is logged once, by id only, and replaced by an empty `Update` with
its id, so the offset moves past it and the others are handled."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot

log = logging.getLogger(__name__)
GET_UPDATES = "getUpdates"


class _HideUnreadable(logging.Filter):
    """PTB's own log of a batch it could not parse holds every update's content (names,
    phone numbers): it never reaches chibo's logs; `TolerantBot` logs the ids instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Error while parsing updates")


logging.getLogger("telegram.Bot").addFilter(_HideUnreadable())
logging.getLogger("telegram.ext.ExtBot").addFilter(_HideUnreadable())


class TolerantBot(ExtBot[None]):
    """An ExtBot whose `get_updates` never fails on the content of an update."""

    _raw_updates: list[Any] | None = None

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == GET_UPDATES:
            self._raw_updates = result if isinstance(result, list) else None
        return result

    async def get_updates(self, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        """The updates, parsed together as PTB does (one parse on the usual path); when that
        fails, one by one, each that cannot be read skipped."""
        self._raw_updates = None
        try:
            return await super().get_updates(*args, **kwargs)
        except TelegramError:
            raise
        except Exception:
            raw, self._raw_updates = self._raw_updates, None
            if raw is None:
                raise
            return tuple(update for item in raw if (update := self._read(item)) is not None)

    def _read(self, item: Any) -> Update | None:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        try:
            return Update.de_json(item, self)
        except Exception as error:  # whatever the content: skipped, by id only
            if not isinstance(update_id, int):
                log.warning("telegram: skipped an update without an id (%s)", _kind(error))
                return None
            log.warning(
                "telegram: skipped update %s, which cannot be read (%s)", update_id, _kind(error)
            )
            # An empty update with its id: the poller confirms it, no handler answers it.
            return Update(update_id=update_id)


def _kind(error: Exception) -> str:
    return type(error).__name__
