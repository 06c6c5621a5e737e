"""Assignments keep their history; a household has one current member; status history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.services.errors import InvalidInputError
from bot.services.roster.history import assign_household, change_member_status
from models import Assignment, AuditEntry, MemberStatus, MemberStatusChange
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

TODAY = date(2026, 11, 15)  # the test clock's local date


async def test_reassignment_keeps_history_and_reports_stay_with_their_author(
    xien: Chat,
    dispatcher: Dispatcher,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    for said in ("/viectot", "Lò Văn Pành", "Sửa bếp", "1"):
        await xien.send(said)
    pank = cell.households["Lò Văn Pành"]
    async with sessionmaker() as session, session.begin():
        result = await assign_household(
            session,
            household_id=pank,
            member_id=cell.members["mai"],
            on=date(2026, 11, 15),
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
        )
    assert result.previous_member_id == cell.members["xien"]
    assert result.households_now == 3 and not result.overloaded
    async with sessionmaker() as session:
        history = list(
            await session.scalars(
                select(Assignment).where(Assignment.household_id == pank).order_by(Assignment.id)
            )
        )
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "household_assigned")
        )
    assert [(a.member_id, a.ended_on) for a in history] == [
        (cell.members["xien"], date(2026, 11, 15)),
        (cell.members["mai"], None),
    ]
    assert audit is not None
    assert "Pành" not in await xien.send("/ho")
    assert "Sửa bếp" in await xien.send("/toi")  # his report stays his
    assert "Lò Văn Pành" in await Chat(dispatcher, chat_id="chat-mai").send("/ho")


async def test_more_than_five_households_is_a_warning_not_a_refusal(
    cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session, session.begin():
        extra = await factories.household(
            session, cell.commune_id, "PK-99", "Hà Văn Mới", clock.now()
        )
        result = await assign_household(
            session,
            household_id=extra.id,
            member_id=cell.members["xien"],
            on=date(2026, 11, 15),
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
        )
    assert result.households_now == 6 and result.overloaded


async def test_database_refuses_two_current_members_for_one_household(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        session.add(
            Assignment(
                member_id=cell.members["mai"],
                household_id=cell.households["Lò Văn Pành"],
                started_on=date(2026, 11, 1),
            )
        )
        with pytest.raises(IntegrityError):
            await session.flush()


async def test_status_change_is_kept_as_history_and_transferred_members_lose_the_bot(
    xien: Chat, cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session, session.begin():
        await change_member_status(
            session,
            member_id=cell.members["xien"],
            status=MemberStatus.WORKING_AWAY,
            effective_on=date(2026, 6, 1),
            note="Làm ở Bắc Ninh",
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
        )
        await change_member_status(
            session,
            member_id=cell.members["xien"],
            status=MemberStatus.TRANSFERRED_OUT,
            effective_on=date(2026, 11, 1),
            note=None,
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
        )
    async with sessionmaker() as session:
        changes = list(
            await session.scalars(
                select(MemberStatusChange.status).order_by(MemberStatusChange.id)
            )
        )
    assert changes == [MemberStatus.WORKING_AWAY, MemberStatus.TRANSFERRED_OUT]
    assert "/start" in await xien.send("/ho")  # a transferred-out member is a stranger now


async def test_future_dates_are_refused(
    cell: Cell, clock: FakeClock, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        with pytest.raises(InvalidInputError):
            await assign_household(
                session,
                household_id=cell.households["Lò Văn Pành"],
                member_id=cell.members["mai"],
                on=date(2026, 12, 1),
                actor_member_id=None,
                now=clock.now(),
                today=TODAY,
            )
        with pytest.raises(InvalidInputError):
            await change_member_status(
                session,
                member_id=cell.members["mai"],
                status=MemberStatus.EXEMPT,
                effective_on=date(2026, 12, 1),
                note=None,
                actor_member_id=None,
                now=clock.now(),
                today=TODAY,
            )
