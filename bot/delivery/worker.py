"""Sends the outbox: claims due messages, paces them per platform, records every outcome.

One transaction per claim and per outcome, so a crash loses nothing: unsent messages stay
queued, and messages in flight are claimed again when their lease runs out. A message is
sent twice only if the process dies after the platform accepted it and before the outcome
was committed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.outbox import (
    Claimed,
    claim_due,
    fall_back,
    mark_retry,
    mark_sent,
    move_unserved,
    renew_claim,
)
from bot.delivery.pacer import ChannelLimits, Pacer
from models import FailureReason

log = logging.getLogger(__name__)


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
    """A temporary failure; `after` is the platform's own wait (429), else we back off."""

    error: str
    after: float | None = None


@dataclass(frozen=True)
class Undeliverable:
    """A permanent failure: retrying would not help."""

    reason: FailureReason
    error: str


Outcome = Delivered | RetryLater | Undeliverable


class Sender(Protocol):
    """What a channel offers the delivery worker (bot.channels.base.Channel is one)."""

    async def deliver(self, chat_id: str, message: OutboundMessage) -> Outcome:
        """Send one message, every part of it, and say what happened (never raises for
        platform errors)."""


CHART_FILE_NAME = "bieu-do.png"  # queued pictures are charts


def queued_message(claim: Claimed) -> OutboundMessage:
    """The message a claimed outbox row stands for."""
    photo = (
        Attachment("", CHART_FILE_NAME, "image/png", claim.photo)
        if claim.photo is not None
        else None
    )
    return OutboundMessage(claim.text, claim.choices, photo=photo)


@dataclass(frozen=True)
class DeliverySettings:
    """How the worker behaves."""

    lease: timedelta = timedelta(seconds=60)
    max_attempts: int = 8
    concurrency: int = 32
    poll_interval: float = 0.5
    max_backoff: float = 600.0
    # `chibo run` serves every configured messenger, so a message queued for one it does not
    # serve is moved to the member's other messenger (every `adopt_every` seconds). The shell,
    # serving only its console chats, must leave other messengers' messages alone.
    adopt_unserved: bool = False
    adopt_every: float = 30.0


class DeliveryWorker:
    """Drains the outbox through the configured channels until stopped."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        limits: Mapping[str, ChannelLimits],
        clock: Clock,
        settings: DeliverySettings | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.pacers = {channel: Pacer(limits.get(channel, ChannelLimits())) for channel in senders}
        self.clock = clock
        self.settings = settings or DeliverySettings()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._wake = asyncio.Event()
        self._next_adoption = 0.0

    def wake(self) -> None:
        """Look for due messages now rather than at the next poll."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then finish the messages in hand."""
        try:
            while not stop.is_set():
                try:
                    claimed = await self.pump()
                except Exception:  # the database went away for a moment: wait, then go on
                    log.exception("delivery: could not claim messages; retrying shortly")
                    claimed = 0
                if claimed == 0:
                    self._wake.clear()
                    waiters = {
                        asyncio.ensure_future(stop.wait()),
                        asyncio.ensure_future(self._wake.wait()),
                    }
                    _, pending = await asyncio.wait(
                        waiters,
                        timeout=self.settings.poll_interval,
                        return_when=asyncio.FIRST_COMPLETED,
                    )
                    for waiter in waiters:
                        waiter.cancel()
        finally:
            if self._in_flight:
                await asyncio.gather(*self._in_flight, return_exceptions=True)

    async def drain(self) -> None:
        """Deliver everything due now, and wait for it (tests, the shell)."""
        while await self.pump() or self._in_flight:
            if self._in_flight:
                await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)

    async def pump(self) -> int:
        """Claim as many due messages as there is room for and start sending them."""
        if self.settings.adopt_unserved and time.monotonic() >= self._next_adoption:
            self._next_adoption = time.monotonic() + self.settings.adopt_every
            async with self.sessionmaker() as session, session.begin():
                moved = await move_unserved(session, tuple(self.senders), self.clock.now())
            if moved:
                log.info("delivery: %s messages moved from messengers not served here", moved)
        room = self.settings.concurrency - len(self._in_flight)
        if room <= 0:
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
            return 1
        async with self.sessionmaker() as session, session.begin():
            claimed = await claim_due(
                session, self.clock.now(), room, self.settings.lease, tuple(self.senders)
            )
        for claim in claimed:
            task = asyncio.create_task(self._deliver(claim))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(claimed)

    async def _deliver(self, claim: Claimed) -> None:
        pacer = self.pacers[claim.channel]
        await pacer.wait_turn(claim.chat_id)
        if self.clock.now() - claim.claimed_at > self.settings.lease / 2:
            # A long wait (a 429 pause) could have let the lease run out and another worker
            # take the row: renew the claim, and send only if it is still ours.
            async with self.sessionmaker() as session, session.begin():
                if not await renew_claim(session, claim, self.clock.now()):
                    log.info("delivery: outbox %s was taken over, not sent here", claim.id)
                    return
        try:
            outcome = await self.senders[claim.channel].deliver(
                claim.chat_id, queued_message(claim)
            )
        except Exception as error:  # a sender bug must not kill the worker: retry later
            log.exception("delivery: sender failed on outbox %s", claim.id)
            outcome = RetryLater(error=repr(error))
        if isinstance(outcome, RetryLater) and outcome.after:
            pacer.pause(outcome.after)
        await self._record(claim, outcome)

    async def _record(self, claim: Claimed, outcome: Outcome) -> None:
        now = self.clock.now()
        moved: str | None = None
        async with self.sessionmaker() as session, session.begin():
            if isinstance(outcome, Delivered):
                if not outcome.complete:
                    log.warning("delivery: outbox %s only in part: %s", claim.id, outcome.error)
                kept = await mark_sent(session, claim, outcome.message_id, now, outcome.error)
            elif isinstance(outcome, Undeliverable) or (
                claim.attempts >= self.settings.max_attempts and outcome.after is None
            ):
                # Failed for good here: the member's other messenger, if any, gets it.
                reason = (
                    outcome.reason if isinstance(outcome, Undeliverable) else FailureReason.GAVE_UP
                )
                settled = await fall_back(session, claim, reason, now, tuple(self.senders))
                kept, moved = settled.kept, settled.moved_to
                log.info(
                    "delivery: outbox %s undeliverable on %s (%s)%s",
                    claim.id,
                    claim.channel,
                    outcome.error,
                    f"; trying {moved} instead" if moved else "",
                )
            else:
                delay = outcome.after or self._backoff(claim.attempts)
                # A 429 says "not now", not "unreachable": it does not use up an attempt.
                kept = await mark_retry(
                    session,
                    claim,
                    now + timedelta(seconds=delay),
                    outcome.error,
                    count_attempt=outcome.after is None,
                )
        if not kept:
            log.warning("delivery: outbox %s outcome dropped, its claim had expired", claim.id)
        if moved:
            self.wake()

    def _backoff(self, attempts: int) -> float:
        base: float = min(2.0**attempts, self.settings.max_backoff)
        return base * random.uniform(0.8, 1.2)  # spread retries so they do not all return at once
