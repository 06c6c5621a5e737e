"""One cell's sheet of the XLSX report, from its `CellDetail`: members, attendance per meeting,
households with their history, last deed and progress. Write-only sheets: a district's 274
sheets are streamed, not kept in memory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from zoneinfo import ZoneInfo

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.export_detail import CellDetail
from bot.reports.export_print import framed_row, printable
from bot.reports.xlsx import add_row, text_cell
from models import AttendanceStatus, HouseholdCategory, MemberStatus, ProgressFlag

ONE_PAGE_ROWS = 90  # a cell sheet this long still reads when shrunk to one A4 page
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
CATEGORY_VI = {
    HouseholdCategory.POOR: "Hộ nghèo",
    HouseholdCategory.NEAR_POOR: "Cận nghèo",
    HouseholdCategory.POLICY_FAMILY: "Gia đình chính sách",
    HouseholdCategory.HOUSING_DIFFICULTY: "Khó khăn nhà ở",
    HouseholdCategory.OTHER: "Khác",
}
PROGRESS_VI = {
    ProgressFlag.SANITARY_TOILET: "Nhà tiêu, nhà tắm hợp vệ sinh",
    ProgressFlag.WASTE_INCINERATOR: "Lò đốt rác",
    ProgressFlag.HARDENED_FLOOR: "Nền nhà cứng hóa",
}


def styled(
    sheet: WriteOnlyWorksheet, value: Any, font: Font | None = None, wrap: bool = False
) -> Cell:
    """A cell with a font and/or wrapped text."""
    cell = text_cell(WriteOnlyCell(sheet, value=value))
    if font is not None:
        cell.font = font
    if wrap:
        cell.alignment = WRAP
    return cell


def bold_row(sheet: WriteOnlyWorksheet, values: Sequence[object]) -> None:
    """Append a row in bold."""
    add_row(sheet, [styled(sheet, value, BOLD) for value in values])


def widths(sheet: Worksheet | WriteOnlyWorksheet, columns: list[int]) -> None:
    """Set column widths, left to right (before the first row of a write-only sheet)."""
    dimensions = cast(Worksheet, sheet).column_dimensions  # both kinds have them
    for index, width in enumerate(columns, start=1):
        dimensions[get_column_letter(index)].width = width


def cell_sheet(
    sheet: WriteOnlyWorksheet, cell: CellDetail, period_label: str, tz: ZoneInfo
) -> None:
    """Write one cell's sheet."""
    widths(sheet, [7, 26, 18, 24, 26, 70, 14, 14, 14])
    # Row 5: the members' headings. A village cell's sheet (11 members, 47 households) fits
    # one page; a bigger one runs on, its rows kept legible.
    rows = 2 * len(cell.members) + len(cell.households) + 12
    printable(sheet, "1:2", 5, one_page=rows <= ONE_PAGE_ROWS)
    add_row(sheet, [styled(sheet, cell.cell.name.upper(), TITLE)])
    add_row(sheet, [f"Kỳ báo cáo: {period_label}"])
    add_row(sheet, [])
    bold_row(sheet, ["I. ĐẢNG VIÊN, HỘ PHỤ TRÁCH VÀ VIỆC TỐT"])
    framed_row(
        sheet,
        ["STT", "Họ và tên", "Tình trạng", "Hộ đang phụ trách", "Số việc tốt", "Việc tốt đã làm"],
        heading=True,
    )
    for number, member in enumerate(cell.members, start=1):
        described = "\n".join(
            f"{d.created_at.astimezone(tz):%d/%m/%Y} "
            f"({d.household_code or 'cộng đồng'}): {d.text or '(ghi âm)'}"
            + (f" [đ/c {d.entered_by} nhập thay]" if d.entered_by else "")
            for d in member.deeds
        )
        framed_row(
            sheet,
            [
                number,
                member.name,
                STATUS_VI[member.status],
                ", ".join(member.households),
                len(member.deeds),
                described,
            ],
        )
    add_row(sheet, [])
    bold_row(sheet, ["II. DỰ SINH HOẠT CHI BỘ"])
    framed_row(
        sheet,
        ["STT", "Họ và tên", *(f"{m.starts_at.astimezone(tz):%d/%m/%Y}" for m in cell.meetings)],
        heading=True,
    )
    for number, member in enumerate(cell.members, start=1):
        marks = [
            ""
            if mark is None
            else ATTENDANCE_VI[mark.status] + (" (phát biểu)" if mark.spoke else "")
            for mark in member.attendance
        ]
        framed_row(sheet, [number, member.name, *marks])
    add_row(sheet, [])
    bold_row(sheet, ["III. HỘ ĐƯỢC PHÂN CÔNG PHỤ TRÁCH"])
    framed_row(
        sheet,
        [
            "Mã hộ",
            "Chủ hộ",
            "Diện",
            "Người phụ trách",
            "Lịch sử phân công",
            "Việc tốt gần nhất",
            *PROGRESS_VI.values(),
        ],
        heading=True,
    )
    for house in cell.households:
        history = "\n".join(
            f"{span.member_name}: {span.started_on:%d/%m/%Y} – "
            + (f"{span.ended_on:%d/%m/%Y}" if span.ended_on else "nay")
            for span in house.history
        )
        framed_row(
            sheet,
            [
                house.code,
                house.head_name,
                ", ".join(CATEGORY_VI[c] for c in house.categories),
                house.in_charge,
                history,
                f"{house.last_deed.astimezone(tz):%d/%m/%Y}" if house.last_deed else "chưa có",
                *("có" if flag in house.progress else "" for flag in PROGRESS_VI),
            ],
        )
