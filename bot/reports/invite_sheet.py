"""The printable invite sheet: each member's name, code, deep link and a QR code to scan."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import segno
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.properties import PageSetupProperties

from bot.reports.export_sheet import BOLD, TITLE, WRAP, widths
from bot.reports.xlsx import workbook_bytes

CODE_FONT = Font(bold=True, size=16, name="Consolas")
QR_SCALE = 4  # pixels per module: about 3.5 cm printed, easy for a cheap phone camera
QR_COLUMN = "F"
HEADINGS = ("STT", "Họ và tên", "Chi bộ", "Mã mời", "Đường liên kết", "Mã QR")


@dataclass(frozen=True)
class InviteLine:
    """One member on the sheet."""

    name: str
    cell: str
    code: str
    link: str
    expires_on: date


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


def invites_workbook(title: str, bot_username: str, lines: list[InviteLine]) -> bytes:
    """The sheet as XLSX bytes, laid out to print on A4 (one row, one member)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Mã mời"
    sheet.append([f"MÃ MỜI LIÊN KẾT VỚI TRỢ LÝ CHI BỘ — {title.upper()}"])
    sheet["A1"].font = TITLE
    sheet.append(
        [
            "Đồng chí mở Telegram, quét mã QR bằng camera (hoặc bấm đường liên kết), rồi bấm "
            f"“Bắt đầu” (Start). Hoặc tìm @{bot_username.lstrip('@')} và gửi: /start MÃ. "
            "Dùng Zalo: mở bot của chi bộ trong Zalo và gửi mã mời (ví dụ: /start MÃ). "
            "Mỗi mã dùng một lần."
        ]
    )
    sheet.merge_cells("A2:F2")
    sheet["A2"].alignment = WRAP
    sheet.row_dimensions[2].height = 48
    sheet.append(list(HEADINGS))
    for cell in sheet[3]:
        cell.font = BOLD
    for number, line in enumerate(lines, start=1):
        sheet.append(
            [
                number,
                line.name,
                line.cell,
                line.code,
                f"{line.link}\n(hết hạn {line.expires_on:%d/%m/%Y})",
            ]
        )
        row = sheet.max_row
        sheet.cell(row, 4).font = CODE_FONT
        for column in (2, 3, 5):
            sheet.cell(row, column).alignment = WRAP
        sheet.cell(row, 4).alignment = Alignment(vertical="center", horizontal="center")
        picture = Image(io.BytesIO(qr_png(line.link)))
        sheet.add_image(picture, f"{QR_COLUMN}{row}")
        sheet.row_dimensions[row].height = picture.height * 0.75 + 6  # pixels -> points
    widths(sheet, [5, 24, 22, 14, 34, 18])
    sheet.print_title_rows = "3:3"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return workbook_bytes(book)
