"""Importing a cell's list from real XLSX and CSV files: all or nothing, in place, once."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.services.errors import InvalidInputError
from bot.services.roster.importer import check_roster, import_roster
from bot.services.roster.plan import ImportPlan
from bot.services.roster.report import plan_text, problems_text
from models import (
    Assignment,
    AuditEntry,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    Member,
    MemberStatus,
    MemberStatusChange,
    Organisation,
    OrgKind,
)
from tests import factories
from tests.factories import Cell, FakeClock
from tests.roster_files import (
    HOUSEHOLDS,
    MEMBER_HEADINGS,
    MEMBERS,
    Rows,
    cell_workbook,
    cp1258,
    csv_text,
    workbook,
)
from tests.roster_files import roster as read

VI = translator("vi")
TODAY = date(2026, 11, 15)


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    *files: tuple[str, bytes],
    dry_run: bool = False,
    scope: set[int] | None = None,
    mark_missing: MemberStatus | None = None,
    force: bool = False,
) -> ImportPlan:
    roster = read(*files, scope=scope, mark_missing=mark_missing, force=force)
    async with sessionmaker() as session, session.begin():
        if dry_run:
            return await check_roster(session, roster)
        return await import_roster(
            session,
            roster=roster,
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
            note="không có trong tệp",
        )


async def _count(sessionmaker: async_sessionmaker[AsyncSession], model: type[object]) -> int:
    async with sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_the_same_list_twice_changes_nothing(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    for _ in range(2):
        plan = await _import(sessionmaker, clock, ("chi-bo.xlsx", cell_workbook()))
        assert not plan.problems and not plan.changes
        assert plan_text(VI, plan, applied=True).startswith("Không có gì thay đổi")
    assert await _count(sessionmaker, Member) == 2
    assert await _count(sessionmaker, Household) == 7
    assert await _count(sessionmaker, Assignment) == 7


async def test_a_corrected_list_updates_in_place_and_keeps_history(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    members: Rows = [
        *MEMBERS[:1],
        [2, "Chi bộ bản Test", "Hà Thị Mai", "0987654321", "chính thức", "đi làm ăn xa"],
        [3, "Chi bộ bản Test", "Nguyễn Văn Đức", "+84 901 234 567", "dự bị", ""],
    ]
    households: Rows = [
        ["PK-01", "Lò Văn Pành", "Test", "Bản Test", "hộ nghèo, nhà tạm", "0901234567"],
        *HOUSEHOLDS[1:],
        ["PK-08", "Hoàng Thị Lý", "Test", "Bản Test", "cận nghèo", "0901234567"],
    ]
    file = ("chi-bo.xlsx", cell_workbook(members=members, households=households))
    preview = await _import(sessionmaker, clock, file, dry_run=True)
    text = plan_text(VI, preview, applied=False)
    assert "Đảng viên mới (1): Nguyễn Văn Đức" in text
    assert "Đổi tình trạng (1): Hà Thị Mai → đi làm ăn xa" in text
    assert "Hộ mới (1): PK-08" in text and "Cập nhật hộ (1): PK-01 (diện hộ)" in text
    assert "PK-01: Lò Văn Xiên → Nguyễn Văn Đức" in text
    assert await _count(sessionmaker, Member) == 2  # the preview wrote nothing
    await _import(sessionmaker, clock, file)
    again = await _import(sessionmaker, clock, file)
    assert not again.changes  # the corrected list imported twice: still no duplicates
    async with sessionmaker() as session:
        duc = await session.scalar(select(Member).where(Member.phone == "0901234567"))
        assert duc is not None and duc.full_name == "Nguyễn Văn Đức"
        assert duc.membership.value == "probationary"
        history = list(
            await session.execute(
                select(Assignment.member_id, Assignment.ended_on)
                .where(Assignment.household_id == cell.households["Lò Văn Pành"])
                .order_by(Assignment.id)
            )
        )
        assert [(m, e) for m, e in history] == [(cell.members["xien"], TODAY), (duc.id, None)]
        mai_history = list(await session.scalars(select(MemberStatusChange)))
        assert [(c.member_id, c.status) for c in mai_history] == [
            (cell.members["mai"], MemberStatus.WORKING_AWAY)
        ]
        categories = set(
            await session.scalars(
                select(HouseholdCategoryLink.category).where(
                    HouseholdCategoryLink.household_id == cell.households["Lò Văn Pành"]
                )
            )
        )
        assert categories == {HouseholdCategory.POOR, HouseholdCategory.HOUSING_DIFFICULTY}
        actions = set(await session.scalars(select(AuditEntry.action)))
        assert {"roster_imported", "member_imported", "household_assigned"} <= actions
    assert await _count(sessionmaker, Member) == 3
    assert await _count(sessionmaker, Household) == 8


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1258", "cp1252"], ids=lambda e: str(e)
)
async def test_csv_in_every_encoding_secretaries_have(
    encoding: str,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    # Windows-1252 cannot write ă, đ, ơ, ư or most tone marks: its names use the others.
    name = "Lý Hòa Sáu" if encoding == "cp1252" else "Nguyễn Thị Hương Đặng"
    headings = ["Chi bo", "Ho va ten", "SDT"] if encoding == "cp1252" else MEMBER_HEADINGS[1:4]
    text = csv_text(headings, [["Test", name, "0901 234 567"]], delimiter=";")
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    await _import(sessionmaker, clock, ("dang-vien.csv", data))
    async with sessionmaker() as session:
        stored = await session.scalar(select(Member.full_name).where(Member.phone == "0901234567"))
    assert stored == name  # NFC, letter for letter


@pytest.mark.parametrize(
    ("file_name", "encode"),
    [
        ("mac.csv", lambda text: text.replace("\r\n", "\r").encode()),  # Excel for Mac
        ("unicode.txt", lambda text: text.replace(";", "\t").encode("utf-16")),  # Unicode Text
    ],
    ids=["cr-only", "utf-16"],
)
async def test_mac_and_unicode_text_exports_are_read(
    file_name: str,
    encode: Callable[[str], bytes],
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    rows: Rows = [
        ["Test", "Nguyễn Thị Hương", "0901 234 567"],
        ["Test", "Lò Văn Hai", "0901234568"],
    ]
    data = encode(csv_text(MEMBER_HEADINGS[1:4], rows, delimiter=";"))
    plan = await _import(sessionmaker, clock, (file_name, data))
    assert "Đảng viên mới (2): Nguyễn Thị Hương, Lò Văn Hai" in plan_text(VI, plan, applied=True)


async def test_an_unreadable_csv_is_refused_politely(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    data = ('Chi bộ;Họ và tên\nTest;"' + "x" * 200_000).encode()  # a quote never closed
    with pytest.raises(InvalidInputError) as refused:
        await _import(sessionmaker, clock, ("hong.csv", data))
    assert refused.value.render(VI) == (
        "Không đọc được tệp hong.csv dưới dạng CSV. Đồng chí vui lòng lưu lại từ Excel dưới dạng "
        "“CSV UTF-8”, hoặc gửi tệp Excel (.xlsx)."
    )


async def test_merged_cells_count_for_every_row_they_cover(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    book = Workbook()
    members = book.active
    assert members is not None
    members.append(["DANH SÁCH ĐẢNG VIÊN CHI BỘ BẢN TEST"])
    members.merge_cells("A1:C1")
    members.append(["Chi bộ", "Họ tên đảng viên", "Số điện thoại"])
    members.append(["Chi bộ bản Test", "Lò Văn Một", "0901000001"])
    members.append([None, "Lò Văn Hai", "0901000002"])
    members.merge_cells("A3:A4")  # the cell written once for its members
    homes = book.create_sheet("Hộ")
    homes.append(["Mã hộ", "Họ và tên chủ hộ", "Chi bộ", "SĐT đảng viên phụ trách"])
    homes.append(["PK-11", "Cầm Văn Mười Một", "Test", "0901000001"])
    homes.append(["PK-12", "Cầm Văn Mười Hai", None, "0901000001"])
    homes.merge_cells("C2:C3")
    homes.merge_cells("D2:D3")
    buffer = io.BytesIO()
    book.save(buffer)
    plan = await _import(sessionmaker, clock, ("gop-o.xlsx", buffer.getvalue()))
    text = plan_text(VI, plan, applied=True)
    assert "Đảng viên mới (2): Lò Văn Một, Lò Văn Hai" in text
    assert "Hộ mới (2): PK-11, PK-12" in text
    assert "PK-12 → Lò Văn Một" in text


async def test_a_csv_that_lost_its_letters_is_refused_with_advice(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    text = csv_text(MEMBER_HEADINGS[1:4], [["Test", "Nguyễn Văn Đức", "0901234567"]])
    data = text.encode("cp1252", errors="replace")  # what Excel does on a Western Windows
    plan = await _import(sessionmaker, clock, ("dv.csv", data))
    [problem] = plan.problems
    assert problem.render(VI) == (
        "Trang “dv.csv”, dòng 2, cột B (H? và tên): “Nguy?n V?n ??c” có dấu “?” ở chỗ bị mất "
        "chữ; đồng chí lưu lại tệp dạng Excel hoặc “CSV UTF-8”."
    )
    assert await _count(sessionmaker, Member) == 2


async def test_every_problem_is_reported_with_its_place_and_nothing_is_written(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    members: Rows = [
        *MEMBERS,
        [3, "Chi bộ bản Test", "Lò Văn Một", "0912 34", "", ""],
        [4, "Chi bộ bản Không Có", "Lò Văn Hai", "0901111111", "", ""],
        [5, "Chi bộ bản Test", "Lò Văn Ba", "0912345678", "", "bận"],
        [6, "Chi bộ bản Test", "", "0902222222", "", ""],
    ]
    households: Rows = [
        *HOUSEHOLDS,
        ["PK-01", "Lò Văn Pành", "Test", "", "", "0987654321"],
        ["PK-09", "Lò Thị Chín", "Test", "", "nghèo lắm", "0903333333"],
    ]
    file = ("sai.xlsx", cell_workbook(members=members, households=households))
    plan = await _import(sessionmaker, clock, file)
    text = problems_text(VI, plan.problems)
    assert text.splitlines() == [
        "Tệp có 8 lỗi; chưa ghi gì:",
        "• Trang “Đảng viên”, dòng 4, cột D (Số điện thoại): “0912 34” không phải là số điện "
        "thoại.",
        "• Trang “Đảng viên”, dòng 5, cột B (Chi bộ): không có chi bộ hay tổ chức nào tên "
        "“Chi bộ bản Không Có”.",
        "• Trang “Đảng viên”, dòng 6, cột F (Tình trạng): “bận” không thuộc các giá trị: đang "
        "sinh hoạt, đi làm ăn xa, miễn sinh hoạt, đã chuyển đi.",
        "• Trang “Đảng viên”, dòng 6, cột D (Số điện thoại): số 0912345678 đã có ở dòng 2 "
        "(Lò Văn Xiên).",
        "• Trang “Đảng viên”, dòng 7, cột C (Họ và tên): ô này đang để trống.",
        "• Trang “Hộ gia đình”, dòng 9, cột F (SĐT đảng viên phụ trách): hộ PK-01 được giao "
        "cho hai người: Lò Văn Xiên (dòng 2) và Hà Thị Mai. Mỗi hộ chỉ do một đảng viên phụ "
        "trách.",
        "• Trang “Hộ gia đình”, dòng 10, cột E (Diện): “nghèo lắm” không thuộc các giá trị: "
        "hộ nghèo, cận nghèo, gia đình chính sách, nhà ở khó khăn, khác.",
        "• Trang “Hộ gia đình”, dòng 10, cột F (SĐT đảng viên phụ trách): không có đảng viên "
        "nào có số điện thoại 0903333333, trong tệp cũng như trong dữ liệu.",
    ]
    assert await _count(sessionmaker, Member) == 2
    assert await _count(sessionmaker, Household) == 7


async def test_missing_columns_and_unknown_headings(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    data = csv_text(["Họ và tên", "Điện thoại", "Năm sinh"], [["Lò Văn Một", "0901111111", 1960]])
    plan = await _import(sessionmaker, clock, ("dv.csv", data.encode()))
    assert [p.render(VI) for p in plan.problems] == ["Trang “dv.csv”, dòng 1: thiếu cột “Chi bộ”."]
    assert [w.render(VI) for w in plan.warnings] == [
        "Trang “dv.csv”, dòng 1, cột C: cột “Năm sinh” không dùng đến; bỏ qua."
    ]


async def test_people_missing_from_the_list_are_reported_and_marked_only_when_asked(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    file = ("chi-bo.xlsx", cell_workbook(members=MEMBERS[:1], households=HOUSEHOLDS[:5]))
    plan = await _import(sessionmaker, clock, file)
    text = plan_text(VI, plan, applied=True)
    assert "Đảng viên của các chi bộ này không có trong tệp (1): Hà Thị Mai." in text
    assert "Những đồng chí này được giữ nguyên." in text
    assert "Hộ của các chi bộ này không có trong tệp (2), giữ nguyên: PK-06, PK-07." in text
    async with sessionmaker() as session:
        mai = await session.get(Member, cell.members["mai"])
        assert mai is not None and mai.status is MemberStatus.ACTIVE
    gone = MemberStatus.TRANSFERRED_OUT
    refused = await _import(sessionmaker, clock, file, mark_missing=gone)
    assert [p.render(VI) for p in refused.problems] == [
        "Trang “Đảng viên”: 1/2 đảng viên của Chi bộ bản Test không có trong tệp, hơn một phần "
        "ba: tệp đã đủ chưa? Chưa ghi nhận ai."
    ]
    marked = await _import(sessionmaker, clock, file, mark_missing=gone, force=True)
    assert not marked.problems
    text = plan_text(VI, marked, applied=True)
    assert "Đổi tình trạng (1): Hà Thị Mai → đã chuyển sinh hoạt đi" in text
    assert (
        "Hộ do các đồng chí được ghi là đã chuyển đi phụ trách (2), cần giao cho đảng viên khác "
        "(/phancong): PK-06 (Hà Thị Mai), PK-07 (Hà Thị Mai)." in text
    )
    async with sessionmaker() as session:
        mai = await session.get(Member, cell.members["mai"])
        assert mai is not None and mai.status is MemberStatus.TRANSFERRED_OUT
        [change] = list(await session.scalars(select(MemberStatusChange)))
        assert change.note == "không có trong tệp"


async def test_marking_a_member_who_still_has_households_in_the_file_is_refused(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    file = ("chi-bo.xlsx", cell_workbook(members=MEMBERS[:1]))
    plan = await _import(
        sessionmaker, clock, file, mark_missing=MemberStatus.TRANSFERRED_OUT, force=True
    )
    assert [p.render(VI) for p in plan.problems] == [
        f"Trang “Hộ gia đình”, dòng {row}, cột F (SĐT đảng viên phụ trách): Hà Thị Mai đã "
        "chuyển sinh hoạt đi, không phụ trách hộ được."
        for row in (7, 8)
    ]


async def test_a_secretary_cannot_touch_other_cells(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = Organisation(name="Chi bộ bản Khác", kind=commune.kind.CELL, parent_id=commune.id)
        session.add(other)
        await session.flush()
        other.path = f"{commune.path}{other.id}/"
    members = [*MEMBERS, [3, "Chi bộ bản Khác", "Lò Văn Khác", "0904444444", "", ""]]
    file = ("chi-bo.xlsx", cell_workbook(members=members))
    plan = await _import(sessionmaker, clock, file, scope={cell.cell_id})
    assert [p.render(VI) for p in plan.problems] == [
        "Trang “Đảng viên”, dòng 4, cột B (Chi bộ): Chi bộ bản Khác không phải chi bộ đồng chí "
        "phụ trách."
    ]


async def test_a_secretary_is_not_told_who_in_other_cells_has_a_phone_or_a_household(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(session, "Chi bộ bản Khác", OrgKind.CELL, commune)
        khac = await factories.member(session, other.id, "Lò Văn Khác", "0904444444", clock.now())
        await factories.household(
            session, cell.commune_id, "PK-09", "Hộ Bên Kia", clock.now(), khac.id
        )
    members = [*MEMBERS, [3, "Chi bộ bản Test", "Người Mới", "0904444444", "", ""]]
    households: Rows = [
        *HOUSEHOLDS,
        ["PK-09", "Hộ Bên Kia", "Test", "", "", "0912345678"],
        ["PK-10", "Hộ Mới", "Test", "", "", "0904444444"],
    ]
    file = ("chi-bo.xlsx", cell_workbook(members=members, households=households))
    plan = await _import(sessionmaker, clock, file, scope={cell.cell_id})
    rendered = [p.render(VI) for p in plan.problems]
    assert rendered == [
        "Trang “Đảng viên”, dòng 4, cột D (Số điện thoại): không dùng được số 0904444444 trong "
        "danh sách của đồng chí. Nếu số đúng, đồng chí hỏi cấp ủy cấp trên.",
        "Trang “Hộ gia đình”, dòng 9, cột A (Mã hộ): không dùng được mã hộ PK-09 trong danh "
        "sách của đồng chí. Nếu mã đúng, đồng chí hỏi cấp ủy cấp trên.",
        "Trang “Hộ gia đình”, dòng 10, cột F (SĐT đảng viên phụ trách): không đảng viên nào "
        "của chi bộ đồng chí phụ trách có số 0904444444, trong tệp này hay ở đây.",
    ]
    assert "Khác" not in " ".join(rendered)


async def test_the_operator_adds_a_cell_with_its_members(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    data = workbook(
        organisations=[["Chi bộ thôn Mới", "chi bộ", "Đảng bộ xã Test", "nông thôn"]],
        members=[[1, "Thôn Mới", "Đinh Văn Mới", "0905555555", "", "đang sinh hoạt"]],
        households=[["TM-01", "Đinh Thị Hộ", "Thôn Mới", "Thôn Mới", "", "0905555555"]],
    )
    plan = await _import(sessionmaker, clock, ("xa.xlsx", data))
    assert "Tổ chức mới (1): Chi bộ thôn Mới" in plan_text(VI, plan, applied=True)
    async with sessionmaker() as session:
        new_cell = await session.scalar(
            select(Organisation).where(Organisation.name == "Chi bộ thôn Mới")
        )
        assert new_cell is not None and new_cell.path.endswith(f"/{new_cell.id}/")
        person = await session.scalar(select(Member).where(Member.phone == "0905555555"))
        assert person is not None and person.cell_id == new_cell.id
        home = await session.scalar(select(Household).where(Household.code == "TM-01"))
        assert home is not None and home.commune_id == cell.commune_id
    again = await _import(sessionmaker, clock, ("xa.xlsx", data))
    assert not again.problems and not again.changes
    assert plan_text(VI, again, applied=True).startswith("Không có gì thay đổi")
    assert await _count(sessionmaker, Organisation) == 4


async def test_a_new_commune_with_its_new_cell_imports_as_the_dry_run_said_and_again(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    data = workbook(
        organisations=[
            ["Đảng bộ xã Mới", "đảng bộ cơ sở", "Đảng bộ huyện Test", ""],
            ["Chi bộ bản Mới", "chi bộ", "Đảng bộ xã Mới", "nông thôn"],
        ],
        members=[[1, "Chi bộ bản Mới", "Đinh Văn Mới", "0905555555", "", ""]],
        households=[["BM-01", "Đinh Thị Hộ", "Bản Mới", "Bản Mới", "", "0905555555"]],
    )
    file = ("xa-moi.xlsx", data)
    preview = await _import(sessionmaker, clock, file, dry_run=True)
    assert not preview.problems
    assert "Tổ chức mới (2): Đảng bộ xã Mới, Chi bộ bản Mới" in plan_text(
        VI, preview, applied=False
    )
    done = await _import(sessionmaker, clock, file)
    assert not done.problems
    assert "Tổ chức mới (2): Đảng bộ xã Mới, Chi bộ bản Mới" in plan_text(VI, done, applied=True)
    again = await _import(sessionmaker, clock, file)
    assert [p.render(VI) for p in again.problems] == []
    assert plan_text(VI, again, applied=True).startswith("Không có gì thay đổi")
    async with sessionmaker() as session:
        commune = await session.scalar(
            select(Organisation).where(Organisation.name == "Đảng bộ xã Mới")
        )
        home = await session.scalar(select(Household).where(Household.code == "BM-01"))
        assert commune is not None and home is not None and home.commune_id == commune.id
    assert await _count(sessionmaker, Organisation) == 5


async def test_an_old_mobile_number_is_the_new_one_and_a_changed_phone_is_flagged(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        xien = await session.get(Member, cell.members["xien"])
        assert xien is not None
        xien.phone = "0378123456"  # the bot has the 2018 number
    members: Rows = [
        [1, "Chi bộ bản Test", "Lò Văn Xiên", "01678123456", "", ""],  # the old one
        [2, "Chi bộ bản Test", "Hà Thị Mai", "0977000111", "", ""],  # a new phone
    ]
    plan = await _import(sessionmaker, clock, ("ds.xlsx", workbook(members=members)))
    text = plan_text(VI, plan, applied=True)
    assert "Đảng viên mới (1): Hà Thị Mai" in text  # Xiên is matched, not added
    assert (
        "• Trang “Đảng viên”, dòng 3, cột D (Số điện thoại): Hà Thị Mai (0977000111) sẽ được "
        "thêm là đảng viên mới, nhưng Hà Thị Mai (0987654321) cùng chi bộ lại không có trong "
        "tệp: có lẽ đồng chí này đã đổi số điện thoại." in text
    )
    assert await _count(sessionmaker, Member) == 3
