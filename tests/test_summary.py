"""/tonghop, the Excel export, /chuabaocao's nudge and the member's year."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dispatcher.dispatch import Dispatcher
from bot.reports.export import build_report
from bot.reports.period import parse_period
from bot.services.errors import InvalidInputError
from bot.services.roster.history import assign_household
from models import (
    Attendance,
    AttendanceStatus,
    AuditEntry,
    CellType,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    Organisation,
    OrgKind,
    OutboxMessage,
    RoleKind,
)
from tests import factories
from tests.dialog import Chat, report_deed
from tests.factories import Cell, FakeClock

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
async def leaders(
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    xien: Chat,
) -> Cell:
    """Mai is the secretary; Ủy (second cell, 2 members) sits on the commune committee. Xiên
    reported one deed; last month's meeting had Xiên present and speaking, Mai absent."""
    await report_deed(xien, "1", "Giúp sửa nhà")
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        assert commune is not None
        other = await factories.org(
            session, "Chi bộ thôn Hai", OrgKind.CELL, commune, CellType.RURAL
        )
        uy = await factories.member(session, other.id, "Trần Văn Ủy", "0900000001", now)
        await factories.member(session, other.id, "Nông Thị Ba", "0900000002", now)
        await factories.link(session, uy.id, "chat-uy", now)
        await factories.role(session, cell.members["mai"], cell.cell_id)
        await factories.role(session, uy.id, commune.id, RoleKind.COMMITTEE_MEMBER)
        meeting = Meeting(
            cell_id=cell.cell_id,
            kind=MeetingKind.MONTHLY,
            period="2026-10",
            starts_at=datetime.combine(date(2026, 10, 24), time(12, 30), UTC),
            status=MeetingStatus.PLANNED,
            created_at=now,
        )
        session.add(meeting)
        await session.flush()
        session.add_all(
            [
                Attendance(
                    meeting_id=meeting.id,
                    member_id=cell.members["xien"],
                    status=AttendanceStatus.PRESENT,
                    spoke=True,
                    recorded_at=now,
                ),
                Attendance(
                    meeting_id=meeting.id,
                    member_id=cell.members["mai"],
                    status=AttendanceStatus.EXCUSED,
                    recorded_at=now,
                ),
            ]
        )
    return cell


async def test_secretary_summary_with_names(dispatcher: Dispatcher, leaders: Cell) -> None:
    reply = await Chat(dispatcher, chat_id="chat-mai").send("/tonghop")
    assert "Chi bộ bản Test, tháng 11/2026:" in reply
    assert "Đã báo cáo: 1/2 đảng viên (50%); 1 việc tốt." in reply
    assert "Hộ được giúp trong tháng: 1/7; hộ 3 tháng chưa được giúp: 6." in reply
    assert (
        "Buổi họp gần nhất (24/10/2026): có mặt 1/2, 1 người phát biểu (100% số có mặt)." in reply
    )
    assert "Chưa báo cáo: Hà Thị Mai." in reply


