"""/phancong: a secretary gives a household to another member, and both are told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Assignment, MemberStatus, OutboxMessage
from tests import factories
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import Cell, FakeClock


async def test_secretary_reassigns_a_household_and_both_are_told(
    mai: Chat, xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await report_deed(xien, "1", "Sửa bếp")
    await verify_dialog(
        mai,
        [
            ("phan cong", "Hộ nào? Đồng chí viết mã hộ (ví dụ NL-012), tên chủ hộ hoặc số"),
            ("pk-01", "Hộ Lò Văn Pành (PK-01) đang do Lò Văn Xiên phụ trách. Giao cho:"),
            ("Hà Thị Mai", "Đồng chí Hà Thị Mai đang phụ trách 2 hộ; thêm hộ này là 3."),
            ("co", "nay do Hà Thị Mai phụ trách; đang báo cho cả hai người"),
        ],
    )
    async with sessionmaker() as session:
        history = list(
            await session.execute(
                select(Assignment.member_id, Assignment.ended_on)
                .where(Assignment.household_id == cell.households["Lò Văn Pành"])
                .order_by(Assignment.id)
            )
        )
        told = list(await session.scalars(select(OutboxMessage)))
    assert [(m, e is None) for m, e in history] == [
        (cell.members["xien"], False),
        (cell.members["mai"], True),
    ]
    assert [m.member_id for m in told] == [cell.members["xien"]]  # Mai did it herself
    assert "Các báo cáo đồng chí đã gửi vẫn được giữ" in told[0].text
    assert "Sửa bếp" in await xien.send("/toi")  # his report stays his


async def test_members_cannot_reassign_and_other_cells_households_are_not_found(
    mai: Chat, xien: Chat
) -> None:
    assert "Không có hộ XX-99 trong số hộ chi bộ đồng chí phụ trách" in await mai.send(
        "/phancong XX-99"
    )
    assert "Lệnh này dành cho bí thư chi bộ và cấp ủy viên" in await xien.send("/phancong PK-01")
    assert "/phancong" not in await xien.send("/trogiup")


async def test_a_household_by_name_or_number_and_the_load_in_view(
    mai: Chat,
    xien: Chat,
    cell: Cell,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        await factories.member(
            session,
            cell.cell_id,
            "Lò Văn Pá",
            "0912000777",
            clock.now(),
            MemberStatus.WORKING_AWAY,
        )
    listing = await mai.send("/phancong")
    assert "2. Quàng Thị Ún (PK-02) – Lò Văn Xiên" in listing  # listed by code, numbered
    asked = await mai.send("ba Un")  # the head's name, no tone marks
    assert "Hộ Quàng Thị Ún (PK-02) đang do Lò Văn Xiên phụ trách" in asked
    assert "Hà Thị Mai (2 hộ)" in asked and "Lò Văn Pá (0 hộ, đi làm ăn xa)" in asked
    confirm = await mai.send("Lò Văn Pá")
    assert "Giao hộ Quàng Thị Ún (PK-02) cho đồng chí Lò Văn Pá?" in confirm
    assert "Lưu ý: đồng chí Lò Văn Pá đang đi làm ăn xa." in confirm
    assert "không có gì thay đổi" in await mai.send("khong")
    await mai.send("/phancong")
    assert "Hộ Cầm Thị Hoa (PK-04)" in await mai.send("4")  # by its number in the list
    assert "Giao hộ Cầm Thị Hoa (PK-04)" in await mai.send("1")  # first member offered
    assert "nay do" in await mai.send("dong y")
    async with sessionmaker() as session:
        ung = await session.scalar(
            select(Assignment.member_id).where(
                Assignment.household_id == cell.households["Quàng Thị Ún"],
                Assignment.ended_on.is_(None),
            )
        )
    assert ung == cell.members["xien"]  # "không" changed nothing


async def test_an_unknown_household_is_asked_again(mai: Chat) -> None:
    await mai.send("/phancong")
    assert "chưa tìm thấy hộ đó" in await mai.send("ông Không Ai")
    assert "Giao cho:" in await mai.send("PK-07")
