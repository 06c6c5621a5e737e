"""Each channel of `chibo run` on its own: started, and when its start fails (the platform
unreachable, answering 5xx, refusing a call), tried again with back-off while the other
channels serve. Its state is what /healthz and `chibo_channel_up` report."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from enum import StrEnum

from bot.channels.base import Channel, StartupError

log = logging.getLogger(__name__)

FIRST_PAUSE = 2.0  # seconds before the first retry; doubled after each failure
LONGEST_PAUSE = 300.0


class ChannelState(StrEnum):
    """Where a channel is, as /healthz shows it."""

    STARTING = "starting"  # its first start is under way
    UP = "up"  # started and receiving
    RETRYING = "retrying"  # its start failed; tried again after a pause
    DOWN = "down"  # started but no longer receiving, or refused for good (a token)


def channel_healthy(channel: Channel) -> bool:
    """A channel's own verdict (`healthy()`, where the adapter has one): started and
    receiving. An adapter without one counts as healthy while it is started."""
    healthy = getattr(channel, "healthy", None)
    return bool(healthy()) if callable(healthy) else True


class Supervised:
    """One channel and its start-up: `start_once`, then `keep_trying` in the background."""

    def __init__(
        self, channel: Channel, *, first_pause: float = FIRST_PAUSE, longest: float = LONGEST_PAUSE
    ) -> None:
        self.channel = channel
        self.first_pause = first_pause
        self.longest = longest
        self.started = False
        self.lasting: StartupError | None = None  # refused for good: not tried again
        self.attempts = 0
        self._retrying: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return self.channel.name

    @property
    def state(self) -> ChannelState:
        if self.started:
            return ChannelState.UP if channel_healthy(self.channel) else ChannelState.DOWN
        if self.lasting is not None:
            return ChannelState.DOWN
        return ChannelState.STARTING if self.attempts == 0 else ChannelState.RETRYING

    async def start_once(self) -> StartupError | None:
        """One attempt; the error when it failed (the channel is then stopped again, so a
        later attempt starts clean)."""
        try:
            await self.channel.start()
        except Exception as error:  # any failure of one channel must not end the others
            self.attempts += 1
            with contextlib.suppress(Exception):
                await self.channel.stop()
            if isinstance(error, StartupError):
                if error.lasting:
                    self.lasting = error
                    log.error("%s: cannot start, not retrying: %s", self.name, error)
                return error
            log.warning("%s: start failed (%s)", self.name, type(error).__name__)
            return StartupError(type(error).__name__)
        self.attempts += 1
        self.started = True
        return None

    def keep_trying(self) -> None:
        """In the background, until started: pause (doubling, at most `longest`), try."""
        if self.started or self.lasting is not None or self._retrying is not None:
            return
        self._retrying = asyncio.create_task(self._retry())

    async def _retry(self) -> None:
        pause = self.first_pause
        while not self.started and self.lasting is None:
            log.warning("%s: not started; trying again in %.0f s", self.name, pause)
            await asyncio.sleep(pause)
            error = await self.start_once()
            if error is None:
                log.info("%s: started after %d attempts", self.name, self.attempts)
            pause = min(pause * 2, self.longest)

    async def stop(self) -> None:
        """Stop retrying, then stop the channel (also after a failed start)."""
        if self._retrying is not None:
            self._retrying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retrying
        await self.channel.stop()


async def start_all(supervised: Sequence[Supervised]) -> None:
    """Start every channel at once; those that fail are tried again in the background. Only
    when every channel is refused for good (e.g. the one token is wrong) does this raise: a
    `chibo run` that could never serve anyone says why and exits."""
    errors = await asyncio.gather(*(one.start_once() for one in supervised))
    for one, error in zip(supervised, errors, strict=True):
        if error is not None and not error.lasting:
            log.error("%s: could not start: %s", one.name, error)
    if all(one.lasting is not None for one in supervised):
        lasting = supervised[0].lasting
        assert lasting is not None
        raise lasting
    for one in supervised:
        one.keep_trying()
