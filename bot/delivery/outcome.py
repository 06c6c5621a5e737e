"""What became of one message sent to a platform, as every channel reports it to the delivery
worker and to the reply path alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.messages import OutboundMessage
from models import FailureReason


@dataclass(frozen=True)
class Delivered:
    """The platform accepted the message (its first part, `message_id`, at least): of its
    `parts` platform messages, `parts_sent` went out; `error` says why the rest did not."""

    message_id: str
    parts_sent: int = 1
    parts: int = 1
    error: str = ""

    @property
    def complete(self) -> bool:
        """Whether every part reached the person."""
        return self.parts_sent >= self.parts


@dataclass(frozen=True)
class RetryLater:
    """A temporary failure; `after` is the platform's own wait (429), else we back off.
    `sent` are the ids of the parts that went out before it (a retry resumes after them)."""

    error: str
    after: float | None = None
    sent: tuple[str, ...] = ()
    parts: int = 0  # how many parts the whole message makes (0: nothing went out)


@dataclass(frozen=True)
class Undeliverable:
    """A permanent failure: retrying would not help."""

    reason: FailureReason
    error: str


Outcome = Delivered | RetryLater | Undeliverable


class Superseded(Exception):
    """The message is no longer ours to send (another worker took it over): stop here."""


class Progress(Protocol):
    """What a sender reports while a message's parts go out, so a retry or another worker
    resumes after the parts already out (and never sends one twice)."""

    async def ready(self) -> None:
        """Called once the budget allows a part, just before it is sent; raises Superseded
        when it must not go out."""

    async def sent(self, ids: Sequence[str], parts: int) -> None:
        """The parts out so far (their ids) of `parts`, when more are to follow."""


class Sender(Protocol):
    """What a channel offers the delivery worker (bot.channels.base.Channel is one)."""

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Outcome:
        """Send `message` (its parts after the `sent_before` ones), pacing each part on the
        channel's budget, and say what happened (never raises for platform errors)."""
        ...


def first_id(ids: Sequence[str]) -> str:
    """The platform id of the first part that has one (a picture Zalo could not show has
    none)."""
    return next((i for i in ids if i), "")
