"""/chuabaocao: secretaries see their cell, committees the cells under them, members nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from models import AuditEntry, CellType, MemberStatus, Organisation, OrgKind, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock


@pytest.fixture
async def leaders(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> Cell:
    """Mai is the cell's secretary; Ủy (in a second cell of 3) sits on the commune committee.
    The first cell also has an exempt elder who is not expected to report."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(
            session, "Chi bộ thôn Hai", OrgKind.CELL, commune, CellType.RURAL
        )
        uy = await factories.member(session, other.id, "Trần Văn Ủy", "0900000001", now)
        for n, name in enumerate(("Nông Thị Ba", "Ma Văn Bốn"), start=2):
            await factories.member(session, other.id, name, f"090000000{n}", now)
        await factories.member(
            session, cell.cell_id, "Cụ Lò Văn Già", "0900000009", now, status=MemberStatus.EXEMPT
        )
        await factories.role(session, cell.members["mai"], cell.cell_id)
        await factories.role(session, uy.id, commune.id, RoleKind.COMMITTEE_MEMBER)
        await factories.link(session, uy.id, "chat-uy", now)
    return cell


async def test_secretary_sees_who_has_not_reported_by_name(
    xien: Chat, dispatcher: Dispatcher, leaders: Cell
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    reply = await mai.send("/chuabaocao")
    assert "Chi bộ bản Test: 2/2 đảng viên chưa báo cáo tháng 11/2026" in reply
    assert "1. Hà Thị Mai" in reply and "2. Lò Văn Xiên" in reply
    assert "Già" not in reply  # exempt from meetings: not expected to report
    for said in ("/viectot", "1", "1", "Giúp", "1", "1"):
        await xien.send(said)
    reply = await mai.send("chua bao cao")
    assert "1/2" in reply and "Xiên" not in reply


async def test_committee_member_sees_cells_lagging_most_first(
    xien: Chat,
    dispatcher: Dispatcher,
    leaders: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    for said in ("/viectot", "1", "1", "Giúp", "1", "1"):
        await xien.send(said)
    reply = await Chat(dispatcher, chat_id="chat-uy").send("/chuabaocao")
    assert "2 chi bộ, 4/5 đảng viên chưa báo cáo tháng 11/2026" in reply
    assert reply.index("Chi bộ thôn Hai: 3/3") < reply.index("Chi bộ bản Test: 1/2")
    assert "Xiên" not in reply and "Mai" not in reply  # counts above the cell, not names
    async with sessionmaker() as session:
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "viewed_missing_reports")
        )
    assert audit is not None and audit.details == {"cells": 2}


async def test_member_is_refused_politely_and_does_not_see_the_command(
    xien: Chat, leaders: Cell
) -> None:
    assert "dành cho bí thư chi bộ và cấp ủy" in await xien.send("/chuabaocao")
    assert "/chuabaocao" not in await xien.send("/trogiup")


async def test_leaders_see_the_command_in_help(dispatcher: Dispatcher, leaders: Cell) -> None:
    assert "/chuabaocao" in await Chat(dispatcher, chat_id="chat-mai").send("/trogiup")
