"""The confirmation step of an upload in chat: a corrected file replaces the one checked, and
recording those not in the file as transferred out asks again, names them and their
households, never touches the sender, and is not offered when a third of the cell is missing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Member, MemberStatus
from tests.dialog import Chat
from tests.factories import Cell
from tests.roster_files import MEMBERS, Rows, cell_workbook, workbook

DUC: list[object] = [3, "", "Nguyễn Văn Đức", "0901234567", "", ""]
DAT: list[object] = [4, "", "Nguyễn Văn Đạt", "0901234568", "", ""]


async def _status(sessionmaker: async_sessionmaker[AsyncSession], phone: str) -> MemberStatus:
    async with sessionmaker() as session:
        member = await session.scalar(select(Member).where(Member.phone == phone))
        assert member is not None
        return member.status


async def test_a_corrected_file_at_the_confirmation_replaces_the_first(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await mai.send(document=("ds.xlsx", cell_workbook(members=[*MEMBERS, DUC])))
    assert "Đảng viên mới (1): Nguyễn Văn Đức" in reply
    reply = await mai.send(document=("ds-sua.xlsx", cell_workbook(members=[*MEMBERS, DAT])))
    assert "Đảng viên mới (1): Nguyễn Văn Đạt" in reply and "Đức" not in reply
    assert "Xong. Đã ghi các thay đổi:" in await mai.tap("Áp dụng")
    async with sessionmaker() as session:
        names = set(await session.scalars(select(Member.full_name)))
    assert names == {"Lò Văn Xiên", "Hà Thị Mai", "Nguyễn Văn Đạt"}


async def test_marking_those_missing_asks_again_and_never_marks_the_sender(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await mai.send(document=("ds.xlsx", cell_workbook(members=[*MEMBERS, DUC, DAT])))
    await mai.tap("Áp dụng")
    # Mai sends a list without Xiên and without herself.
    reply = await mai.send(document=("ds.xlsx", workbook(members=[DUC, DAT])))
    assert "không có trong tệp (2): Hà Thị Mai, Lò Văn Xiên" in reply
    reply = await mai.tap("Áp dụng + ghi 1 người là đã chuyển đi")
    assert "1 đồng chí sau sẽ được ghi là đã chuyển sinh hoạt đi: Lò Văn Xiên." in reply
    assert (
        "Hộ do các đồng chí được ghi là đã chuyển đi phụ trách (5), cần giao cho đảng viên "
        "khác (/phancong): PK-01 (Lò Văn Xiên), PK-02 (Lò Văn Xiên)" in reply
    )
    assert await _status(sessionmaker, "0912345678") is MemberStatus.ACTIVE  # not yet
    reply = await mai.tap("Đúng, ghi là đã chuyển đi")
    assert "Đổi tình trạng (1): Lò Văn Xiên → đã chuyển sinh hoạt đi" in reply
    assert await _status(sessionmaker, "0912345678") is MemberStatus.TRANSFERRED_OUT
    assert await _status(sessionmaker, "0987654321") is MemberStatus.ACTIVE


async def test_marking_is_not_offered_when_over_a_third_of_the_cell_is_missing(
    mai: Chat, cell: Cell
) -> None:
    members: Rows = [MEMBERS[1], DUC]  # Xiên, one of the two members, is missing
    reply = await mai.send(document=("ds.xlsx", cell_workbook(members=members)))
    assert (
        "1/2 đảng viên của Chi bộ bản Test không có trong tệp: đồng chí xem lại tệp đã đủ chưa. "
        "Vì vậy trợ lý không đề nghị ghi họ là đã chuyển đi." in reply
    )
    assert [choice.label for choice in mai.last[-1].choices] == ["Áp dụng", "Hủy"]