async def test_committee_summary_lagging_cells_first_and_audited(
    dispatcher: Dispatcher, leaders: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    reply = await Chat(dispatcher, chat_id="chat-uy").send("tong hop")
    assert "Đảng bộ xã Test: tổng hợp 2 chi bộ, tháng 11/2026:" in reply
    assert "Đã báo cáo: 1/4 đảng viên (25%)" in reply
    assert reply.index("Chi bộ thôn Hai: 0/2 (0%)") < reply.index("Chi bộ bản Test: 1/2 (50%)")
    assert "Hà Thị Mai" not in reply  # names only at cell level
    async with sessionmaker() as session:
        audit = await session.scalar(
            select(AuditEntry).where(AuditEntry.action == "viewed_summary")
        )
    assert audit is not None and audit.actor_member_id is not None


async def test_members_cannot_see_summaries(xien: Chat, leaders: Cell) -> None:
    assert "dành cho bí thư chi bộ và cấp ủy" in await xien.send("/tonghop")


async def test_excel_report_in_chat(dispatcher: Dispatcher, leaders: Cell) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/tonghop")
    await mai.tap("Xuất báo cáo Excel")
    [reply] = mai.last
    assert reply.document is not None and reply.document.content is not None
    assert reply.document.file_name == "bao-cao-chi-bo-ban-test-2026-11.xlsx"
    book = load_workbook(io.BytesIO(reply.document.content))
    assert book.sheetnames == ["Tổng hợp", "bản Test"]
    rows = list(book["Tổng hợp"].iter_rows(values_only=True))
    # The Party's header: the issuing body at left, the Party's name at right (column L).
    assert [r[0] for r in rows[:4]] == [
        "ĐẢNG BỘ XÃ TEST",
        "CHI BỘ BẢN TEST",
        "*",
        "Số      -BC/CB",
    ]
    assert rows[0][11] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert rows[2][11] == "Test, ngày 15 tháng 11 năm 2026"
    assert "THÁNG 11/2026" in str(rows[5][0])
    assert rows[8][8] == "Tháng có báo cáo / phải báo cáo"
    # No., cell, type, members, exempt, working away, expected, reported, rate, deeds
    assert rows[9][:10] == (1, "Chi bộ bản Test", "Nông thôn", 2, 0, 0, 2, 1, "1/2 = 50,0 %", 1)
    signature = [r[11] for r in rows[-5:]]
    assert signature == ["T/M CHI BỘ", "BÍ THƯ", None, None, "Hà Thị Mai"]
    assert rows[-5][1] == "Nơi nhận:" and rows[-4][1] == "- Đảng ủy xã Test (b/c),"
    sheet = book["Tổng hợp"]
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    fitted = sheet.sheet_properties.pageSetUpPr
    assert fitted is not None and fitted.fitToPage
    assert sheet.print_title_rows == "$9:$9"  # the headings on every page
    assert sheet["B10"].border.left.style == "thin" and sheet["B10"].alignment.wrap_text
    cell_sheet = book["bản Test"].page_setup
    assert cell_sheet.orientation == "landscape" and cell_sheet.fitToHeight == 1  # one page
    cell_rows = [r for r in book["bản Test"].iter_rows(values_only=True) if any(r)]
    assert any(
        r[1] == "Lò Văn Xiên" and r[4] == 1 and "Giúp sửa nhà" in str(r[5]) for r in cell_rows
    )


async def test_export_for_a_quarter_covers_three_months(
    leaders: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, leaders.commune_id)
        assert commune is not None
        name, content = await build_report(
            session, commune, parse_period("2026-q4"), HANOI, None, clock.now()
        )
    assert name == "bao-cao-dang-bo-xa-test-2026-Q4.xlsx"
    book = load_workbook(io.BytesIO(content))
    attendance = [r for r in book["bản Test"].iter_rows(values_only=True) if r[1] == "Lò Văn Xiên"]
    assert any("Có mặt (phát biểu)" in str(r) for r in attendance)  # October's meeting
    with pytest.raises(InvalidInputError):
        parse_period("2026-13")


async def test_nudge_now_reaches_only_non_reporters_once_an_hour(
    dispatcher: Dispatcher, leaders: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/chuabaocao")
    assert await mai.tap("Nhắc những người này") == (
        "Đang gửi lời nhắc tới 1 trong số 1 đảng viên chưa báo cáo.\nGửi /dagui để xem ai đã nhận."
    )
    reply = await mai.send("/chuabaocao")
    assert "1 người đã được nhắc trong một giờ qua, không nhắc lại." in reply
    assert "Nhắc những người này" not in reply  # nobody left to remind: no button
    async with sessionmaker() as session:
        queued = list(await session.scalars(select(OutboxMessage)))
    assert [m.member_id for m in queued] == [leaders.members["mai"]]
    assert "chưa báo cáo việc tốt tháng 11/2026" in queued[0].text


async def test_member_year_for_the_year_end_review(xien: Chat, leaders: Cell) -> None:
    reply = await xien.send("/toi")
    assert "Năm 2026 của đồng chí" in reply
    assert "10: 0, 11: 1" in reply
    assert "Số hộ đã giúp: 1" in reply
    assert "Số buổi họp có mặt: 1/1" in reply


async def test_an_exempt_members_deed_counts_as_a_deed_not_a_report(
    dispatcher: Dispatcher,
    leaders: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    async with sessionmaker() as session, session.begin():
        elder = await factories.member(
            session,
            leaders.cell_id,
            "Cụ Lò Văn Già",
            "0900000009",
            clock.now(),
            status=MemberStatus.EXEMPT,
        )
        await factories.link(session, elder.id, "chat-elder", clock.now())
    elder_chat = Chat(dispatcher, chat_id="chat-elder")
    await report_deed(elder_chat, "1", "Quét dọn nhà văn hóa")
    reply = await Chat(dispatcher, chat_id="chat-mai").send("/tonghop")
    assert "Đã báo cáo: 1/2 đảng viên (50%); 2 việc tốt." in reply


async def test_export_leaves_out_cancelled_and_future_meetings_and_follows_moved_households(
    leaders: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add_all(
            [
                Meeting(
                    cell_id=leaders.cell_id,
                    kind=MeetingKind.MONTHLY,
                    period="2026-11",
                    starts_at=datetime(2026, 11, 24, 12, 30, tzinfo=UTC),
                    status=MeetingStatus.PLANNED,
                    created_at=clock.now(),
                ),  # still to come
                Meeting(
                    cell_id=leaders.cell_id,
                    kind=MeetingKind.EXTRA,
                    period="x",
                    starts_at=datetime(2026, 11, 2, 12, 30, tzinfo=UTC),
                    status=MeetingStatus.CANCELLED,
                    created_at=clock.now(),
                ),
            ]
        )
        other = await session.scalar(select(Member).where(Member.full_name == "Trần Văn Ủy"))
        assert other is not None
        await assign_household(
            session,
            household_id=leaders.households["Lò Văn Pành"],
            member_id=other.id,
            on=date(2026, 11, 10),
            actor_member_id=None,
            now=clock.now(),
            today=date(2026, 11, 15),
        )
        cell = await session.get(Organisation, leaders.cell_id)
        assert cell is not None
        _, content = await build_report(
            session, cell, parse_period("2026"), HANOI, None, clock.now()
        )
    book = load_workbook(io.BytesIO(content))
    rows = list(book["bản Test"].iter_rows(values_only=True))
    header = next(r for r in rows if r[:2] == ("STT", "Họ và tên") and r[2] != "Tình trạng")
    assert [c for c in header[2:] if c] == ["24/10/2026"]  # only the meeting that was held
    pank = next(r for r in rows if r[0] == "PK-01")
    assert pank[3] == "Trần Văn Ủy"
    assert "Lò Văn Xiên: 01/01/2026 – 10/11/2026" in str(pank[4])
    assert "Trần Văn Ủy: 10/11/2026 – nay" in str(pank[4])
    # Two spans of history, each wrapping in its column: the row is four lines high, or a
    # printed page would clip them; a row of one line keeps the default height.
    heights = book["bản Test"].row_dimensions
    number = next(i for i, r in enumerate(rows, start=1) if r[0] == "PK-01")
    assert heights[number].height == 4 * 15
    assert heights[number - 2].height is None  # the heading "III. HỘ ĐƯỢC PHÂN CÔNG..."


async def test_committee_member_can_nudge_every_cell_under_them(
    dispatcher: Dispatcher, leaders: Cell, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    uy = Chat(dispatcher, chat_id="chat-uy")
    reply = await uy.send("/chuabaocao")
    assert "Lời nhắc không tới được: 1 người chưa liên kết với trợ lý." in reply
    assert await uy.tap("Nhắc những người này ngay (2 người nhận được)") == (
        "Đang gửi lời nhắc tới 2 trong số 3 đảng viên chưa báo cáo.\n"
        "Lời nhắc không tới được: 1 người chưa liên kết với trợ lý.\n"
        "Gửi /dagui để xem ai đã nhận."
    )
    async with sessionmaker() as session:
        names = set(
            await session.scalars(
                select(Member.full_name).join(OutboxMessage, OutboxMessage.member_id == Member.id)
            )
        )
    assert names == {"Hà Thị Mai", "Trần Văn Ủy", "Nông Thị Ba"}  # Xiên reported


async def test_word_report_in_chat_for_the_secretary_and_the_committee(
    dispatcher: Dispatcher, leaders: Cell
) -> None:
    mai = Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/tonghop")
    await mai.tap("Báo cáo Word tháng 11/2026")
    [reply] = mai.last
    assert reply.document is not None and reply.document.content is not None
    assert reply.document.file_name == "bao-cao-chi-bo-ban-test-2026-11.docx"
    assert reply.document.mime_type.endswith("wordprocessingml.document")
    report = docx.Document(io.BytesIO(reply.document.content))
    assert report.tables[0].rows[0].cells[0].text == "ĐẢNG BỘ XÃ TEST\nCHI BỘ BẢN TEST\n*"
    assert any("Đảng viên có báo cáo việc tốt: 1/2 = 50,0 %" in p.text for p in report.paragraphs)
    uy = Chat(dispatcher, chat_id="chat-uy")
    await uy.send("/tonghop")
    await uy.tap("Báo cáo Word tháng 11/2026")
    [summary] = uy.last
    assert summary.document is not None and summary.document.content is not None
    assert summary.document.file_name == "bao-cao-dang-bo-xa-test-2026-11.docx"
    table = docx.Document(io.BytesIO(summary.document.content)).tables[1]
    assert [row.cells[1].text for row in table.rows[1:]] == [
        "Chi bộ thôn Hai",  # nobody reported: first
        "Chi bộ bản Test",
        "TỔNG CỘNG",
    ]


async def test_other_chats_are_answered_while_a_workbook_is_being_made(
    dispatcher: Dispatcher, leaders: Cell, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbook's rendering is held until another member has had their answer: with the
    # export inside the dispatcher's batch, that member would wait for it (and this test would
    # time out); made after the batch, they are answered at once.
    from bot.reports import export

    release = threading.Event()
    render = export.render_workbook

    def held_render(*args: Any) -> bytes:
        assert release.wait(10), "the other member was not answered while the workbook was made"
        return render(*args)

    monkeypatch.setattr(export, "render_workbook", held_render)
    mai = Chat(dispatcher, chat_id="chat-mai")
    await mai.send("/tonghop")
    exporting = asyncio.create_task(mai.tap("Xuất báo cáo Excel"))
    await asyncio.sleep(0.2)
    stranger = Chat(dispatcher, chat_id="chat-stranger")
    answer = await asyncio.wait_for(stranger.send("xin chào"), 5)
    assert "chưa được liên kết" in answer
    assert not exporting.done()
    release.set()
    await asyncio.wait_for(exporting, 20)
    [reply] = mai.last
    assert reply.document is not None and reply.document.file_name.endswith(".xlsx")
