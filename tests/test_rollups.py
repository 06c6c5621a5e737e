"""District scale: /tonghop rolls up district -> commune -> cell with drill-down, the seeds'
indicators (speaking rate by cell type, household progress, households nobody helped,
totals with who is not expected to report), and the workbook's subtotals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.reports.aggregates import Figures, Headcount, Node, OrgRef, rate_text
from bot.reports.chart import MAX_BARS, children_bars, reporting_chart
from bot.reports.export import build_report
from bot.reports.period import parse_period
from models import (
    Attendance,
    AttendanceStatus,
    AuditEntry,
    CellType,
    HouseholdProgress,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)
from tests import factories
from tests.dialog import Chat
from tests.factories import Cell, FakeClock

PNG = b"\x89PNG\r\n\x1a\n"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def district(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, xien: Chat
) -> Cell:
    """Besides Bản Test (Xiên, who reported; Mai, its secretary; an exempt elder and a member
    working away), commune Hai has a police cell of 30 whose last meeting had all 30 present
    and 29 speaking. Huyện sits on the district committee."""
    for said in ("/viectot", "1", "1", "Giúp sửa nhà", "1", "1"):
        await xien.send(said)
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None and commune.parent_id is not None
        district = await session.get(Organisation, commune.parent_id)
        assert district is not None
        await factories.member(
            session, cell.cell_id, "Cụ Lò Văn Già", "0900000090", now, MemberStatus.EXEMPT
        )
        await factories.member(
            session, cell.cell_id, "Lò Văn Xa", "0900000091", now, MemberStatus.WORKING_AWAY
        )
        hai = await factories.org(
            session, "Đảng bộ xã Hai", OrgKind.GRASSROOTS_COMMITTEE, district
        )
        police = await factories.org(
            session, "Chi bộ Công an xã Hai", OrgKind.CELL, hai, CellType.ARMED_FORCES
        )
        people = [
            await factories.member(session, police.id, f"Công an {n}", f"09100000{n:02d}", now)
            for n in range(30)
        ]
        huyen = people[0]
        await factories.link(session, huyen.id, "chat-huyen", now)
        session.add_all(
            [
                Role(
                    member_id=huyen.id,
                    org_id=district.id,
                    kind=RoleKind.COMMITTEE_MEMBER,
                    started_on=date(2025, 1, 1),
                ),
                Role(
                    member_id=cell.members["mai"],
                    org_id=cell.cell_id,
                    kind=RoleKind.SECRETARY,
                    started_on=date(2025, 1, 1),
                ),
            ]
        )
        meeting = Meeting(
            cell_id=police.id,
            kind=MeetingKind.MONTHLY,
            period="2026-10",
            starts_at=datetime.combine(date(2026, 10, 24), time(1, 0), UTC),
            status=MeetingStatus.PLANNED,
            created_at=now,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(
            Attendance(
                meeting_id=meeting.id,
                member_id=person.id,
                status=AttendanceStatus.PRESENT,
                spoke=number != 0,
                recorded_at=now,
            )
            for number, person in enumerate(people)
        )
    return cell


async def test_district_sees_communes_lagging_first_and_drills_down_to_a_cell(
    dispatcher: Dispatcher, district: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    huyen = Chat(dispatcher, chat_id="chat-huyen")
    reply = await huyen.send("/tonghop")
    assert "Đảng bộ huyện Test: tổng hợp 2 chi bộ, tháng 11/2026:" in reply
    assert "Đã báo cáo: 1/33 đảng viên (3%)" in reply
    # Everyone on the roll is counted, with who is not expected to report and why.
    assert "Đảng viên: 34 (miễn sinh hoạt 1, không phải báo cáo; đi làm ăn xa 1" in reply
    assert "phải báo cáo việc tốt: 33." in reply
    # The armed forces' 29 of 30 is 96,7 %, never rounded to 97 %.
    assert "• lực lượng vũ trang (1 chi bộ): 96,7% (29/30)" in reply
    assert reply.index("• Đảng bộ xã Hai (1 chi bộ): 0/30 (0%)") < reply.index(
        "• Đảng bộ xã Test (1 chi bộ): 1/3 (33,3%)"
    )
    assert "Lò Văn Xiên" not in reply and "Hà Thị Mai" not in reply
    commune = await huyen.tap("Đảng bộ xã Test")
    assert "Đảng bộ xã Test: tổng hợp 1 chi bộ" in commune
    assert "• Chi bộ bản Test: 1/3 (33,3%), 6 hộ 3 tháng chưa được giúp" in commune
    # On Zalo and in the console the same choices are a numbered list: "1" is the first cell.
    assert "  1. Chi bộ bản Test" in commune
    one_cell = await huyen.send("1")
    assert "Chi bộ bản Test, tháng 11/2026:" in one_cell
    assert "Chưa báo cáo: Hà Thị Mai, Lò Văn Xa." in one_cell
    assert "Hộ 3 tháng chưa được giúp" not in one_cell  # the list is for the cell's secretary
    back = await huyen.tap("Quay lại Đảng bộ xã Test")
    assert "Đảng bộ xã Test: tổng hợp 1 chi bộ" in back
    top = await huyen.tap("Quay lại Đảng bộ huyện Test")
    assert "Đảng bộ huyện Test: tổng hợp 2 chi bộ" in top
    async with sessionmaker() as session:
        viewed = list(
            await session.scalars(
                select(AuditEntry.subject_id).where(AuditEntry.action == "viewed_summary")
            )
        )
    assert viewed[2] == district.cell_id  # every view, down to the cell, is audited


async def test_tonghop_with_a_name_opens_that_organisation(
    dispatcher: Dispatcher, district: Cell
) -> None:
    huyen = Chat(dispatcher, chat_id="chat-huyen")
    assert "Chi bộ Công an xã Hai, tháng 11/2026:" in await huyen.send("/tonghop cong an")
    unknown = await huyen.send("/tonghop Nà Khà")
    assert 'Không có tổ chức nào tên "Nà Khà"' in unknown
    assert "Đảng bộ huyện Test: tổng hợp 2 chi bộ" in unknown


async def test_secretary_gets_the_households_nobody_helped(
    dispatcher: Dispatcher, district: Cell
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    summary = await mai.send("/tonghop")
    assert "Hộ được giúp trong tháng: 1/7; hộ 3 tháng chưa được giúp: 6." in summary
    listed = await mai.tap("Hộ 3 tháng chưa được giúp (6)")
    assert "Các hộ 3 tháng chưa được ai giúp (6 hộ):" in listed
    assert "PK-02 Quàng Thị Ún — người phụ trách: Lò Văn Xiên; chưa có việc tốt nào" in listed
    assert "PK-06 Vì Văn Dũng — người phụ trách: Hà Thị Mai" in listed
    assert "PK-01" not in listed  # Xiên helped it this month


async def test_secretary_records_household_progress_with_its_date(
    dispatcher: Dispatcher, district: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    shown = await mai.send("/tiendo pk-02")
    assert "Hộ PK-02 Quàng Thị Ún (người phụ trách: Lò Văn Xiên):" in shown
    assert "• nhà tiêu, nhà tắm hợp vệ sinh: chưa có" in shown
    await mai.tap("nhà tiêu, nhà tắm hợp vệ sinh: ghi là đã có")
    assert "Ngày không được ở tương lai." in await mai.send("20/11/2026")
    done = await mai.send("10/11/2026")
    assert "Đã ghi: nhà tiêu, nhà tắm hợp vệ sinh — đã có từ 10/11/2026." in done
    assert "• nhà tiêu, nhà tắm hợp vệ sinh: đã có, từ 10/11/2026" in done
    await mai.tap("nhà tiêu, nhà tắm hợp vệ sinh: ghi là chưa có")
    assert "không được sớm hơn" in await mai.send("01/11/2026")  # before the last record
    await mai.tap("Hôm nay")
    await mai.tap("lò đốt rác: ghi là đã có")
    await mai.tap("Hôm nay")
    assert "Đã lưu" in await mai.tap("Xong")
    summary = await mai.send("/tonghop")
    assert (
        "Tiến độ các hộ: nhà tiêu, nhà tắm hợp vệ sinh 0/7; lò đốt rác 1/7; nền nhà cứng hóa 0/7."
        in summary
    )
    async with sessionmaker() as session:
        rows = list(
            await session.scalars(select(HouseholdProgress).order_by(HouseholdProgress.id))
        )
        audited = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "household_progress_recorded")
        )
    assert [(r.flag.value, r.achieved, r.changed_on) for r in rows] == [
        ("sanitary_toilet", True, date(2026, 11, 10)),
        ("sanitary_toilet", False, date(2026, 11, 15)),
        ("waste_incinerator", True, date(2026, 11, 15)),
    ]
    assert audited is not None and audited.actor_member_id == district.members["mai"]


async def test_progress_is_refused_outside_the_leaders_cells(
    dispatcher: Dispatcher, district: Cell, xien: Chat
) -> None:
    assert "dành cho bí thư chi bộ và cấp ủy" in await xien.send("/tiendo PK-01")


async def test_district_workbook_has_commune_subtotals_a_total_and_the_indicators(
    district: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, district.commune_id)
        assert commune is not None and commune.parent_id is not None
        top = await session.get(Organisation, commune.parent_id)
        assert top is not None
        session.add(
            HouseholdProgress(
                household_id=district.households["Lò Văn Pành"],
                flag="hardened_floor",
                achieved=True,
                changed_on=date(2026, 3, 1),
            )
        )
        await session.flush()
        _, content = await build_report(
            session, top, parse_period("2026-10"), HANOI, None, clock.now()
        )
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Tổng hợp", "Công an xã Hai", "bản Test"]
    rows = [r for r in book["Tổng hợp"].iter_rows(values_only=True) if any(r)]
    names = [r[1] for r in rows]
    assert names.index("Đảng bộ xã Hai") < names.index("Chi bộ Công an xã Hai")
    assert names.index("Chi bộ Công an xã Hai") < names.index("Cộng Đảng bộ xã Hai")
    total = rows[names.index("TỔNG CỘNG")]
    assert total[2:9] == ("2 chi bộ", 34, 1, 1, 33, 0, "0/33 = 0,0 %")
    hai = rows[names.index("Cộng Đảng bộ xã Hai")]
    # one meeting, all came, 96,7 %: each rate with its denominator
    assert hai[3] == 30 and hai[-3:] == (1, "30/30 = 100,0 %", "29/30 = 96,7 %")
    test = rows[names.index("Cộng Đảng bộ xã Test")]
    assert test[12:16] == (7, "0/7", "0/7", "1/7")  # quiet households, progress as "1/7"
    by_type = rows[names.index("Lực lượng vũ trang")]
    assert by_type[2:6] == (1, 30, 29, "29/30 = 96,7 %")
    households = list(book["bản Test"].iter_rows(values_only=True))
    heading = next(r for r in households if r[0] == "Mã hộ")
    assert heading[5] == "Việc tốt gần nhất" and heading[8] == "Nền nhà cứng hóa"
    pank = next(r for r in households if r[0] == "PK-01")
    assert pank[5] == "15/11/2026" and pank[8] == "có"


def _node(name: str, rate: float, cell: bool = True) -> Node[Figures]:
    org = OrgRef(
        hash(name) % 10_000, name, OrgKind.CELL if cell else OrgKind.GRASSROOTS_COMMITTEE, ""
    )
    return Node(
        org,
        Figures(
            cells=1,
            members=Headcount(active=10),
            reporters=int(rate * 10),
            reported_months=int(rate * 10),
            owed_months=10,
        ),
    )


def test_a_chart_of_many_cells_says_how_many_it_leaves_out() -> None:
    children = tuple(_node(f"Chi bộ {n:03d}", n / 100) for n in range(MAX_BARS + 5))
    bars = children_bars(Node(_node("Xã", 0.5, cell=False).org, Figures(), children), "Tỷ lệ")
    assert len(bars.bars) == MAX_BARS and bars.hidden == 5
    assert bars.bars[0] == ("000", 0.0)  # the most lagging on top, the "Chi bộ" prefix dropped
    assert reporting_chart(bars, "%").startswith(PNG)


def test_rates_keep_one_decimal_in_each_language() -> None:
    assert rate_text(29, 30, "vi") == "96,7%"
    assert rate_text(29, 30, "en") == "96.7%"
    assert rate_text(1, 2) == "50%"
    assert rate_text(0, 0) == "—"
