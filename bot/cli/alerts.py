"""Errors in chibo's log also go to an operator's chat (OPERATOR_CHAT_ID), rate-limited: the
first at once, then at most one message per ALERT_INTERVAL, which counts the errors held back.

Sent straight through the channel's `deliver`, not the outbox: an alert must get out when the
database is what failed. The text holds the log line (ids only, like every log line of
chibo's) and the exception's type, never its message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime

from bot.channels.base import Channel
from bot.core.config import Settings
from bot.core.i18n import Translator, translator
from bot.core.logs import Redacting
from bot.core.messages import OutboundMessage
from bot.delivery.worker import Delivered, Outcome

log = logging.getLogger(__name__)

ALERT_INTERVAL = 300.0  # seconds
SEND_TIMEOUT = 30.0
MAX_LINE = 600
_SENDING: ContextVar[bool] = ContextVar("chibo_sending_alert", default=False)


class OperatorAlerts(logging.Handler):
    """A logging handler (ERROR and above) that tells the operator's chat."""

    def __init__(
        self,
        deliver: Callable[[str, OutboundMessage], Awaitable[Outcome]],
        chat_id: str,
        t: Translator,
        *,
        interval: float = ALERT_INTERVAL,
    ) -> None:
        super().__init__(level=logging.ERROR)
        self.deliver = deliver
        self.chat_id = chat_id
        self.t = t
        self.interval = interval
        self.host = socket.gethostname()
        self.loop = asyncio.get_running_loop()
        self._last_sent = float("-inf")
        self._held_back = 0
        self._latest = ""
        self._flush: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def emit(self, record: logging.LogRecord) -> None:
        if _SENDING.get() or record.name == __name__:
            return  # an alert that failed must not raise another one
        line = self._line(record)
        self.loop.call_soon_threadsafe(self._arrived, line)

    def _line(self, record: logging.LogRecord) -> str:
        line = f"{record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" ({record.exc_info[0].__name__})"
        return line[:MAX_LINE]

    def _arrived(self, line: str) -> None:
        now = time.monotonic()
        if now - self._last_sent >= self.interval:
            self._send(line, self._held_back)
            self._held_back = 0
            return
        self._held_back += 1
        self._latest = line
        if self._flush is None:
            self._flush = self.loop.call_later(
                self._last_sent + self.interval - now, self._send_held_back
            )

    def _send_held_back(self) -> None:
        """The interval is over: the latest error held back, and how many came before it."""
        self._flush = None
        if self._held_back:
            self._send(self._latest, self._held_back - 1)
            self._held_back = 0

    def _send(self, line: str, more: int) -> None:
        self._last_sent = time.monotonic()
        at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        text = self.t.gettext("chibo error on {host} at {at}:").format(host=self.host, at=at)
        text += "\n" + line
        if more:
            text += "\n" + self.t.gettext(
                "(and {count} more errors since the last alert: see the log)"
            ).format(count=more)
        task = self.loop.create_task(self._send_now(text))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_now(self, text: str) -> None:
        _SENDING.set(True)
        try:
            sending = self.deliver(self.chat_id, OutboundMessage(text))
            outcome = await asyncio.wait_for(sending, SEND_TIMEOUT)
        except Exception as error:  # a failed alert is logged, never raised
            log.warning("operator alert not sent: %s", type(error).__name__)
            return
        if not isinstance(outcome, Delivered):
            log.warning("operator alert not sent: %s", outcome)

    async def aclose(self) -> None:
        """Stop: cancel the pending summary, let alerts under way finish (briefly)."""
        if self._flush is not None:
            self._flush.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5)
        self.close()


def operator_alerts(settings: Settings, channels: Sequence[Channel]) -> OperatorAlerts | None:
    """The alert handler for OPERATOR_CHAT_ID (`telegram:ID`, `zalo:ID`, or a bare id on the
    first channel served, Telegram first), or None when unset or not served here."""
    if not settings.operator_chat_id:
        return None
    channel, _, chat_id = settings.operator_chat_id.rpartition(":")
    senders = {channel.name: channel for channel in channels}
    if not channel:
        channel = "telegram" if "telegram" in senders else next(iter(senders), "")
    if channel not in senders:
        log.warning("OPERATOR_CHAT_ID is on %s, which this chibo does not serve", channel)
        return None
    alerts = OperatorAlerts(senders[channel].deliver, chat_id, translator(settings.language))
    # What goes to a chat is redacted like the log itself (no token, secret or phone).
    alerts.addFilter(Redacting(settings.secrets()))
    return alerts


async def stop_alerts(handler: OperatorAlerts) -> None:
    """Detach the handler from the root logger and close it."""
    logging.getLogger().removeHandler(handler)
    with contextlib.suppress(Exception):
        await handler.aclose()
