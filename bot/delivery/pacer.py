"""Pacing for proactive messages: an even rate overall, a minimum gap per chat, pauses on 429."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


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


class Pacer:
    """Releases sends one at a time, in arrival order: at most `pace` a second, evenly spaced,
    never more than that many in any rolling second, one chat no faster than its own gap, and
    nobody while the platform has asked us to wait (429 retry_after).

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
        self._queue = asyncio.Lock()  # asyncio locks are fair: first come, first released
        self.paused_seconds = 0.0  # how long the platform has made us wait, in all

    def pause(self, seconds: float) -> None:
        """No sends for `seconds` from now (the platform said to wait)."""
        now = self._now()
        until = now + seconds
        if until > self._paused_until:  # count only time not already paused
            self.paused_seconds += until - max(now, self._paused_until)
            self._paused_until = until

    async def wait_turn(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may go out."""
        chat_gap = (
            60.0 / self.limits.group_per_minute
            if chat_id.startswith("-")  # Telegram group and channel ids are negative
            else self.limits.chat_interval
        )
        while True:
            # A chat that must wait for its own gap waits outside the queue, so it holds
            # up nobody else.
            chat_wait = self._chat_next.get(chat_id, 0.0) - self._now()
            if chat_wait > 0:
                await asyncio.sleep(chat_wait)
                continue
            async with self._queue:
                # The deadlines can move while we sleep (a 429 arrives), hence the loop.
                while (wait := self._wait(self._now())) > 0:  # noqa: ASYNC110
                    await asyncio.sleep(wait)
                now = self._now()
                if self._chat_next.get(chat_id, 0.0) > now:
                    continue  # another message to this chat went first: back to its gap
                # Count from when this release was due if we are only a little late (sleep
                # overshoot must not slow the queue down), from now after a long stall (so
                # the queue does not rush out to catch up).
                due = self._released + self._gap
                self._released = due if now - due < self._gap else now
                self._sent.append(now)
                self._chat_next[chat_id] = now + chat_gap
                if len(self._chat_next) > 10_000:  # forget chats whose gap has long passed
                    self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
                return

    def _wait(self, now: float) -> float:
        while self._sent and now - self._sent[0] >= 1.0:
            self._sent.popleft()
        window = (
            self._sent[0] + 1.0 - now if len(self._sent) >= max(1, int(self.limits.pace)) else 0
        )
        return max(self._released + self._gap - now, self._paused_until - now, window)
