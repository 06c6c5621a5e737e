"""The blank roster workbook (`chibo template`): each sheet's headings and an example row."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.export_sheet import BOLD, widths
from bot.reports.xlsx import workbook_bytes
from bot.services.roster.columns import COLUMNS, GUIDE_SHEET, SHEET_TITLES, SheetKind
from bot.services.roster.words import (
    CATEGORY_WORDS,
    CELL_TYPE_WORDS,
    LEVEL_WORDS,
    MEMBERSHIP_WORDS,
    POSITION_WORDS,
    ROLE_WORDS,
    STATUS_WORDS,
)

EXAMPLE = Font(italic=True, color="808080")
HEADING_FILL = PatternFill("solid", fgColor="FFF2CC")


def _choices(spellings: Iterable[tuple[str, ...]]) -> str:
    return ", ".join(spelled[0] for spelled in spellings)


HELP = (
    "CÁCH ĐIỀN DANH SÁCH",
    "",
    "Dòng 2 của mỗi trang là dòng ví dụ (chữ nghiêng): điền đè lên hoặc để nguyên, "
    "khi nhập dòng ví dụ được bỏ qua.",
    "Trang “Đảng viên”: mỗi đảng viên một dòng; số điện thoại là mã nhận diện "
    "(nhập lại tệp thì cập nhật, không tạo trùng).",
    "Trang “Hộ gia đình”: mỗi hộ một dòng; mã hộ không trùng trong xã; cột “SĐT đảng viên "
    "phụ trách” là số điện thoại của đảng viên phụ trách hộ (cùng chi bộ).",
    "Trang “Tổ chức” chỉ cần khi thêm chi bộ mới (người quản trị, lệnh chibo import); "
    "bí thư chi bộ không cần điền.",
    "Trang “Cấp ủy” (người quản trị, lệnh chibo import): mỗi dòng một cấp ủy viên — cấp ủy "
    "(Đảng bộ xã, huyện hoặc chi bộ), số điện thoại, chức vụ trong cấp ủy đó và các chi bộ "
    "đồng chí phụ trách (cách nhau bằng dấu phẩy; để trống nếu không thay đổi). Đảng viên phải "
    "sinh hoạt ở một chi bộ trực thuộc cấp ủy đó; chi bộ phụ trách phải trực thuộc cấp ủy đó.",
    "",
    "Loại đảng viên: " + _choices(MEMBERSHIP_WORDS.values()),
    "Tình trạng: " + _choices(STATUS_WORDS.values()),
    "Chức vụ (trang Đảng viên; nhiều chức vụ cách nhau bằng dấu phẩy, ví dụ “bí thư chi bộ, "
    "đảng ủy viên”): "
    + ", ".join(dict.fromkeys(spelled[0] for spelled in POSITION_WORDS.values()))
    + " (để trống nếu không có)",
    "Chức vụ (trang Cấp ủy): " + _choices(ROLE_WORDS.values()),
    "Diện hộ (nhiều diện cách nhau bằng dấu phẩy): " + _choices(CATEGORY_WORDS.values()),
    "Nhà tiêu, nhà tắm hợp vệ sinh; Lò đốt rác; Nền nhà cứng hóa: “có” (đã có, tính từ ngày "
    "nhập), ngày đạt (ví dụ 15/10/2026) hoặc “không”; để trống nếu không thay đổi.",
    "Cấp tổ chức: " + _choices(LEVEL_WORDS.values()),
    "Loại chi bộ: " + _choices(CELL_TYPE_WORDS.values()),
    "",
    "Có thể lưu mỗi trang thành tệp CSV riêng (nên chọn “CSV UTF-8”). Không phân biệt chữ "
    "hoa, chữ thường, có dấu hay không dấu.",
)


def _sheet(sheet: Worksheet, kind: SheetKind) -> None:
    columns = COLUMNS[kind]
    sheet.append([column.heading for column in columns])
    sheet.append([column.example for column in columns])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADING_FILL
    for cell in sheet[2]:
        cell.font = EXAMPLE
        cell.number_format = "@"  # phones keep their leading zero
    for column in range(1, len(columns) + 1):
        for row in range(3, 200):
            sheet.cell(row, column).number_format = "@"
    sheet.freeze_panes = "A2"
    widths(sheet, [max(16, len(column.heading) + 4) for column in columns])


def template_workbook() -> bytes:
    """The workbook as bytes: members, households, organisations, committees, then how to
    fill it in."""
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = SHEET_TITLES[SheetKind.MEMBERS]
    _sheet(first, SheetKind.MEMBERS)
    for kind in (SheetKind.HOUSEHOLDS, SheetKind.ORGANISATIONS, SheetKind.COMMITTEES):
        _sheet(book.create_sheet(SHEET_TITLES[kind]), kind)
    guide = book.create_sheet(GUIDE_SHEET)
    for line in HELP:
        guide.append([line])
    guide["A1"].font = BOLD
    widths(guide, [120])
    return workbook_bytes(book)
