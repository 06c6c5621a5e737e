"""Messages of different chats handled together (one transaction) lose and duplicate nothing."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import planning_tick, reminders_tick
from bot.core.config import Settings
from bot.core.messages import InboundMessage
from bot.dispatcher.batches import ChatBatcher
from bot.dispatcher.dispatch import Dispatcher
from bot.services.errors import InvalidInputError
from bot.services.meetings.calendar import ScheduleRules, set_schedule
from bot.services.roster.history import assign_household
from handlers.base import Command, Context, Registry
from handlers.registry import build_registry
from models import (
    AuditEntry,
    DeedReport,
    DeliveryStatus,
    Member,
    MemberStatus,
    OutboxMessage,
    Pledge,
)
from tests import factories
from tests.dialog import Chat, crashing_registry
from tests.factories import Cell, FakeClock, stored_reports


async def _at_confirm(chat: Chat) -> None:
    for said in ("/viectot", "1", "1", "Giúp dựng nhà", "1"):
        await chat.send(said)
    assert "Gửi báo cáo" in chat.transcript[-1][1]


def _send_tap(chat: Chat, message_id: str) -> InboundMessage:
    """The "Send the report" button of `chat`, as message `message_id`."""
    return InboundMessage(
        channel=chat.channel, chat_id=chat.chat_id, message_id=message_id, choice="send"
    )


async def _together(dispatcher: Dispatcher, *messages: InboundMessage) -> list[str]:
    """Send messages of different chats at once; each one's replies as one text."""
    answers = await asyncio.gather(*(dispatcher.handle(message) for message in messages))
    return ["\n".join(reply.text for reply in answer) for answer in answers]


