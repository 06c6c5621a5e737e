"""Pacing for proactive messages: an even rate overall, a minimum gap per chat, pauses on 429."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelLimits:
    """A platform's limits: messages per second overall, seconds between two messages to one
    private chat, messages per minute to one group."""

    per_second: float = 30.0
    chat_interval: float = 1.0
    group_per_minute: float = 20.0


class Pacer:
    """Spaces sends evenly at `per_second`, keeps chats to their own pace, and stops everyone
    for as long as the platform asked (429 retry_after)."""

    def __init__(self, limits: ChannelLimits, now: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._now = now
        self._next_slot = 0.0
        self._paused_until = 0.0
        self._chat_next: dict[str, float] = {}
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """No sends for `seconds` from now (the platform said to wait)."""
        self._paused_until = max(self._paused_until, self._now() + seconds)

    async def wait_turn(self, chat_id: str) -> None:
        """Return when a message to `chat_id` may go out."""
        async with self._lock:  # slots are handed out in order, one at a time
            now = self._now()
            chat_gap = (
                60.0 / self.limits.group_per_minute
                if chat_id.startswith("-")  # Telegram group and channel ids are negative
                else self.limits.chat_interval
            )
            start = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0))
            self._next_slot = start + 1.0 / self.limits.per_second
            self._chat_next[chat_id] = start + chat_gap
            if len(self._chat_next) > 10_000:  # forget chats whose gap has long passed
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        delay = start - self._now()
        if delay > 0:
            await asyncio.sleep(delay)
        # A 429 that arrived while we slept moves everyone back; a later one may move the
        # deadline again while we wait, hence the loop (a deadline, not an event to wait on).
        while (wait := self._paused_until - self._now()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
