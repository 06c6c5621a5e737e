"""The secretary's paperwork read back as a reader sees it: the Party's header (36-HD/VPTW),
the minutes' attendance with names and reasons, the figures with their denominators, the
signature block, the page set-up; the command line's documents and its refusals."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
from docx.document import Document
from docx.shared import Length
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.documents.build import (
    build_minutes,
    build_report_document,
    build_yearbook,
)
from bot.reports.documents.layout import ratio
from bot.reports.period import parse_period
from bot.services.errors import AccessDeniedError, InvalidInputError
from models import (
    AgendaOpinion,
    Attendance,
    AttendanceStatus,
    AuditEntry,
    DeedCategory,
    DeedReport,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    Pledge,
    Rsvp,
)
from tests import factories
from tests.cli import chibo
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def read(content: bytes) -> Document:
    return docx.Document(io.BytesIO(content))


def text_of(document: Document) -> str:
    """Every paragraph and table cell, in the order a reader meets them."""
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


@pytest.fixture
async def meeting(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> int:
    """November's meeting of Bản Test on 12/11 at 19:30: Xiên present and speaking (he sent
    an opinion, reported a deed for PK-01 and kept his pledge), Mai (the secretary) away
    with a reason, Ba away without one; an exempt elder. Xiên pledged for December too."""
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
        ba = await factories.member(session, cell.cell_id, "Đinh Văn Ba", "0900000003", now)
        await factories.member(
            session, cell.cell_id, "Cụ Lò Văn Già", "0900000004", now, MemberStatus.EXEMPT
        )
        held = Meeting(
            cell_id=cell.cell_id,
            kind=MeetingKind.MONTHLY,
            period="2026-11",
            starts_at=datetime.combine(date(2026, 11, 12), time(12, 30), UTC),
            status=MeetingStatus.PLANNED,
            agenda="Vận động làm nhà tiêu hợp vệ sinh",
            created_at=now,
        )
        session.add(held)
        await session.flush()
        xien, mai = cell.members["xien"], cell.members["mai"]
        for member_id, status, spoke in (
            (xien, AttendanceStatus.PRESENT, True),
            (mai, AttendanceStatus.EXCUSED, False),
            (ba.id, AttendanceStatus.UNEXCUSED, False),
        ):
            session.add(
                Attendance(
                    meeting_id=held.id,
                    member_id=member_id,
                    status=status,
                    spoke=spoke,
                    recorded_at=now,
                )
            )
        session.add(
            Rsvp(
                meeting_id=held.id,
                member_id=mai,
                attending=False,
                reason="Đi viện",
                answered_at=now,
            )
        )
        session.add(
            AgendaOpinion(
                meeting_id=held.id, member_id=xien, text="Nên hỗ trợ xi măng", created_at=now
            )
        )
        session.add(
            DeedReport(
                member_id=xien,
                month=date(2026, 11, 1),
                household_id=cell.households["Lò Văn Pành"],
                category=DeedCategory.HOUSING,
                text="Giúp sửa mái nhà",
                source_key="test:1",
                created_at=now,
            )
        )
        for month, text in ((date(2026, 11, 1), "Sửa nhà"), (date(2026, 12, 1), "Đào mương")):
            session.add(
                Pledge(member_id=xien, month=month, text=text, created_at=now, updated_at=now)
            )
        return held.id


def page_mm(document: Document) -> tuple[int, int]:
    section = document.sections[0]
    return round(Length(section.page_width or 0).mm), round(Length(section.page_height or 0).mm)


def assert_party_header(document: Document, issuer: str, symbol: str, dated: str) -> None:
    header = document.tables[0]
    left, right = header.rows[0].cells
    assert [p.text for p in left.paragraphs] == ["ĐẢNG BỘ XÃ TEST", issuer, "*"]
    assert right.paragraphs[0].text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert right.paragraphs[0].runs[0].bold
    number, place = header.rows[1].cells
    assert number.text.startswith("Số") and number.text.endswith(f"-{symbol}")
    assert place.text == dated and place.paragraphs[0].runs[0].italic
    assert page_mm(document) == (210, 297)  # A4, portrait
    assert round(Length(document.sections[0].left_margin or 0).mm) == 30
    assert document.styles["Normal"].font.name == "Times New Roman"


async def test_minutes_name_who_came_who_was_away_and_why(
    meeting: int, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        mai = await session.get(Member, 2)
        name, content = await build_minutes(session, meeting, mai, HANOI, clock.now())
    assert name == "bien-ban-chi-bo-ban-test-2026-11-12.docx"
    document = read(content)
    assert_party_header(document, "CHI BỘ BẢN TEST", "BB/CB", "Test, ngày 12 tháng 11 năm 2026")
    text = text_of(document)
    for expected in (
        "BIÊN BẢN",
        "Sinh hoạt chi bộ thường kỳ tháng 11 năm 2026",
        "Thời gian: bắt đầu lúc 19 giờ 30 phút, ngày 12 tháng 11 năm 2026.",
        "Địa điểm: ……",
        "Tổng số đảng viên của chi bộ: 4 đồng chí (miễn sinh hoạt 1: đ/c Cụ Lò Văn Già).",
        "Có mặt: 1 đồng chí.",
        "Vắng mặt: 2 đồng chí; có lý do: 1, không có lý do: 1.",
        "- Vắng có lý do: đ/c Hà Thị Mai (Đi viện).",
        "- Vắng không lý do: đ/c Đinh Văn Ba.",
        "Nội dung sinh hoạt: Vận động làm nhà tiêu hợp vệ sinh",
        "đảng viên có báo cáo 1/3 = 33,3 %; 1 việc tốt; hộ được giúp 1/7 = 14,3 %",
        "đăng ký việc tốt và đã thực hiện 1/1 = 100,0 %",
        "- Đ/c Lò Văn Xiên: Nên hỗ trợ xi măng",
        "Số đồng chí phát biểu: 1/1 = 100,0 % số có mặt (đ/c Lò Văn Xiên).",
        "- Đ/c Lò Văn Xiên: Đào mương",
        "[Chủ trì kết luận: ……]",
        "Buổi sinh hoạt kết thúc lúc …… giờ …… phút cùng ngày.",
        "1 | Lò Văn Xiên | Giúp sửa mái nhà | PK-01",
    ):
        assert expected in text, expected
    chair, secretary = document.tables[-1].rows[0].cells
    assert chair.paragraphs[0].text == "CHỦ TRÌ" and secretary.paragraphs[0].text == "THƯ KÝ"
    async with sessionmaker() as session:
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "exported_minutes")
        )
    assert audit is not None and audit.actor_member_id == 2 and audit.subject_id == meeting


async def test_minutes_only_for_the_cells_leaders_and_once_the_meeting_began(
    meeting: int, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        xien = await session.get(Member, 1)  # a plain member
        with pytest.raises(AccessDeniedError):
            await build_minutes(session, meeting, xien, HANOI, clock.now())
        with pytest.raises(InvalidInputError):
            await build_minutes(
                session, meeting, None, HANOI, datetime(2026, 11, 12, 12, tzinfo=UTC)
            )
        held = await session.get(Meeting, meeting)
        assert held is not None
        held.status = MeetingStatus.CANCELLED
        with pytest.raises(InvalidInputError):
            await build_minutes(session, meeting, None, HANOI, clock.now())


async def test_cell_report_has_the_figures_and_places_for_the_secretary(
    meeting: int, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        org = await session.get(Organisation, cell.cell_id)
        assert org is not None
        name, content = await build_report_document(
            session, org, parse_period("2026-11"), HANOI, None, clock.now()
        )
    assert name == "bao-cao-chi-bo-ban-test-2026-11.docx"
    document = read(content)
    assert_party_header(document, "CHI BỘ BẢN TEST", "BC/CB", "Test, ngày 15 tháng 11 năm 2026")
    text = text_of(document)
    for expected in (
        "Kết quả tháng 11 và phương hướng, nhiệm vụ tháng 12 năm 2026",
        "Chi bộ có 4 đảng viên (miễn sinh hoạt 1, đi làm ăn xa 0); 3 đảng viên phải báo cáo",
        "Đảng viên dự họp 1/3 = 33,3 % lượt; phát biểu 1/1 = 100,0 % lượt có mặt.",
        "- Buổi 12/11/2026: vắng có lý do 1 (Hà Thị Mai), vắng không lý do 1 (Đinh Văn Ba).",
        "Đảng viên có báo cáo việc tốt: 1/3 = 33,3 %",
        "[Bí thư đánh giá: ……]",
        "- Đ/c Lò Văn Xiên: Đào mương",
        "Lò Văn Xiên | 1 | 15/11: Giúp sửa mái nhà (PK-01)",
        "Đinh Văn Ba | 0 | chưa báo cáo",
    ):
        assert expected in text, expected
    recipients, signer = document.tables[-1].rows[0].cells
    assert recipients.paragraphs[0].text == "Nơi nhận:"
    assert "- Đảng ủy xã Test (b/c)," in recipients.text
    said = [p.text for p in signer.paragraphs if p.text]
    assert said == ["T/M CHI BỘ", "BÍ THƯ", "Hà Thị Mai"]


async def test_committee_summary_lists_cells_lagging_first_with_denominators(
    meeting: int, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(session, "Chi bộ thôn Hai", OrgKind.CELL, commune)
        await factories.member(session, other.id, "Trần Văn Ủy", "0900000011", clock.now())
        _, content = await build_report_document(
            session, commune, parse_period("2026-11"), HANOI, 1, clock.now()
        )
        audit = await session.scalar(select(AuditEntry).where(AuditEntry.action == "exported"))
    assert audit is not None and audit.details["format"] == "docx"
    document = read(content)
    header = document.tables[0].rows[0].cells[0]
    assert [p.text for p in header.paragraphs] == ["ĐẢNG BỘ HUYỆN TEST", "ĐẢNG ỦY XÃ TEST", "*"]
    assert page_mm(document) == (297, 210)  # A4, landscape
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[1][:3] == ["1", "Chi bộ thôn Hai", "0/1 = 0,0 %"]  # lagging first
    assert rows[2][:5] == ["2", "Chi bộ bản Test", "1/3 = 33,3 %", "1/3 = 33,3 %", "1/1 = 100,0 %"]
    assert rows[3][1:3] == ["TỔNG CỘNG", "1/4 = 25,0 %"]
    signer = document.tables[-1].rows[0].cells[1]
    assert [p.text for p in signer.paragraphs if p.text][:2] == ["T/M ĐẢNG ỦY", "BÍ THƯ"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Đảng viên có báo cáo việc tốt: 1/4 = 25,0 %" in body
    assert "tháng có báo cáo" not in body.lower()  # one month: the same figure, not said twice


async def test_year_record_one_page_per_member(
    meeting: int, cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        org = await session.get(Organisation, cell.cell_id)
        assert org is not None
        name, content = await build_yearbook(session, org, 2026, HANOI, None, clock.now())
    assert name == "so-theo-doi-chi-bo-ban-test-2026.docx"
    document = read(content)
    text = text_of(document)
    assert text.count("PHIẾU THEO DÕI ĐẢNG VIÊN") == 4  # one page each, by name
    assert "Việc tốt: 1, trong 1/12 tháng; hộ được giúp: 1 (PK-01)." in text
    assert "Dự sinh hoạt: 0/1 = 0,0 % buổi; vắng có lý do 1, vắng không lý do 0" in text
    assert "11 | Sửa nhà (đã làm) | Giúp sửa mái nhà | PK-01 | 12/11: có mặt, phát biểu" in text
    assert "12/11: vắng có lý do (Đi viện)" in text
    assert "Đăng ký việc tốt đã thực hiện: 1/1 = 100,0 % tháng." in text
    assert document.element.body.xml.count('w:type="page"') == 3


def test_ratio_keeps_one_decimal_and_the_denominator() -> None:
    assert ratio(7, 10) == "7/10 = 70,0 %"
    assert ratio(29, 30) == "29/30 = 96,7 %"
    assert ratio(0, 0) == "0/0"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo commune, made on 30/11/2026 (after November's meetings)."""
    path = tmp_path_factory.mktemp("papers")
    made = chibo(
        path, "demo", "--no-shell", clock=FakeClock(datetime(2026, 11, 30, 5, tzinfo=UTC))
    )
    assert made.returncode == 0, made.stderr
    return path


