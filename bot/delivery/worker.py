"""Sends the outbox: claims due messages, hands them to their channel (which paces every part
on the bot's budget), records every outcome.

One transaction per claim and per outcome, so a crash loses nothing: unsent messages stay
queued, and messages in flight are claimed again when their lease runs out. A long message
records each part as it goes out (but the last), so a retry, or the worker that takes it
over, resumes after the parts already sent. A message (or a part) is sent twice only if the
process dies after the platform accepted it and before that was committed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import metrics
from bot.core.clock import Clock
from bot.core.messages import Attachment, OutboundMessage
from bot.delivery.outbox import (
    Claimed,
    claim_due,
    fall_back,
    mark_retry,
    mark_sent,
    move_unserved,
    record_parts,
    renew_claim,
)
from bot.delivery.outcome import (
    Delivered,
    Outcome,
    Progress,
    RetryLater,
    Sender,
    Superseded,
    Undeliverable,
    first_id,
)
from bot.delivery.reach import set_blocked
from models import FailureReason

__all__ = [
    "Delivered",
    "DeliverySettings",
    "DeliveryWorker",
    "Outcome",
    "Progress",
    "RetryLater",
    "Sender",
    "Superseded",
    "Undeliverable",
]

log = logging.getLogger(__name__)


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
        clock: Clock,
        settings: DeliverySettings | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.senders = senders
        self.clock = clock
        self.settings = settings or DeliverySettings()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._holding: set[int] = set()  # outbox ids of the messages in flight
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
                session,
                now=self.clock.now(),
                limit=room,
                lease=self.settings.lease,
                channels=tuple(self.senders),
                holding=frozenset(self._holding),
            )
        for claim in claimed:
            self._holding.add(claim.id)
            task = asyncio.create_task(self._deliver(claim))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
            task.add_done_callback(partial(self._release, claim.id))
        return len(claimed)

    def _release(self, outbox_id: int, _: asyncio.Task[None]) -> None:
        self._holding.discard(outbox_id)

    async def _deliver(self, claim: Claimed) -> None:
        progress = _ClaimProgress(self, claim)
        try:
            outcome = await self.senders[claim.channel].deliver(
                claim.chat_id,
                queued_message(claim),
                sent_before=claim.part_ids,
                progress=progress,
            )
        except Superseded:
            # A long wait (a 429 pause) let the lease run out and another worker took the
            # row: it sends the rest, from the parts recorded.
            log.info("delivery: outbox %s was taken over, not sent here", claim.id)
            return
        except Exception as error:  # a sender bug must not kill the worker: retry later
            log.exception("delivery: sender failed on outbox %s", claim.id)
            outcome = RetryLater(error=repr(error), sent=progress.ids, parts=progress.parts)
        await self._record(claim, outcome)

    async def _record(self, claim: Claimed, outcome: Outcome) -> None:
        now = self.clock.now()
        moved: str | None = None
        if isinstance(outcome, RetryLater) and self._gives_up(claim, outcome):
            # Out of tries: what went out stays delivered in part; else it failed here.
            sent = outcome.sent or claim.part_ids
            if sent:
                why = f"{outcome.error} (gave up after {claim.attempts} attempts)"
                outcome = Delivered(first_id(sent), len(sent), outcome.parts or len(sent), why)
            else:
                outcome = Undeliverable(FailureReason.GAVE_UP, outcome.error)
        async with self.sessionmaker() as session, session.begin():
            if isinstance(outcome, Delivered):
                outcome_label = "sent"
                if not outcome.complete:
                    log.warning("delivery: outbox %s only in part: %s", claim.id, outcome.error)
                kept = await mark_sent(
                    session, claim, outcome.message_id, now, outcome.error, outcome.parts
                )
            elif isinstance(outcome, Undeliverable):
                outcome_label = "failed"
                if outcome.reason is FailureReason.BLOCKED:
                    # Known from now on: the next notice's preview counts them unreachable.
                    await set_blocked(session, claim.channel, claim.chat_id, True, now)
                # Failed for good here: the member's other messenger, if any, gets it.
                settled = await fall_back(session, claim, outcome.reason, now, tuple(self.senders))
                kept, moved = settled.kept, settled.moved_to
                log.info(
                    "delivery: outbox %s undeliverable on %s (%s)%s",
                    claim.id,
                    claim.channel,
                    outcome.reason.value,
                    f"; trying {moved} instead" if moved else "",
                )
            else:
                outcome_label = "rate_limited" if outcome.after else "retry"
                delay = outcome.after or self._backoff(claim.attempts)
                # A 429 says "not now", not "unreachable": it does not use up an attempt.
                kept = await mark_retry(
                    session,
                    claim,
                    now + timedelta(seconds=delay),
                    outcome.error,
                    count_attempt=outcome.after is None,
                    sent=outcome.sent,
                    parts=outcome.parts,
                )
        metrics.SENDS.labels(claim.channel, outcome_label).inc()
        if outcome_label == "rate_limited":
            metrics.RATE_LIMITED.labels(claim.channel).inc()
        if not kept:
            log.warning("delivery: outbox %s outcome dropped, its claim had expired", claim.id)
        if moved:
            self.wake()

    def _gives_up(self, claim: Claimed, outcome: RetryLater) -> bool:
        return claim.attempts >= self.settings.max_attempts and outcome.after is None

    def _backoff(self, attempts: int) -> float:
        base: float = min(2.0**attempts, self.settings.max_backoff)
        return base * random.uniform(0.8, 1.2)  # spread retries so they do not all return at once


class _ClaimProgress(Progress):
    """Keeps the claim on a message while its parts go out, and records each part, so a
    retry (or the worker that takes the row over) resumes after them."""

    def __init__(self, worker: DeliveryWorker, claim: Claimed) -> None:
        self.worker = worker
        self.claim = claim
        self.ids: tuple[str, ...] = claim.part_ids
        self.parts = 0
        self._held_since: datetime = claim.claimed_at

    async def ready(self) -> None:
        now = self.worker.clock.now()
        if now - self._held_since <= self.worker.settings.lease / 2:
            return
        # A long wait for the budget (a 429 pause) could have let the lease run out and
        # another worker take the row: renew the claim, and send only if it is still ours.
        async with self.worker.sessionmaker() as session, session.begin():
            if not await renew_claim(session, self.claim, now):
                raise Superseded(self.claim.id)
        self._held_since = now

    async def sent(self, ids: Sequence[str], parts: int) -> None:
        now = self.worker.clock.now()
        self.ids, self.parts = tuple(ids), parts
        async with self.worker.sessionmaker() as session, session.begin():
            if not await record_parts(session, self.claim, self.ids, parts, now):
                raise Superseded(self.claim.id)
        self._held_since = now
