"""The contract every messenger adapter keeps, and what the composition root gives it.

A channel is one package under bot/channels/ with a `build(wiring)` factory that returns its
`Channel` (or None when its settings leave it unconfigured); bot/cli/channels.py lists the
factories. `chibo run` then only iterates: start each channel, mount its webhook routes on
chibo's HTTP server, hand the delivery worker its `deliver`, stop them in reverse order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlparse

from bot.core.config import Settings
from bot.core.messages import InboundMessage, OutboundMessage
from bot.delivery.outcome import Outcome, Progress
from bot.delivery.pacer import Budget, ChannelLimits, Pacer
from bot.dispatcher.dispatch import Dispatcher
from bot.services.kept import keep_file
from bot.web.media import MediaShelf
from bot.web.server import Feed, WebhookRoute

# What a channel calls with each message a person sent: the replies to send, in order.
Handle = Callable[[InboundMessage], Awaitable[list[OutboundMessage]]]


class StartupError(Exception):
    """A channel (or chibo) cannot start; the message says why in the reader's language.
    `lasting`: trying again cannot help (a refused token) until the operator acts; otherwise
    (network, the platform's own trouble) `chibo run` tries again with back-off."""

    def __init__(self, message: str, *, lasting: bool = False) -> None:
        super().__init__(message)
        self.lasting = lasting


@dataclass(frozen=True)
class Capabilities:
    """What a messenger can show and how fast it may be sent to."""

    text_length: int  # the longest text message; longer texts go out in parts, in order
    caption_length: int  # the longest caption under a picture or file; 0: the text follows it
    buttons: bool  # choices as buttons; otherwise a numbered list answered by number or label
    uploads: bool  # pictures and files are uploaded; otherwise sent as links (PUBLIC_URL)
    limits: ChannelLimits  # the rates the delivery queue keeps


class Channel(Protocol):
    """A messenger chibo serves.

    Inbound: `start` begins taking updates, either by its own polling loop or through
    `routes`, the webhook routes it wants mounted on chibo's HTTP server (empty when polling);
    each update becomes an InboundMessage for the `Handle` it was built with, and the replies go
    out through the same send path as `deliver`, with patience (bot.channels.replies).
    Outbound: `deliver` is the delivery queue's way to a chat: every part of a long text, in
    order, resumed after `sent_before`, reported to `progress`, and an `Outcome` that never
    raises for the platform's errors. Replies and queued messages wait on one `Budget` per
    bot token (`Wiring.budget`), replies first.
    """

    name: str  # "telegram", "zalo": the channel of ChatAddress and OutboxMessage rows
    capabilities: Capabilities

    @property
    def routes(self) -> Sequence[WebhookRoute]:
        """The webhook routes to mount on chibo's HTTP server (empty when polling)."""
        ...

    async def start(self) -> None:
        """Check the credentials and start taking updates; StartupError says what is wrong."""

    async def stop(self) -> None:
        """Stop taking updates, finish the ones in hand, close connections (also after a
        failed or missing start)."""

    async def deliver(
        self,
        chat_id: str,
        message: OutboundMessage,
        *,
        sent_before: Sequence[str] = (),
        progress: Progress | None = None,
    ) -> Outcome:
        """Send queued `message` to `chat_id` (its parts after the `sent_before` ones, each
        paced on the bot's budget behind replies) and say what happened."""
        ...


def webhook_route(url: str, secret_header: str, secret: str, feed: Feed) -> WebhookRoute:
    """The route on chibo's HTTP server for a webhook the platform posts to at `url` (behind
    a reverse proxy that keeps the path)."""
    return WebhookRoute(urlparse(url).path or "/", secret_header, secret, feed)


# The budget of one bot token: `key` names the token (not the token itself), `limits` its rates.
BudgetFactory = Callable[[str, ChannelLimits], Budget]


def local_budget(key: str, limits: ChannelLimits) -> Budget:
    """A budget of this process alone (SQLite, the tests, one process per token)."""
    return Pacer(limits)


@dataclass(frozen=True)
class Wiring:
    """What the composition root hands every channel factory."""

    settings: Settings
    dispatcher: Dispatcher
    media: MediaShelf | None = None  # where pictures and files sent by link are kept
    budgets: BudgetFactory = local_budget  # shared by every process on PostgreSQL

    def budget(self, channel: str, token: str, limits: ChannelLimits) -> Budget:
        """The sending budget of `channel`'s bot `token`."""
        digest = hashlib.sha256(token.encode()).hexdigest()[:16]
        return self.budgets(f"{channel}:{digest}", limits)

    @property
    def handle(self) -> Handle:
        """Where a channel hands each message it receives."""
        return self.dispatcher.handle

    async def keep_file(self, content: bytes, mime_type: str, channel: str) -> str:
        """Keep a file a person sent (a picture whose platform URL may expire) in the
        database, in a short transaction of its own; its reference ("kept:...")."""
        async with self.dispatcher.sessionmaker() as session, session.begin():
            return await keep_file(
                session, content, mime_type, channel, self.dispatcher.clock.now()
            )


# Keeps a file's bytes (content, MIME type, channel) and returns its reference.
Keep = Callable[[bytes, str, str], Awaitable[str]]


# A channel package's `build`: its channel as configured in `wiring.settings`, or None.
ChannelFactory = Callable[[Wiring], Channel | None]
