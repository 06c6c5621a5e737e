"""Saving a workbook chibo wrote: every text a person typed stays text.

A roster name `=HYPERLINK("http://…","Bấm")` or `=cmd|' /C calc'!A0` was written as a live
formula into the report that goes to committees. Before saving, any text cell that starts
as a formula can (`=`, `+`, `-`, `@`, tab, carriage return: OWASP's list for CSV injection)
is stored as a string with Excel's "quote prefix", so Excel neither evaluates it on opening
nor turns it into a formula when someone edits the cell. chibo writes no formulas itself.
A write-only sheet (the big reports) cannot be read back before saving: its rows go through
`add_row`, which does the same as each row is written."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(book: Workbook) -> int:
    """Make every text cell that could be read as a formula plain text; how many there were."""
    neutralised = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type = "s"  # openpyxl made "=..." a formula
                    cell.quotePrefix = True
                    neutralised += 1
    return neutralised


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as .xlsx bytes, its typed texts made safe (`as_text`)."""
    as_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text_cell(cell: Cell) -> Cell:
    """`cell`, made plain text if its value could be read as a formula."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


_WRITTEN: WeakKeyDictionary[WriteOnlyWorksheet, int] = WeakKeyDictionary()


def rows_written(sheet: WriteOnlyWorksheet) -> int:
    """How many rows `add_row` has appended to `sheet` (a write-only sheet keeps no count)."""
    return _WRITTEN.get(sheet, 0)


def add_row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    """Append a row to a write-only sheet, every text that could be a formula as plain text."""
    _WRITTEN[sheet] = _WRITTEN.get(sheet, 0) + 1
    sheet.append(
        [
            text_cell(WriteOnlyCell(sheet, value=value))
            if isinstance(value, str) and value.startswith(FORMULA_STARTS)
            else value
            for value in values
        ]
    )