def test_the_command_line_writes_each_document(demo_dir: Path) -> None:
    at = FakeClock(datetime(2026, 11, 30, 5, tzinfo=UTC))
    ran = chibo(demo_dir, "minutes", "--meeting", "1", clock=at)
    assert ran.returncode == 0, ran.stderr
    written = ran.stdout.removeprefix("Đã ghi: ").split(" (")[0]
    assert written.startswith("bien-ban-chi-bo-ban-na-lung-2026-")
    minutes = text_of(docx.Document(str(demo_dir / written)))
    assert "Tổng số đảng viên của chi bộ: 11 đồng chí" in minutes
    ran = chibo(demo_dir, "report", "--org", "Đảng bộ xã Tân Lập", "--period", "2026-11", clock=at)
    assert ran.returncode == 0 and "bao-cao-dang-bo-xa-tan-lap-2026-11.docx" in ran.stdout
    summary = text_of(docx.Document(str(demo_dir / "bao-cao-dang-bo-xa-tan-lap-2026-11.docx")))
    assert "Toàn Đảng bộ xã Tân Lập có 9 chi bộ, 118 đảng viên" in summary
    ran = chibo(
        demo_dir, "report", "--org", "Nà Lụng", "--period", "2026-11", "--format", "xlsx", clock=at
    )
    assert ran.returncode == 0 and "bao-cao-chi-bo-ban-na-lung-2026-11.xlsx" in ran.stdout
    ran = chibo(
        demo_dir, "yearbook", "--org", "Nà Lụng", "--year", "2026", "--out", "nam.docx", clock=at
    )
    assert ran.returncode == 0 and "nam.docx" in ran.stdout
    assert "PHIẾU THEO DÕI ĐẢNG VIÊN" in text_of(docx.Document(str(demo_dir / "nam.docx")))


@pytest.mark.parametrize(
    ("args", "answer"),
    [
        (("minutes", "--meeting", "abc"), "Cuộc họp phải ghi bằng số"),
        (("minutes", "--meeting", "999"), "Không có buổi họp này"),
        (
            ("report", "--org", "Nà Lụng", "--period", "2026-11", "--format", "pdf"),
            "docx hoặc xlsx",
        ),
        (("report", "--org", "Nà Lụng", "--period", "2026-13"), "Kỳ báo cáo là một tháng"),
        (("yearbook", "--org", "Nà Lụng", "--year", "26"), "Năm phải có dạng 2026"),
    ],
)
def test_the_command_line_refuses_bad_values_in_vietnamese(
    demo_dir: Path, args: tuple[str, ...], answer: str
) -> None:
    ran = chibo(demo_dir, *args)
    assert ran.returncode == 2
    assert answer in ran.stderr, ran.stderr
