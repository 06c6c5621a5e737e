"""One cell's sheet of the XLSX report: members, attendance per meeting, households."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedReport,
    Household,
    Meeting,
    Member,
    MemberStatus,
    Organisation,
)

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
STATUS_VI = {
    MemberStatus.ACTIVE: "Đang sinh hoạt",
    MemberStatus.WORKING_AWAY: "Đi làm ăn xa",
    MemberStatus.EXEMPT: "Miễn sinh hoạt",
    MemberStatus.TRANSFERRED_OUT: "Đã chuyển đi",
}
ATTENDANCE_VI = {
    AttendanceStatus.PRESENT: "Có mặt",
    AttendanceStatus.EXCUSED: "Vắng có lý do",
    AttendanceStatus.UNEXCUSED: "Vắng không lý do",
}


def widths(sheet: Worksheet, columns: list[int]) -> None:
    """Set column widths, left to right."""
    for index, width in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def cell_sheet(
    sheet: Worksheet,
    cell: Organisation,
    people: list[Member],
    period_label: str,
    deeds: dict[int, list[DeedReport]],
    meetings: list[Meeting],
    present: dict[tuple[int, int], Attendance],
    assignments: list[tuple[Assignment, Household]],
    categories: dict[int, list[str]],
    names: dict[int, str],
    tz: ZoneInfo,
) -> None:
    sheet.append([cell.name.upper()])
    sheet["A1"].font = TITLE
    sheet.append([f"Kỳ báo cáo: {period_label}"])
    sheet.append([])
    sheet.append(["I. ĐẢNG VIÊN, HỘ PHỤ TRÁCH VÀ VIỆC TỐT"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(
        ["STT", "Họ và tên", "Tình trạng", "Hộ đang phụ trách", "Số việc tốt", "Việc tốt đã làm"]
    )
    for c in sheet[sheet.max_row]:
        c.font = BOLD
    ids = {m.id for m in people}
    current: dict[int, list[str]] = defaultdict(list)
    for assignment, household in assignments:
        if assignment.ended_on is None and assignment.member_id in ids:
            current[assignment.member_id].append(household.code)
    codes = {h.id: h.code for _, h in assignments}
    for number, member in enumerate(people, start=1):
        own = deeds[member.id]
        described = "\n".join(
            f"{d.created_at.astimezone(tz):%d/%m/%Y} "
            f"({codes.get(d.household_id or 0, 'cộng đồng')}): {d.text or '(ghi âm)'}"
            + (
                f" [đ/c {names.get(d.entered_by_member_id, '?')} nhập thay]"
                if d.entered_by_member_id
                else ""
            )
            for d in own
        )
        sheet.append(
            [
                number,
                member.full_name,
                STATUS_VI[member.status],
                ", ".join(current[member.id]),
                len(own),
                described,
            ]
        )
        sheet.cell(sheet.max_row, 6).alignment = WRAP
    sheet.append([])
    sheet.append(["II. DỰ SINH HOẠT CHI BỘ"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(
        ["STT", "Họ và tên", *(f"{m.starts_at.astimezone(tz):%d/%m/%Y}" for m in meetings)]
    )
    for c in sheet[sheet.max_row]:
        c.font = BOLD
    for number, member in enumerate(people, start=1):
        marks = []
        for meeting in meetings:
            record = present.get((meeting.id, member.id))
            mark = "" if record is None else ATTENDANCE_VI[record.status]
            if record is not None and record.spoke:
                mark += " (phát biểu)"
            marks.append(mark)
        sheet.append([number, member.full_name, *marks])
    sheet.append([])
    sheet.append(["III. HỘ ĐƯỢC PHÂN CÔNG PHỤ TRÁCH"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    sheet.append(["Mã hộ", "Chủ hộ", "Diện", "Người phụ trách", "Lịch sử phân công"])
    for c in sheet[sheet.max_row]:
        c.font = BOLD
    history: dict[int, list[str]] = defaultdict(list)
    heads: dict[int, Household] = {}
    now_by: dict[int, str] = {}
    for assignment, household in assignments:  # this cell's households only, in code order
        heads[household.id] = household
        until = f"{assignment.ended_on:%d/%m/%Y}" if assignment.ended_on else "nay"
        history[household.id].append(
            f"{names.get(assignment.member_id, '?')}: {assignment.started_on:%d/%m/%Y} – {until}"
        )
        if assignment.ended_on is None:
            now_by[household.id] = names.get(assignment.member_id, "")
    for household_id, household in heads.items():
        sheet.append(
            [
                household.code,
                household.head_name,
                ", ".join(categories[household_id]),
                now_by.get(household_id, ""),
                "\n".join(history[household_id]),
            ]
        )
        sheet.cell(sheet.max_row, 5).alignment = WRAP
    widths(sheet, [7, 26, 18, 24, 12, 70])
