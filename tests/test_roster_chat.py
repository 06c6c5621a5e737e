"""A secretary sends the cell's list in chat, sees what is wrong or what would change, applies;
and sees who has linked a chat, giving a member a new invite code."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.roster_upload import PROBLEMS_SHOWN
from models import Household, InviteCode, Member, Organisation, OrgKind
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell
from tests.roster_files import HOUSEHOLDS, MEMBERS, Rows, cell_workbook

NEW_MEMBER: list[object] = [
    3,
    "",
    "Nguyễn Văn Đức",
    "0901234567",
    "dự bị",
    "",
]  # no cell: the secretary's


async def test_secretary_fixes_the_file_then_applies_it(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    broken: Rows = [*MEMBERS, [3, "", "Nguyễn Văn Đức", "0901 23", "", ""]]
    reply = await mai.send(document=("chi-bo.xlsx", cell_workbook(members=broken)))
    assert "Tệp có 1 lỗi; chưa ghi gì:" in reply
    assert "Trang “Đảng viên”, dòng 4, cột D (Số điện thoại): “0901 23” không phải là số" in reply
    assert "Đồng chí vui lòng sửa tệp rồi gửi lại." in reply
    households: Rows = [*HOUSEHOLDS, ["PK-08", "Hoàng Thị Lý", "", "", "", "0901234567"]]
    reply = await mai.send(
        document=(
            "chi-bo.xlsx",
            cell_workbook(members=[*MEMBERS, NEW_MEMBER], households=households),
        )
    )
    assert "Tệp hợp lệ. Nếu áp dụng sẽ thay đổi:" in reply
    assert "Đảng viên mới (1): Nguyễn Văn Đức" in reply and "Hộ mới (1): PK-08" in reply
    assert "Đồng chí có muốn ghi các thay đổi này không?" in reply
    async with sessionmaker() as session:
        assert await session.scalar(select(Member).where(Member.phone == "0901234567")) is None
    reply = await mai.tap("Áp dụng")
    assert "Xong. Đã ghi các thay đổi:" in reply
    assert "Gửi /mamoi để lấy mã mời cho các đồng chí mới." in reply
    async with sessionmaker() as session:
        duc = await session.scalar(select(Member).where(Member.phone == "0901234567"))
        assert duc is not None and duc.cell_id == cell.cell_id
        assert await session.scalar(select(Household).where(Household.code == "PK-08"))


async def test_start_without_a_file_offers_the_template_and_waits_for_the_file(
    mai: Chat, cell: Cell
) -> None:
    reply = await mai.send("/danhsach")
    assert "Gửi đồng chí tệp mẫu để điền" in reply
    [template] = [m.document for m in mai.last if m.document is not None]
    assert template.file_name == "mau-danh-sach-chi-bo.xlsx" and template.content
    assert "Đồng chí gửi tệp danh sách" in reply
    assert "Đồng chí vui lòng gửi danh sách dưới dạng tệp" in await mai.send("đây")
    reply = await mai.send(document=("mau.xlsx", template.content))
    assert "không tìm thấy tổ chức, đảng viên hay hộ nào" in reply  # only the example rows
    reply = await mai.send(document=("ds.xlsx", cell_workbook()))
    assert "Không có gì thay đổi: dữ liệu trong tệp đã có đủ." in reply


async def test_long_lists_of_problems_are_cut_and_other_cells_are_refused(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        await factories.org(session, "Chi bộ bản Khác", OrgKind.CELL, commune)
    broken: Rows = [[n, "", f"Người {n}", "123", "", ""] for n in range(1, 15)]
    broken.append([15, "Chi bộ bản Khác", "Lò Văn Khác", "0904444444", "", ""])
    reply = await mai.send(document=("ds.xlsx", cell_workbook(members=broken)))
    assert "Tệp có 15 lỗi; chưa ghi gì:" in reply
    assert reply.count("không phải là số điện thoại") == PROBLEMS_SHOWN
    assert "…và 5 mục khác." in reply
    other: Rows = [*MEMBERS, [3, "Chi bộ bản Khác", "Lò Văn Khác", "0904444444", "", ""]]
    reply = await mai.send(document=("ds.xlsx", cell_workbook(members=other)))
    assert (
        "Trang “Đảng viên”, dòng 4, cột B (Chi bộ): Chi bộ bản Khác không phải chi bộ đồng chí "
        "phụ trách." in reply
    )
    assert "Đã hủy việc đang làm dở" in await mai.send("/huy")


async def test_a_member_who_sends_a_file_is_not_asked_to_import_it(xien: Chat, cell: Cell) -> None:
    reply = await xien.send(document=("ds.xlsx", cell_workbook()))
    assert "Cảm ơn đồng chí, nhưng tôi chưa dùng được tệp này ở đây." in reply
    assert "Lệnh này dành cho bí thư" in await xien.send("/danhsach")


async def test_secretary_sees_who_is_linked_and_gives_a_new_code(
    mai: Chat, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await mai.send("/mamoi")
    assert "Chi bộ bản Test: 1/2 đảng viên đã liên kết." in reply
    assert "1. Lò Văn Xiên — mã XEN234, hết hạn ngày 15/12/2026" in reply
    reply = await mai.tap("Mã mới cho Lò Văn Xiên")
    assert "Mã mời mới của đồng chí Lò Văn Xiên:" in reply and "Các mã cũ không dùng" in reply
    async with sessionmaker() as session:
        codes = list(await session.scalars(select(InviteCode).where(InviteCode.used_at.is_(None))))
    fresh = max(codes, key=lambda c: c.expires_at).code
    assert f"/start {fresh}" in reply
    xien = Chat(mai.dispatcher, "chat-xien")
    assert "không dùng được" in await xien.send("/start XEN234")
    assert "Chào mừng đồng chí Lò Văn Xiên" in await xien.send(f"/start {fresh}")
    assert "Tất cả đã liên kết." in await mai.send("/mamoi")
