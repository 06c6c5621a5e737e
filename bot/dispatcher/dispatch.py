"""Handles inbound messages: one transaction for a batch of chats, refusals and crashes alone."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core import metrics
from bot.core.clock import Clock, SystemClock
from bot.core.config import Settings
from bot.core.i18n import N_, Translator, translator
from bot.core.logs import MESSAGE_KEY
from bot.core.messages import ChatEvent, InboundMessage, OutboundMessage
from bot.delivery.history import expect_offers
from bot.delivery.reach import set_blocked
from bot.dispatcher.batches import ChatBatcher
from bot.dispatcher.documents import read_document
from bot.dispatcher.state import StateChanges, load_state, stored_states
from bot.services.audit import hold_audit, write_held_audit
from bot.services.batch_reads import expect_members
from bot.services.errors import DomainError
from bot.services.identity import member_for_address, members_for_addresses
from handlers.base import Context, Later, Registry
from handlers.flow_state import FlowState
from handlers.registry import build_registry
from handlers.router import route
from models import Member, MemberStatus, ProcessedMessage

log = logging.getLogger(__name__)

WRITE_RACE_ATTEMPTS = 2
CRASH_TEXT = N_(
    "Sorry, something went wrong on my side and your last message was not saved. "
    "Please send it again in a moment."
)
LATER_FAILED = N_("Sorry, I could not finish that just now. Please ask again in a moment.")


MAX_BATCH = 64
# A batch's messages recorded as handled, redeliveries left out: one statement (SQLAlchemy
# sends the rows as one multi-row INSERT), built once per dialect rather than per batch.
_PROCESSED = cast(Table, ProcessedMessage.__table__)
_RECORD = {
    dialect: insert(_PROCESSED)
    .on_conflict_do_nothing()
    .returning(_PROCESSED.c.channel, _PROCESSED.c.external_chat_id, _PROCESSED.c.message_id)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _chat(message: InboundMessage) -> tuple[str, str]:
    return message.channel, message.chat_id


class Dispatcher:
    """Turns an InboundMessage into replies; safe to call concurrently, for any chats.

    Messages of different chats that arrive while others are being handled are handled
    together, in one transaction (group commit: one commit for many messages); a chat's own
    messages are handled one after another, in order. If anything in a batch fails, the whole
    batch is rolled back and its messages are handled again one by one, each in its own
    transaction, so a failing message never takes others down with it.

    `workers` batches may be under way at once (each its own transaction). One is fastest: a
    batch then holds every message that arrived while the previous one was handled. Its cost:
    a slow message (a district export takes seconds) holds up the answers of every chat in
    the meantime; SQLite runs one write transaction at a time anyway.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        clock: Clock | None = None,
        registry: Registry | None = None,
        *,
        workers: int = 1,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock or SystemClock()
        self.registry = registry or build_registry()
        self._batches = ChatBatcher(
            self._handle_batch, _chat, max_batch=max_batch, workers=workers
        )
        # Work to do after a committed message's batch (Context.after_commit), by message.
        self._later: dict[str, tuple[Translator, list[Later]]] = {}

    async def handle(self, message: InboundMessage) -> list[OutboundMessage]:
        """Process `message` once and return what to send back (nothing for a redelivery).

        A table file that came with it is read first, in a worker process and outside any
        transaction, so a big or hostile file holds up no other chat's answer."""
        metrics.INBOUND.labels(message.channel).inc()
        key = MESSAGE_KEY.set(message.source_key)
        started = time.perf_counter()
        try:
            replies = await self._batches.submit(await read_document(message))
            later = self._later.pop(message.source_key, None)
            if later is not None:
                replies = [*replies, *await self._do_later(message, *later)]
            return replies
        finally:
            metrics.HANDLING.labels(message.channel).observe(time.perf_counter() - started)
            MESSAGE_KEY.reset(key)

    async def _do_later(
        self, message: InboundMessage, t: Translator, works: list[Later]
    ) -> list[OutboundMessage]:
        """A committed message's long work, each piece opening the short sessions it needs."""
        replies: list[OutboundMessage] = []
        for work in works:
            try:
                replies.extend(await work(self.sessionmaker))
            except DomainError as error:
                replies.append(OutboundMessage(error.render(t)))
            except Exception:
                log.exception("work after handling %s failed", message.source_key)
                replies.append(OutboundMessage(t.gettext(LATER_FAILED)))
        return replies

    async def _handle_batch(
        self, messages: Sequence[InboundMessage]
    ) -> list[list[OutboundMessage]]:
        if len(messages) > 1:
            try:
                return await self._in_one_transaction(messages)
            except Exception:
                log.info(
                    "a batch of %d messages was rolled back; handling them one by one",
                    len(messages),
                    exc_info=True,
                )
        return [await self._handle_alone_safely(message) for message in messages]

    async def _handle_alone_safely(self, message: InboundMessage) -> list[OutboundMessage]:
        """One message alone; whatever fails (even the database while apologising) stays with
        this message, so the others of its batch keep their committed answers."""
        try:
            return await self._handle_alone(message)
        except Exception:
            log.exception("could not handle %s even alone", message.source_key)
            return [OutboundMessage(translator(self.settings.language).gettext(CRASH_TEXT))]

    async def _handle_alone(self, message: InboundMessage) -> list[OutboundMessage]:
        t = translator(self.settings.language)
        for attempt in range(1, WRITE_RACE_ATTEMPTS + 1):
            try:
                return (await self._in_one_transaction([message]))[0]
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
                log.exception("handler failed for %s (%s)", message.source_key, message.kinds)
            break
        return [OutboundMessage(t.gettext(CRASH_TEXT))]

    async def _in_one_transaction(
        self, messages: Sequence[InboundMessage]
    ) -> list[list[OutboundMessage]]:
        """Handle messages of different chats in one transaction; their replies in order."""
        now = self.clock.now()
        async with self.sessionmaker() as session, session.begin():
            hold_audit(session)  # the batch's reports' audit entries: one statement at the end
            fresh = await self._record_new(session, messages, now)
            for event in (message for message in fresh if message.event is not None):
                # Blocked or unblocked: nothing to answer, only who can be reached.
                blocked = event.event is ChatEvent.BLOCKED
                await set_blocked(session, event.channel, event.chat_id, blocked, now)
            fresh = [message for message in fresh if message.event is None]
            members: dict[tuple[str, str], Member] = {}
            states: dict[tuple[str, str], tuple[int, FlowState]] = {}
            for channel in {message.channel for message in fresh}:
                chat_ids = [message.chat_id for message in fresh if message.channel == channel]
                found = await members_for_addresses(session, channel, chat_ids)
                members.update(((channel, chat), member) for chat, member in found.items())
                stored = await stored_states(
                    session, channel, chat_ids, self.registry.draft_kind, lock=True
                )
                states.update(((channel, chat), state) for chat, state in stored.items())
            # A typed line may answer the last notice: its choices read for all at once.
            expect_offers(session, (member.id for member in members.values()))
            # The report dialog reads a member's households and month on most steps: each
            # read once for all.
            expect_members(session, (member.id for member in members.values()))
            handled: dict[tuple[str, str], Context] = {}
            changes = StateChanges()
            for message in fresh:
                row_id, state = states.get(_chat(message), (None, None))
                ctx = self._context(session, message, members.get(_chat(message)), state, now)
                await route(ctx)
                handled[_chat(message)] = ctx
                changes.add(row_id, *_chat(message), ctx.state, now)
            await changes.write(session)
            await write_held_audit(session)
        # Committed: the long work of these messages may now be done, outside the batch.
        for message in fresh:
            ctx = handled[_chat(message)]
            if ctx.later:
                self._later[message.source_key] = (ctx.t, ctx.later)
        answered = {id(message) for message in fresh}  # not `in fresh`: n² field comparisons
        return [
            handled[_chat(message)].replies if id(message) in answered else []
            for message in messages
        ]

    def _context(
        self,
        session: AsyncSession,
        message: InboundMessage,
        member: Member | None,
        state: FlowState | None,
        now: datetime,
    ) -> Context:
        if member is not None and member.status is MemberStatus.TRANSFERRED_OUT:
            # Read at the start of the batch; an earlier message of it (a roster import) may
            # have transferred them out since: from now on they are a stranger here.
            member = None
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
            bot_username=self.settings.telegram.bot_username or "",
            public_url=(self.settings.public_url or "").rstrip("/"),
            zalo_bot_name=self.settings.zalo.bot_name or "",
            state=state,
        )

    async def _record_new(
        self, session: AsyncSession, messages: Sequence[InboundMessage], now: datetime
    ) -> list[InboundMessage]:
        """Record the messages as handled (one statement); those not already handled before."""
        recorded = await session.execute(
            _RECORD[session.get_bind().dialect.name],
            [
                {
                    "channel": message.channel,
                    "external_chat_id": message.chat_id,
                    "message_id": message.message_id,
                    "processed_at": now,
                }
                for message in messages
            ],
        )
        new = {tuple(row) for row in recorded}
        return [m for m in messages if (m.channel, m.chat_id, m.message_id) in new]

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
            state = await load_state(
                session, message.channel, message.chat_id, self.registry.draft_kind
            )
        t = translator((member.language if member else None) or self.settings.language)
        replies = [OutboundMessage(error.render(t))]
        if state is not None and state.prompt:
            replies.append(OutboundMessage(state.prompt, state.choices))
        return replies
