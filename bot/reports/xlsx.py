"""Saving a workbook chibo wrote: every text a person typed stays text.

A roster name `=HYPERLINK("http://…","Bấm")` or `=cmd|' /C calc'!A0` was written as a live
formula into the report that goes to committees. Before saving, any text cell that starts
as a formula can (`=`, `+`, `-`, `@`, tab, carriage return: OWASP's list for CSV injection)
is stored as a string with Excel's "quote prefix", so Excel neither evaluates it on opening
nor turns it into a formula when someone edits the cell. chibo writes no formulas itself."""

from __future__ import annotations

import io

from openpyxl import Workbook

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
