"""/mamoi is the cell secretary's and deputy's: committee members of the cell or above are
refused, and a new code for a member who has linked a chat needs a second tap."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import InviteCode, RoleKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell

REFUSED = "Mã mời do bí thư hoặc phó bí thư chi bộ cấp."


async def _role(
    sessionmaker: async_sessionmaker[AsyncSession], member_id: int, org_id: int, kind: RoleKind
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.role(session, member_id, org_id, kind, since=date(2026, 1, 1))


async def test_only_the_cells_secretary_or_deputy_handles_invite_codes(
    xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    xien_id = cell.members["xien"]
    await _role(sessionmaker, xien_id, cell.cell_id, RoleKind.COMMITTEE_MEMBER)
    assert REFUSED in await xien.send("/mamoi")
    await _role(sessionmaker, xien_id, cell.commune_id, RoleKind.COMMITTEE_MEMBER)
    assert REFUSED in await xien.send("/mamoi")
    assert REFUSED in await xien.send("/mamoi 0987654321")
    await _role(sessionmaker, xien_id, cell.cell_id, RoleKind.DEPUTY_SECRETARY)
    assert "Chi bộ bản Test: 2/2 đảng viên đã liên kết." in await xien.send("/mamoi")


async def test_a_new_code_for_a_linked_member_asks_first(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await mai.send("/mamoi 0987 654 321")  # Mai herself, linked as "chat-mai"
    assert (
        "Đồng chí Hà Thị Mai đã kết nối với trợ lý. Mã mới sẽ cho phép thêm một tài khoản "
        "khác kết nối với tên đồng chí Hà Thị Mai. Đồng chí vẫn muốn cấp mã mới?" in reply
    )
    async with sessionmaker() as session:
        before = len(list(await session.scalars(select(InviteCode))))
    reply = await mai.tap("Có, cấp mã mới")
    assert "Mã mời mới của đồng chí Hà Thị Mai:" in reply
    async with sessionmaker() as session:
        assert len(list(await session.scalars(select(InviteCode)))) == before + 1
    await mai.send("/mamoi 0987654321")
    assert "Đã hủy việc đang làm dở" in await mai.tap("Hủy")
    async with sessionmaker() as session:
        assert len(list(await session.scalars(select(InviteCode)))) == before + 1
