"""The workbook as it prints: A4 landscape, fitted to the page's width, heading rows repeated
on each page, bordered tables with wrapped headings, and the Party's header and signature
block of a document (Hướng dẫn 36-HD/VPTW) on the summary sheet. Write-only sheets: the
set-up is given before the first row, every cell through `styled` (formulas neutralised)."""

from __future__ import annotations

from collections.abc import Sequence
from copy import copy
from datetime import date
from typing import Any, cast
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports.documents.sources import Issuer
from bot.reports.xlsx import add_row, rows_written, text_cell

THIN = Side(style="thin")
FRAME = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
ITALIC = Font(italic=True)
WRAPPED = Alignment(wrap_text=True, vertical="top")
HEADING = Alignment(wrap_text=True, vertical="center", horizontal="center")
A4 = "9"  # paperSize of ECMA-376
LINE_HEIGHT = 15  # points: one line of Calibri 11
_MODELS: WeakKeyDictionary[Workbook, dict[tuple[bool, bool], StyleArray]] = WeakKeyDictionary()


def printable(
    sheet: WriteOnlyWorksheet, title_rows: str, tall_row: int | None = None, one_page: bool = False
) -> None:
    """A4 landscape, as wide as the page (with `one_page`, as high too), `title_rows` ("8:8")
    repeated on every page; `tall_row` (a heading of wrapped texts) three lines high."""
    page = cast(Worksheet, sheet)  # a write-only sheet borrows the set-up of a Worksheet
    page.page_setup.orientation = "landscape"
    page.page_setup.paperSize = A4
    page.page_setup.fitToWidth = 1
    page.page_setup.fitToHeight = 1 if one_page else 0  # 0: as many pages down as it takes
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


def _model(sheet: WriteOnlyWorksheet, bold: bool, heading: bool) -> StyleArray:
    """The style of a framed cell, made once per workbook: setting font, border and alignment
    on each of a district's 300,000 cells would more than double the workbook's time."""
    book = sheet.parent
    assert book is not None
    styles = _MODELS.setdefault(book, {})
    key = (bold or heading, heading)
    if key not in styles:
        cell = _cell(sheet, None, BOLD if key[0] else None, HEADING if heading else WRAPPED, FRAME)
        styles[key] = cell._style  # type: ignore[attr-defined]
    return styles[key]


def framed_row(
    sheet: WriteOnlyWorksheet, values: Sequence[Any], bold: bool = False, heading: bool = False
) -> None:
    """A row of a bordered table, its texts wrapped (a heading row centred and bold)."""
    model = _model(sheet, bold, heading)
    lines = _lines(sheet, values)
    if lines > 1:  # LibreOffice does not grow a row for its wrapped text when opening a file
        page = cast(Worksheet, sheet)
        page.row_dimensions[rows_written(sheet) + 1].height = LINE_HEIGHT * lines
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell._style = copy(model)  # type: ignore[attr-defined]
        cells.append(text_cell(cell))  # after the style: its quote prefix is part of it
    add_row(sheet, cells)


def _lines(sheet: WriteOnlyWorksheet, values: Sequence[Any]) -> int:
    """How many lines the tallest text of a row wraps to in its column."""
    dimensions = cast(Worksheet, sheet).column_dimensions
    most = 1
    for index, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > 8:
            width = dimensions[get_column_letter(index)].width or 10
            per_line = max(1, int(width * 1.1))
            most = max(most, sum(-(-len(part) // per_line) or 1 for part in value.split("\n")))
    return min(most, 40)


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
