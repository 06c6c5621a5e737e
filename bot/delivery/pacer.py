"""One sending budget per bot token: an even rate overall, a minimum gap per chat for queued
messages, pauses on 429, and replies to people ahead of queued broadcasts."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's limits: messages per second overall, seconds between two messages to one
    private chat, messages per minute to one group."""

    per_second: float = 30.0
    chat_interval: float = 1.0
    group_per_minute: float = 20.0
    # Send a little under the limit: requests granted evenly can still reach the platform a
    # little bunched (our own event loop, the network), and every 429 costs a pause.
    headroom: float = 0.97

    @property
    def pace(self) -> float:
        """Messages per second the pacer actually aims at."""
        return self.per_second * self.headroom


class Budget(Protocol):
    """What every message to a platform waits for: one budget per bot token, shared by the
    replies to people and the delivery queue (and, on PostgreSQL, by every process)."""

    paused_seconds: float  # how long the platform has made us wait, in all

    async def wait_turn(self, chat_id: str, *, urgent: bool = False) -> None:
        """Return when one message to `chat_id` may go out; `urgent` (a reply to a person)
        goes before every queued message waiting."""

    def pause(self, seconds: float) -> None:
        """No sends for `seconds` from now (the platform said to wait: 429 retry_after)."""


class PriorityGate:
    """A lock whose waiters are served urgent first, then in arrival order."""

    def __init__(self) -> None:
        self._held = False
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @asynccontextmanager
    async def hold(self, urgent: bool) -> AsyncIterator[None]:
        """Hold the gate, after every waiter of higher or equal rank that came first."""
        if self._held or self._waiters:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, (0 if urgent else 1, next(self._order), future))
            try:
                await future  # the releaser hands the gate over: _held stays True
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._release()  # handed over just as we were cancelled: pass it on
                raise
        else:
            self._held = True
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        while self._waiters:
            *_, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)
                return
        self._held = False


class Pacer:
    """One process's budget: releases sends one at a time, replies first, then in arrival
    order; never more than `pace` in any rolling second, queued messages evenly spaced at
    that pace; a queued message to a chat no sooner than its own gap after the chat's last
    message; and nobody while the platform has asked us to wait (429 retry_after). A reply to
    a person is held neither to the even spacing nor to the chat's gap (it answers their own
    message, and the replies of one batch go out together), only to the rolling second.

    Each release is spaced from the previous *release*, not from a schedule made in advance,
    so after a pause or a stall of the event loop the queue does not rush out at once.
    """

    def __init__(self, limits: ChannelLimits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._now = now
        self._gap = 1.0 / limits.pace
        self._released = -1e9
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._sent: deque[float] = deque()
        self._gate = PriorityGate()
        self.paused_seconds = 0.0
        self.released = {True: 0, False: 0}  # sends released: replies (True), queued (False)

    def pause(self, seconds: float) -> None:
        """No sends for `seconds` from now (the platform said to wait)."""
        now = self._now()
        until = now + seconds
        if until > self._paused_until:  # count only time not already paused
            self.paused_seconds += until - max(now, self._paused_until)
            self._paused_until = until

    def chat_gap(self, chat_id: str) -> float:
        """Seconds between two queued messages to `chat_id`."""
        if chat_id.startswith("-"):  # Telegram group and channel ids are negative
            return 60.0 / self.limits.group_per_minute
        return self.limits.chat_interval

    async def wait_turn(self, chat_id: str, *, urgent: bool = False) -> None:
        """Return when a message to `chat_id` may go out."""
        while True:
            # A queued message that must wait for its chat's gap waits outside the gate, so
            # it holds up nobody else.
            chat_wait = 0.0 if urgent else self._chat_next.get(chat_id, 0.0) - self._now()
            if chat_wait > 0:
                await asyncio.sleep(chat_wait)
                continue
            async with self._gate.hold(urgent):
                # The deadlines can move while we sleep (a 429 arrives), hence the loop.
                while (wait := await self._wait(self._now(), urgent)) > 0:  # noqa: ASYNC110
                    await asyncio.sleep(wait)
                now = self._now()
                if not urgent and self._chat_next.get(chat_id, 0.0) > now:
                    continue  # another message to this chat went first: back to its gap
                self._release(now)
                self._sent.append(now)
                self._chat_next[chat_id] = max(
                    self._chat_next.get(chat_id, 0.0), now + self.chat_gap(chat_id)
                )
                if len(self._chat_next) > 10_000:  # forget chats whose gap has long passed
                    self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
                self.released[urgent] += 1
                return

    def _release(self, now: float) -> None:
        # Count from when this release was due if we are only a little late (sleep overshoot
        # must not slow the queue down), from now after a long stall (so the queue does not
        # rush out to catch up).
        due = self._released + self._gap
        self._released = due if now - due < self._gap else now

    async def _wait(self, now: float, urgent: bool = False) -> float:
        """Seconds until the next send may go (0 or less: now)."""
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        window = (
            self._sent[0] + 1.0 - now if len(self._sent) >= max(1, int(self.limits.pace)) else 0
        )
        spaced = 0.0 if urgent else self._released + self._gap - now
        return max(spaced, self._paused_until - now, window)
