"""The messengers `chibo run` can serve: one line per channel package.

Each package's `build(wiring)` returns its channel when its settings configure it (a token),
else None; `chibo run` serves every channel this returns and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.channels import telegram, zalo
from bot.channels.base import Channel, ChannelFactory, Wiring

CHANNELS: tuple[ChannelFactory, ...] = (
    telegram.build,
    zalo.build,
)


def configured_channels(
    wiring: Wiring, factories: Sequence[ChannelFactory] = CHANNELS
) -> list[Channel]:
    """The channels the settings configure, not started yet, in registry order."""
    return [channel for build in factories if (channel := build(wiring)) is not None]
