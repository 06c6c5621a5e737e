"""Handles one inbound message: one session, one commit, domain errors turned into replies."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.i18n import N_, translator
from bot.messages import InboundMessage, OutboundMessage
from bot.services.conversation import load_state, save_state
from bot.services.errors import DomainError
from bot.services.identity import member_for_address
from handlers.base import Context, Registry
from handlers.registry import build_registry
from handlers.router import route
from models import ProcessedMessage

log = logging.getLogger(__name__)

WRITE_RACE_ATTEMPTS = 2
CRASH_TEXT = N_(
    "Sorry, something went wrong on my side and your last message was not saved. "
    "Please send it again in a moment."
)


class Dispatcher:
    """Turns an InboundMessage into replies; safe to call concurrently for different chats."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock | None = None,
        registry: Registry | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock or SystemClock()
        self.registry = registry or build_registry()

    async def handle(self, message: InboundMessage) -> list[OutboundMessage]:
        """Process `message` once and return what to send back (nothing for a redelivery)."""
        t = translator(self.settings.language)
        for attempt in range(1, WRITE_RACE_ATTEMPTS + 1):
            try:
                return await self._handle_once(message)
            except DomainError as error:
                return await self._refusal(message, error)
            except IntegrityError:
                if await self._was_processed(message):
                    log.info("duplicate delivery of %s ignored", message.source_key)
                    return []
                if attempt < WRITE_RACE_ATTEMPTS:
                    # Another message of the same chat wrote first (e.g. both created the
                    # chat's state): everything was rolled back, so handling again is safe.
                    log.info("write race on %s; handling it again", message.source_key)
                    continue
                log.exception("integrity error while handling %s", message.source_key)
            except Exception:
                log.exception("handler failed for %s: %r", message.source_key, message)
            break
        return [OutboundMessage(t.gettext(CRASH_TEXT))]

    async def _handle_once(self, message: InboundMessage) -> list[OutboundMessage]:
        now = self.clock.now()
        async with self.sessionmaker() as session, session.begin():
            if await self._seen_before(session, message, now):
                return []
            ctx = await self._context(session, message, now)
            loaded_row_id = ctx.state.row_id if ctx.state is not None else None
            await route(ctx)
            await save_state(
                session, message.channel, message.chat_id, ctx.state, now, loaded_row_id
            )
        return ctx.replies

    async def _context(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> Context:
        member = await member_for_address(session, message.channel, message.chat_id)
        language = (member.language if member else None) or self.settings.language
        return Context(
            session=session,
            message=message,
            member=member,
            t=translator(language),
            tz=self.settings.tz,
            now=now,
            max_text_length=self.settings.max_text_length,
            registry=self.registry,
            default_language=self.settings.language,
            bot_username=self.settings.telegram_bot_username or "",
            state=await load_state(session, message.channel, message.chat_id, lock=True),
        )

    async def _seen_before(
        self, session: AsyncSession, message: InboundMessage, now: datetime
    ) -> bool:
        """Record the message as handled; True if it already was (one statement either way)."""
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        recorded = await session.scalar(
            insert(ProcessedMessage)
            .values(
                channel=message.channel,
                external_chat_id=message.chat_id,
                message_id=message.message_id,
                processed_at=now,
            )
            .on_conflict_do_nothing()
            .returning(ProcessedMessage.id)
        )
        return recorded is None

    async def _was_processed(self, message: InboundMessage) -> bool:
        async with self.sessionmaker() as session:
            found = await session.scalar(
                select(ProcessedMessage.id).where(
                    ProcessedMessage.channel == message.channel,
                    ProcessedMessage.external_chat_id == message.chat_id,
                    ProcessedMessage.message_id == message.message_id,
                )
            )
        return found is not None

    async def _refusal(self, message: InboundMessage, error: DomainError) -> list[OutboundMessage]:
        """The error in the reader's words, then the pending question again (nothing was lost:
        the whole message was rolled back, so the chat is where it was before it)."""
        async with self.sessionmaker() as session:
            member = await member_for_address(session, message.channel, message.chat_id)
            state = await load_state(session, message.channel, message.chat_id)
        t = translator((member.language if member else None) or self.settings.language)
        replies = [OutboundMessage(error.render(t))]
        if state is not None and state.prompt:
            replies.append(OutboundMessage(state.prompt, state.choices))
        return replies
