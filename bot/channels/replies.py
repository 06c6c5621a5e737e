"""Replies to people, sent with patience: a reply that meets a 429, a 5xx or a timeout is tried
again (after the platform's own wait, which pauses the whole bot's budget, or after a short
back-off), resuming after the parts already out; replies wait ahead of queued broadcasts on
the budget. A reply that still fails is logged (ids only) and counted, never dropped unseen;
the chat's next message waits for it (the channel holds the chat's turn meanwhile)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.core import metrics
from bot.delivery.outcome import Delivered, Outcome, RetryLater

log = logging.getLogger(__name__)

# Sends the reply's parts after the `sent_before` ones; never raises for platform errors.
Attempt = Callable[[Sequence[str]], Awaitable[Outcome]]


@dataclass(frozen=True)
class ReplyPatience:
    """How long a reply is tried: `tries` attempts, `pause` seconds before the second when
    the platform names no wait (doubling after that)."""

    tries: int = 6
    pause: float = 0.5


@dataclass
class ReplyCounts:
    """What became of the replies of this process (for logs, /healthz and the benches)."""

    delivered: int = 0
    retried: int = 0  # attempts after the first
    lost: int = 0  # failed for good or out of tries

    def as_dict(self) -> dict[str, int]:
        """The counts by name."""
        return {"delivered": self.delivered, "retried": self.retried, "lost": self.lost}


REPLIES = ReplyCounts()


async def send_reply(
    attempt: Attempt,
    *,
    channel: str,
    chat_id: str,
    patience: ReplyPatience | None = None,
    counts: ReplyCounts = REPLIES,
) -> Outcome:
    """Send a reply through `attempt`, trying again while the failure is passing."""
    patience = patience or ReplyPatience()
    sent: tuple[str, ...] = ()
    outcome: Outcome = RetryLater("not tried")
    for number in range(1, max(1, patience.tries) + 1):
        if number > 1:
            counts.retried += 1
        outcome = await attempt(sent)
        if not isinstance(outcome, RetryLater):
            break
        sent = outcome.sent or sent
        if number < patience.tries and not outcome.after:
            # A 429 has paused the budget, so the next attempt waits its end by itself.
            await asyncio.sleep(patience.pause * 2 ** (number - 1))
    if isinstance(outcome, Delivered) and outcome.complete:
        counts.delivered += 1
        return outcome
    counts.lost += 1
    metrics.REPLIES_FAILED.labels(channel).inc()
    error = outcome.error if not isinstance(outcome, Delivered) else outcome.error
    kind = type(outcome).__name__
    log.error("%s: reply to chat %s lost (%s): %s", channel, chat_id, kind, error[:200])
    return outcome
