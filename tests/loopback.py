"""A messenger of a few lines that keeps the Channel contract (bot/channels/base.py) with no
platform behind it: updates come in by its webhook route on chibo's HTTP server, every message
goes out through `deliver` in parts of at most 60 characters, into an in-memory inbox."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Sequence
from functools import partial

from bot.channels.base import Capabilities, Handle, Wiring
from bot.channels.parts import PartPolicy, send_parts
from bot.core.messages import InboundMessage, OutboundMessage
from bot.core.text import split_text
from bot.delivery.pacer import ChannelLimits
from bot.delivery.worker import Outcome, RetryLater
from bot.web.server import WebhookRoute

SECRET_HEADER = "X-Loopback-Secret"


class Loopback:
    """Inbound: POST {"chat": ..., "id": ..., "text": ...} to /loopback with the secret."""

    # A real new channel adds its own name to models.Channel; the loopback borrows one.
    name = "console"
    capabilities = Capabilities(
        text_length=60,
        caption_length=0,
        buttons=False,
        uploads=False,
        limits=ChannelLimits(per_second=100, chat_interval=0),
    )

    def __init__(self, handle: Handle, secret: str) -> None:
        self.handle = handle
        self.secret = secret
        self.state = "built"
        self.inbox: list[tuple[str, str]] = []  # (chat id, text of one part), in order
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()

    @property
    def routes(self) -> Sequence[WebhookRoute]:
        return (WebhookRoute("/loopback", SECRET_HEADER, self.secret, self.feed),)

    async def start(self) -> None:
        self.state = "started"

    async def stop(self) -> None:
        self.state = "stopped"

    async def feed(self, payload: dict[str, object]) -> None:
        inbound = InboundMessage(
            channel=self.name,
            chat_id=str(payload["chat"]),
            message_id=str(payload["id"]),
            text=str(payload.get("text", "")),
        )
        for reply in await self.handle(inbound):
            await self.deliver(inbound.chat_id, reply)

    async def deliver(self, chat_id: str, message: OutboundMessage) -> Outcome:
        lines = [message.text, *(f"{n}. {c.label}" for n, c in enumerate(message.choices, 1))]
        chunks = split_text("\n".join(lines), self.capabilities.text_length)
        policy = PartPolicy(errors=(), judge=lambda error: RetryLater(str(error)))
        return await send_parts([partial(self._put, chat_id, c) for c in chunks], policy)

    async def _put(self, chat_id: str, text: str) -> str:
        async with self._changed:
            self.inbox.append((chat_id, text))
            self._changed.notify_all()
        return f"loop-{next(self._ids)}"

    def to(self, chat_id: str) -> str:
        """Everything `chat_id` received, its parts joined."""
        return "\n".join(text for chat, text in self.inbox if chat == chat_id)

    async def wait_text(self, chat_id: str, fragment: str, within: float = 20) -> str:
        """What `chat_id` has received, once it contains `fragment`."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: fragment in self.to(chat_id)), within
            )
        return self.to(chat_id)


def factory(secret: str, built: list[Loopback]) -> Callable[[Wiring], Loopback]:
    """A registry entry for the loopback; what it builds is appended to `built`."""

    def build(wiring: Wiring) -> Loopback:
        channel = Loopback(wiring.handle, secret)
        built.append(channel)
        return channel

    return build
