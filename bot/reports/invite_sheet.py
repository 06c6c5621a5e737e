"""The printable invite sheet of one cell: each member's name and code, with the Telegram deep
link and a QR code to scan when the bot's Telegram username is known, how to send the code
to the Zalo bot, and that the sheet is handed out in person, never posted."""

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
HEADINGS_ZALO = ("STT", "Họ và tên", "Chi bộ", "Mã mời", "Hạn dùng")


@dataclass(frozen=True)
class InviteLine:
    """One member on the sheet."""

    name: str
    cell: str
    code: str
    link: str  # the Telegram deep link; empty when the bot's username is not known
    expires_on: date


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG bytes."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=QR_SCALE, border=2)
    return buffer.getvalue()


HAND_OUT = (
    "PHÁT TẬN TAY: cắt theo dòng, đưa mỗi đồng chí mã của mình. Không dán, không chụp gửi lên "
    "nhóm hay bảng tin: ai có mã là liên kết được vào tên đồng chí đó."
)


def how_to_link(bot_username: str, zalo_name: str) -> str:
    """The sheet's instructions: Telegram only when the bot's username is known; Zalo always
    (the bare code sent to the bot links)."""
    zalo = (
        f"Dùng Zalo: mở “{zalo_name}” trong Zalo"
        if zalo_name
        else "Dùng Zalo: mở bot Zalo của chi bộ (bí thư chi bộ chỉ cho đồng chí)"
    )
    parts = [f"{zalo}, gửi mã mời của mình (6 ký tự, ví dụ AB12CD) thành một tin nhắn."]
    if bot_username:
        parts.insert(
            0,
            "Dùng Telegram: quét mã QR bằng camera (hoặc bấm đường liên kết), rồi bấm "
            f"“Bắt đầu” (Start); hoặc tìm @{bot_username.lstrip('@')} và gửi: /start MÃ.",
        )
    parts.append("Mỗi mã dùng một lần, cho đúng một người.")
    return " ".join(parts)


def invites_workbook(
    title: str, bot_username: str, lines: list[InviteLine], zalo_name: str = ""
) -> bytes:
    """One cell's sheet as XLSX bytes, laid out to print on A4 (one row, one member): the
    code always, the Telegram link and its QR code when the bot's username is known."""
    telegram = bool(bot_username)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Mã mời"
    last = "F" if telegram else "E"
    sheet.append([f"MÃ MỜI LIÊN KẾT VỚI TRỢ LÝ CHI BỘ — {title.upper()}"])
    sheet["A1"].font = TITLE
    sheet.append([HAND_OUT])
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"].font = BOLD
    sheet["A2"].alignment = WRAP
    sheet.row_dimensions[2].height = 32
    sheet.append([how_to_link(bot_username, zalo_name)])
    sheet.merge_cells(f"A3:{last}3")
    sheet["A3"].alignment = WRAP
    sheet.row_dimensions[3].height = 60
    sheet.append(list(HEADINGS if telegram else HEADINGS_ZALO))
    for cell in sheet[4]:
        cell.font = BOLD
    for number, line in enumerate(lines, start=1):
        expiry = f"hết hạn {line.expires_on:%d/%m/%Y}"
        sheet.append(
            [number, line.name, line.cell, line.code, f"{line.link}\n({expiry})"]
            if telegram
            else [number, line.name, line.cell, line.code, expiry]
        )
        row = sheet.max_row
        sheet.cell(row, 4).font = CODE_FONT
        for column in (2, 3, 5):
            sheet.cell(row, column).alignment = WRAP
        sheet.cell(row, 4).alignment = Alignment(vertical="center", horizontal="center")
        if telegram:
            picture = Image(io.BytesIO(qr_png(line.link)))
            sheet.add_image(picture, f"{QR_COLUMN}{row}")
            sheet.row_dimensions[row].height = picture.height * 0.75 + 6  # pixels -> points
        else:
            sheet.row_dimensions[row].height = 30
    widths(sheet, [5, 24, 22, 14, 34, 18] if telegram else [5, 30, 26, 16, 18])
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    return workbook_bytes(book)
