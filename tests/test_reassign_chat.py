"""/phancong: a secretary gives a household to another member, and both are told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import Assignment, OutboxMessage
from tests.dialog import Chat, report_deed, verify_dialog
from tests.factories import Cell


async def test_secretary_reassigns_a_household_and_both_are_told(
    mai: Chat, xien: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await report_deed(xien, "1", "Sửa bếp")
    await verify_dialog(
        mai,
        [
            ("phan cong", "Hộ nào? Đồng chí viết mã hộ, ví dụ NL-012."),
            ("pk-01", "Hộ Lò Văn Pành (PK-01) đang do Lò Văn Xiên phụ trách. Giao cho:"),
            ("Hà Thị Mai", "nay do Hà Thị Mai phụ trách; đang báo cho cả hai người"),
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
