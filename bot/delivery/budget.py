"""One bot token's budget shared by every chibo process on one PostgreSQL database.

Two `chibo run` on one database (webhook mode behind a load balancer) used to pace each at the
full limit: together twice the rate, and 429s. Here the database keeps one row per token
(`send_budgets`) whose `next_at` is when the next free slot of the token's schedule starts,
in the database's own clock. A process that needs to send takes a few slots at a time (about
a quarter of a second's worth) by moving `next_at` on in one UPDATE, then releases its sends
at those moments, mapped onto its own clock; a 429 moves `next_at` past the platform's wait
for everyone. So the processes together keep to one even rate, however many there are, with
one short statement per batch of sends and no server besides PostgreSQL.

Within a process the `Pacer` still orders the sends (replies first) and keeps each chat's gap
(a chat's messages come from the process that handles it). A slot not used in time (nobody
was waiting any more) is lost, not saved up: the rate never rises above the limit to catch up.
If the database cannot be reached, the process falls back to pacing on its own (logged once).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery.pacer import Budget, ChannelLimits, Pacer

log = logging.getLogger(__name__)

BATCH_SECONDS = 0.25  # how much of the schedule a process takes at a time
# A slot missed by more than this many gaps (and this many seconds) is dropped: this process
# stalled, and sending it late would crowd another process's sends.
LATE_GAPS = 2
LATE_SECONDS = 0.05
DRIFT = 0.001  # how fast (s/s) an estimate of the database's clock loses trust

_TAKE = text(
    """
    WITH clock AS (SELECT EXTRACT(EPOCH FROM clock_timestamp()) AS now)
    UPDATE send_budgets SET next_at = GREATEST(send_budgets.next_at, clock.now) + :span
    FROM clock WHERE send_budgets.key = :key
    RETURNING send_budgets.next_at, clock.now
    """
)
_CREATE = text(
    "INSERT INTO send_budgets (key, next_at) VALUES (:key, 0) ON CONFLICT (key) DO NOTHING"
)
_PAUSE = text(
    """
    UPDATE send_budgets
    SET next_at = GREATEST(next_at, EXTRACT(EPOCH FROM clock_timestamp()) + :seconds)
    WHERE key = :key
    """
)


class SharedPacer(Pacer):
    """A `Pacer` whose overall rate comes from the `send_budgets` row named `key`."""

    def __init__(
        self,
        engine: AsyncEngine,
        key: str,
        limits: ChannelLimits,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(limits, now)
        self.engine = engine
        self.key = key
        self._batch = max(1, round(limits.pace * BATCH_SECONDS))
        self._slots: deque[float] = deque()  # moments (our clock) of the slots we hold
        self._alone = False  # the database failed: pacing on our own until it answers
        # Our clock minus the database's, from the quickest answer so far (± `_error`).
        self._offset = 0.0
        self._error = float("inf")
        self._measured_at = 0.0
        self._tasks: set[asyncio.Task[None]] = set()

    def pause(self, seconds: float) -> None:
        """No sends for `seconds`, here at once and in every process at its next batch."""
        super().pause(seconds)
        while self._slots and self._slots[0] < self._paused_until:
            self._slots.popleft()  # slots inside the pause are given up
        self._background(self._pause_everyone(seconds))

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        try:
            task = asyncio.get_running_loop().create_task(work)
        except RuntimeError:  # no loop (a test calling pause directly): nothing to share
            work.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _pause_everyone(self, seconds: float) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(_PAUSE, {"key": self.key, "seconds": seconds})
        except Exception:  # the pause still holds here; the others learn it by their 429
            log.warning("budget %s: could not share a pause", self.key, exc_info=True)

    async def _wait(self, now: float, urgent: bool = False) -> float:
        paused = self._paused_until - now
        if paused > 0:
            return paused
        # A slot missed by more than a couple of gaps (a stall of this process) is given up
        # rather than sent late on top of another process's: the rate never catches up.
        late = max(LATE_GAPS * self._gap, LATE_SECONDS)
        while self._slots and self._slots[0] < now - late:
            self._slots.popleft()
        if not self._slots and not await self._take():
            return await super()._wait(now, urgent)  # the database is away: our own pace
        # Our own sends stay a gap apart too: slots a stall made late go out one by one, not
        # in a burst on top of another process's.
        return max(self._slots[0], self._released + self._gap) - now

    def _release(self, now: float) -> None:
        if self._alone or not self._slots:
            super()._release(now)
        else:
            self._slots.popleft()
            self._released = now

    async def _take(self) -> bool:
        """Take the next batch of slots; False if the database could not be asked."""
        span = self._batch / self.limits.pace
        try:
            before = self._now()
            async with self.engine.begin() as conn:
                row = (await conn.execute(_TAKE, {"key": self.key, "span": span})).first()
                if row is None:
                    await conn.execute(_CREATE, {"key": self.key})
                    row = (await conn.execute(_TAKE, {"key": self.key, "span": span})).first()
            after = self._now()
        except Exception:
            if not self._alone:
                log.warning("budget %s: database unreachable; pacing alone", self.key)
            self._alone = True
            return False
        if self._alone:
            log.info("budget %s: shared again", self.key)
            self._alone = False
        assert row is not None
        end, db_now = float(row[0]), float(row[1])
        self._learn_offset(before, after, db_now)
        first = end - span + self._offset
        gap = 1.0 / self.limits.pace
        self._slots.extend(first + number * gap for number in range(self._batch))
        return True

    def _learn_offset(self, before: float, after: float, db_now: float) -> None:
        """The database read its clock between `before` and `after` on ours: keep the
        estimate with the smallest doubt (a busy event loop reads answers late), letting an
        old one lose trust slowly."""
        error = (after - before) / 2
        trusted = self._error + DRIFT * (after - self._measured_at)
        if error <= trusted:
            self._offset = (before + after) / 2 - db_now
            self._error, self._measured_at = error, after


def shared_budgets(engine: AsyncEngine) -> Callable[[str, ChannelLimits], Budget]:
    """The budget factory for `Wiring.budgets` when several processes share `engine`'s
    PostgreSQL database."""

    def budget(key: str, limits: ChannelLimits) -> Budget:
        return SharedPacer(engine, key, limits)

    return budget