async def _audited_reports(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    """The reports the audit log says were reported, in order; held back by the batch and
    written before its commit, they must match the stored reports one for one."""
    async with sessionmaker() as session:
        audited = await session.scalars(
            select(AuditEntry.subject_id)
            .where(AuditEntry.action == "deed_reported")
            .order_by(AuditEntry.subject_id)
        )
        subjects = list(audited)
        stored = list(await session.scalars(select(DeedReport.id).order_by(DeedReport.id)))
    assert subjects == stored
    return stored


async def _mai(dispatcher: Dispatcher) -> Chat:
    return Chat(dispatcher, chat_id="chat-mai")


async def test_reports_of_two_chats_sent_at_once_are_both_stored(
    xien: Chat, dispatcher: Dispatcher, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mai = await _mai(dispatcher)
    for chat in (xien, mai):
        await _at_confirm(chat)
    answers = await _together(dispatcher, _send_tap(xien, "x-send"), _send_tap(mai, "m-send"))
    assert all("Đã ghi nhận" in answer for answer in answers), answers
    assert len(await stored_reports(sessionmaker)) == 2
    # Both confirmations were recorded as handled: the platform's redeliveries are dropped.
    again = await _together(dispatcher, _send_tap(xien, "x-send"), _send_tap(mai, "m-send"))
    assert again == ["", ""]
    assert len(await stored_reports(sessionmaker)) == 2
    assert len(await _audited_reports(sessionmaker)) == 2


async def test_a_crash_in_one_chat_loses_nothing_of_the_others(
    xien: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    registry = crashing_registry()
    dispatcher = Dispatcher(sessionmaker, settings, clock, registry)
    xien = Chat(dispatcher, chat_id=xien.chat_id)
    await _at_confirm(xien)
    boom = InboundMessage(channel="console", chat_id="chat-mai", message_id="boom", text="/boom")
    sent, crashed = await _together(dispatcher, _send_tap(xien, "x-send"), boom)
    assert "Đã ghi nhận" in sent
    assert "hệ thống gặp sự cố" in crashed
    assert len(await stored_reports(sessionmaker)) == 1
    assert len(await _audited_reports(sessionmaker)) == 1  # rolled back with the batch, once
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Pledge)) == 0
    # The crashed message was not marked as handled, so its retry is processed again.
    assert "hệ thống gặp sự cố" in (await _together(dispatcher, boom))[0]


def _refusing_registry() -> Registry:
    """chibo's commands plus /no, which always refuses."""
    registry = build_registry()

    async def refuse(ctx: Context, args: str) -> None:
        raise InvalidInputError("That is not a number.")

    registry.commands.insert(0, Command(("no",), refuse, ""))
    return registry


async def test_a_refusal_in_one_chat_keeps_the_others_answers(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    dispatcher = Dispatcher(sessionmaker, settings, xien.dispatcher.clock, _refusing_registry())
    xien = Chat(dispatcher, chat_id=xien.chat_id)
    await _at_confirm(xien)
    no = InboundMessage(channel="console", chat_id="chat-mai", message_id="no", text="/no")
    sent, refused = await _together(dispatcher, _send_tap(xien, "x-send"), no)
    assert "Đã ghi nhận" in sent
    assert "That is not a number." in refused
    assert len(await stored_reports(sessionmaker)) == 1


async def test_a_chats_messages_are_handled_in_order_one_at_a_time() -> None:
    seen: list[Sequence[tuple[str, int]]] = []

    async def process(batch: Sequence[tuple[str, int]]) -> list[int]:
        seen.append(batch)
        await asyncio.sleep(0)
        return [number for _, number in batch]

    batcher: ChatBatcher[tuple[str, int], int] = ChatBatcher(
        process, lambda item: item[0], max_batch=3, workers=2
    )
    items = [(chat, number) for number in range(5) for chat in "abcd"]
    results = await asyncio.gather(*(batcher.submit(item) for item in items))
    assert results == [number for _, number in items]
    for chat in "abcd":
        order = [number for batch in seen for c, number in batch if c == chat]
        assert order == list(range(5))
    assert all(len({c for c, _ in batch}) == len(batch) <= 3 for batch in seen)


async def test_a_batch_cancelled_from_inside_does_not_strand_the_next() -> None:
    calls = 0

    async def process(batch: Sequence[str]) -> list[str]:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if calls == 1:
            raise asyncio.CancelledError  # e.g. a library call cancelled under us
        return [f"ok {item}" for item in batch]

    batcher: ChatBatcher[str, str] = ChatBatcher(process, lambda item: item)
    first = asyncio.ensure_future(batcher.submit("a"))
    await asyncio.sleep(0)  # "a" is under way; "b" waits for the next batch
    second = asyncio.ensure_future(batcher.submit("b"))
    assert await asyncio.wait_for(second, 5) == "ok b"
    assert first.cancelled()


async def test_a_failure_while_re_handling_alone_stays_with_its_message(
    xien: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    dispatcher = Dispatcher(sessionmaker, settings, clock, _refusing_registry())

    async def refusal_fails(message: InboundMessage, error: Exception) -> list[object]:
        raise OSError("database went away while apologising")

    dispatcher._refusal = refusal_fails  # type: ignore[assignment,method-assign]
    xien = Chat(dispatcher, chat_id=xien.chat_id)
    await _at_confirm(xien)
    no = InboundMessage(channel="console", chat_id="chat-mai", message_id="no", text="/no")
    sent, refused = await _together(dispatcher, _send_tap(xien, "x-send"), no)
    assert "Đã ghi nhận" in sent  # committed alone, and its answer kept
    assert "hệ thống gặp sự cố" in refused
    assert len(await stored_reports(sessionmaker)) == 1


async def test_a_member_transferred_out_earlier_in_the_batch_is_a_stranger_after(
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    registry = build_registry()

    async def transfer_mai(ctx: Context, args: str) -> None:
        mai = await ctx.session.get(Member, cell.members["mai"])
        assert mai is not None
        mai.status = MemberStatus.TRANSFERRED_OUT
        ctx.say("done")

    registry.commands.insert(0, Command(("transfer",), transfer_mai, "", for_strangers=True))
    dispatcher = Dispatcher(sessionmaker, settings, clock, registry)
    transfer = InboundMessage(channel="console", chat_id="x", message_id="t", text="/transfer")
    mine = InboundMessage(channel="console", chat_id="chat-mai", message_id="m", text="/toi")
    done, answer = await _together(dispatcher, transfer, mine)  # one batch, in this order
    assert done == "done"
    assert "chưa được liên kết" in answer  # not Mai's month: she left the cell


async def test_numbers_typed_at_once_answer_each_members_own_reminder(
    xien: Chat,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    """The last notices' choices are read for a whole batch at once: each member's typed
    number still answers only what that member received."""
    async with sessionmaker() as session, session.begin():
        schedule = await set_schedule(
            session, cell.cell_id, ScheduleRules(24, time(19, 30)), clock.now()
        )
        schedule.nudge_days = []
    await planning_tick(sessionmaker, clock, Settings(_env_file=None))
    clock.current = datetime(2026, 11, 21, 1, 0, tzinfo=UTC)
    await reminders_tick(sessionmaker, clock, Settings(_env_file=None))
    async with sessionmaker() as session, session.begin():  # delivered to Xiến only
        for message in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.member_id == cell.members["xien"])
        ):
            message.status, message.sent_at = DeliveryStatus.SENT, clock.now()
    mai = await _mai(dispatcher)
    typed = [
        InboundMessage(channel=chat.channel, chat_id=chat.chat_id, message_id="n1", text="1")
        for chat in (xien, mai)
    ]
    xien_read, mai_read = await _together(dispatcher, *typed)
    assert "sẽ tham dự" in xien_read
    assert "sẽ tham dự" not in mai_read


async def test_a_household_reassigned_earlier_in_the_batch_is_listed_after(
    xien: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    clock: FakeClock,
) -> None:
    """A batch's households are read together: a message of the batch that moves a household
    from Mai to Xiên (after Mai's message read them) is seen by the later ones."""
    registry = build_registry()

    async def give_nga_to_xien(ctx: Context, args: str) -> None:
        await assign_household(
            ctx.session,
            household_id=cell.households["Lò Thị Nga"],
            member_id=cell.members["xien"],
            on=clock.now().date(),
            actor_member_id=None,
            now=clock.now(),
            today=clock.now().date(),
        )
        ctx.say("done")

    registry.commands.insert(0, Command(("giao",), give_nga_to_xien, "", for_strangers=True))
    dispatcher = Dispatcher(sessionmaker, settings, clock, registry)
    mine = [
        InboundMessage(channel=chat, chat_id=chat_id, message_id="v", text="/viectot")
        for chat, chat_id in ((xien.channel, xien.chat_id), (xien.channel, "chat-mai"))
    ]

    async def together(*messages: InboundMessage) -> list[str]:  # texts and buttons
        answers = await asyncio.gather(*(dispatcher.handle(message) for message in messages))
        return [
            "\n".join(f"{reply.text} {[c.label for c in reply.choices]}" for reply in answer)
            for answer in answers
        ]

    before_xien, before_mai = await together(*mine)
    assert "Lò Thị Nga" not in before_xien and "Lò Thị Nga" in before_mai
    xien_again, mai_again = (replace(message, message_id="v2") for message in mine)
    move = InboundMessage(channel="console", chat_id="x", message_id="g", text="/giao")
    # One batch, in this order: Mai's list read (with Xiên's), the move, Xiên's list.
    mai_list, done, xien_list = await together(mai_again, move, xien_again)
    assert "Lò Thị Nga" in mai_list
    assert done.startswith("done")
    assert "Lò Thị Nga" in xien_list


async def test_reports_sent_at_once_from_two_chats_of_one_member_count_each_other(
    xien: Chat,
    dispatcher: Dispatcher,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    """A batch's month counts are read once for all its members: a member's second report
    in the same batch (from their other chat) still counts the first."""
    async with sessionmaker() as session, session.begin():
        await factories.link(session, cell.members["xien"], "xien-2", clock.now())
    other, mai = Chat(dispatcher, chat_id="xien-2"), await _mai(dispatcher)
    for chat in (xien, other, mai):
        await _at_confirm(chat)
    first, by_mai, second = await _together(
        dispatcher, _send_tap(xien, "a"), _send_tap(mai, "m"), _send_tap(other, "b")
    )
    assert "tháng này có 1 việc" in first, first
    assert "tháng này có 1 việc" in by_mai, by_mai
    assert "tháng này có 2 việc" in second, second
    assert len(await _audited_reports(sessionmaker)) == 3
