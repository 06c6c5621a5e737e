"""The workbook as it prints: A4 landscape, fitted to the page's width, heading rows repeated
on each page, bordered tables with wrapped headings, and the Party's header and signature
block of a document (Hướng dẫn 36-HD/VPTW) on the summary sheet. Write-only sheets: the
set-up is given before the first row, every cell through `styled` (formulas neutralised)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.documents.sources import Issuer
from bot.reports.xlsx import add_row, text_cell

THIN = Side(style="thin")
FRAME = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
HEADING = Alignment(wrap_text=True, vertical="center", horizontal="center")
A4 = "9"  # paperSize of ECMA-376


def printable(sheet: WriteOnlyWorksheet, title_rows: str, tall_row: int | None = None) -> None:
    """A4 landscape, as wide as the page, `title_rows` ("8:8") repeated on every page;
    `tall_row` (a heading of wrapped texts) three lines high."""
    page = cast(Worksheet, sheet)  # a write-only sheet borrows the set-up of a Worksheet
    page.page_setup.orientation = "landscape"
    page.page_setup.paperSize = A4
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 0  # as many pages down as it takes
    page.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    page.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    page.print_options.horizontalCentered = True
    page.print_title_rows = title_rows
    if tall_row is not None:
        page.row_dimensions[tall_row].height = 48  # read as the row is written


def _cell(
    sheet: WriteOnlyWorksheet,
    value: Any,
    font: Font | None = None,
    align: Alignment | None = None,
    border: Border | None = None,
) -> Cell:
    cell = text_cell(WriteOnlyCell(sheet, value=value))
    if font is not None:
        cell.font = font
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    return cell


def framed_row(
    sheet: WriteOnlyWorksheet, values: Sequence[object], bold: bool = False, heading: bool = False
) -> None:
    """A row of a bordered table, its texts wrapped (a heading row centred and bold)."""
    add_row(
        sheet,
        [
            _cell(
                sheet,
                value,
                BOLD if bold or heading else None,
                HEADING if heading else WRAPPED,
                FRAME,
            )
            for value in values
        ],
    )


def party_header(
    sheet: WriteOnlyWorksheet, issuer: Issuer, symbol: str, day: date, right: int
) -> None:
    """Four rows: the issuing body at left ("*" beneath, then the number), "ĐẢNG CỘNG SẢN
    VIỆT NAM" from column `right` (0-based) with its rule and the place and date."""
    top = issuer.heading(symbol, day)
    lines = [
        (top.parent.upper(), None, "ĐẢNG CỘNG SẢN VIỆT NAM", BOLD),
        (top.issuer.upper(), BOLD, "—————————", None),
        (
            "*",
            None,
            f"{top.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}",
            ITALIC,
        ),
        (f"Số      -{top.symbol}", None, "", None),
    ]
    for left_text, left_font, right_text, right_font in lines:
        row: list[object] = [_cell(sheet, left_text, left_font), *([""] * (right - 1))]
        row.append(_cell(sheet, right_text, right_font))
        add_row(sheet, row)


def signature_rows(
    sheet: WriteOnlyWorksheet, issuer: Issuer, recipients: Sequence[str], right: int
) -> None:
    """ "Nơi nhận" at left, the signature block ("T/M …", "BÍ THƯ", name) from `right`."""
    block = [issuer.on_behalf, "BÍ THƯ", "", "", issuer.secretary]
    left = ["Nơi nhận:", *(f"- {r}" for r in recipients)]
    for index in range(max(len(block), len(left))):
        said = left[index] if index < len(left) else ""
        signed = block[index] if index < len(block) else ""
        row: list[object] = [
            "",
            _cell(sheet, said, Font(underline="single") if index == 0 else None),
            *([""] * (right - 2)),
            _cell(sheet, signed, BOLD),
        ]
        add_row(sheet, row)
