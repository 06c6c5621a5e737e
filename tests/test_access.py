"""A member sees and changes only their own data and households."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.dispatcher.dispatch import Dispatcher
from bot.services.deeds import DeedDraft, edit_deed, record_deed, withdraw_deed
from bot.services.errors import AccessDeniedError, NotFoundError
from models import DeedCategory, DeedReport
from tests.dialog import Chat, report_deed
from tests.factories import Cell, FakeClock


async def test_households_list_shows_only_mine(xien: Chat, dispatcher: Dispatcher) -> None:
    mine = await xien.send("/ho")
    assert "đang phụ trách 5 hộ" in mine
    assert "Lò Văn Pành (PK-01)" in mine and "hộ nghèo" in mine
    assert "Vì Văn Dũng" not in mine
    theirs = await Chat(dispatcher, chat_id="chat-mai").send("/ho")
    assert "đang phụ trách 2 hộ" in theirs
    assert "Pành" not in theirs


async def test_household_choices_offer_only_mine(xien: Chat) -> None:
    reply = await xien.send("/viectot")
    assert "Lò Văn Pành" in reply
    assert "Vì Văn Dũng" not in reply


async def test_forged_button_for_someone_elses_household_is_refused(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await xien.send("/viectot")
    reply = await xien.send(choice=f"h:{cell.households['Vì Văn Dũng']}")
    assert "Chọn một hộ" in reply  # not one of the offered options: asked again
    async with sessionmaker() as session:
        assert await session.scalar(select(DeedReport)) is None


async def test_service_refuses_a_household_that_is_not_mine(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    draft = DeedDraft(
        month=clock.now().date().replace(day=1),
        household_id=cell.households["Vì Văn Dũng"],
        category=DeedCategory.OTHER,
        text="Giúp",
    )
    async with sessionmaker() as session:
        with pytest.raises(AccessDeniedError) as refused:
            await record_deed(
                session,
                member_id=cell.members["xien"],
                draft=draft,
                source_key="k1",
                now=clock.now(),
                max_length=2000,
            )
    assert "không do đồng chí phụ trách" in refused.value.render(translator("vi"))


async def test_cannot_edit_or_withdraw_someone_elses_report(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    month = clock.now().date().replace(day=1)
    draft = DeedDraft(month=month, household_id=None, category=DeedCategory.OTHER, text="Mai's")
    async with sessionmaker() as session, session.begin():
        report = await record_deed(
            session,
            member_id=cell.members["mai"],
            draft=draft,
            source_key="k2",
            now=clock.now(),
            max_length=2000,
        )
    async with sessionmaker() as session:
        with pytest.raises(NotFoundError):
            await edit_deed(
                session,
                member_id=cell.members["xien"],
                report_id=report.id,
                text="hacked",
                month=month,
                now=clock.now(),
                max_length=99,
            )
        with pytest.raises(NotFoundError):
            await withdraw_deed(session, cell.members["xien"], report.id, month, clock.now())
    async with sessionmaker() as session:
        stored = await session.get(DeedReport, report.id)
    assert stored is not None and stored.text == "Mai's" and stored.withdrawn_at is None


async def test_my_month_shows_only_my_reports(xien: Chat, dispatcher: Dispatcher) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await report_deed(mai, "1", "Việc của Mai")
    mine = await xien.send("/toi")
    assert "Số việc tốt đã báo cáo: 0" in mine
    assert "Việc của Mai" not in mine
    assert "Việc của Mai" in await mai.send("/toi")
