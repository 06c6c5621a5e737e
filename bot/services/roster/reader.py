"""Reading a roster file (.xlsx, .xls or .csv) into plain sheets of cell texts, within
`FileLimits`. Run it in the worker process (`file_worker`): it parses what a stranger sent."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

from bot.core.i18n import N_
from bot.core.messages import Sheet
from bot.services.roster.csvfile import csv_rows
from bot.services.roster.limits import (
    CELL_TOO_LONG,
    NOT_A_WORKBOOK,
    OPEN_DOCUMENT,
    TOO_BIG,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_MERGED,
    TOO_MANY_ROWS,
    TOO_MANY_SHEETS,
    FileLimits,
    column_letter,
    megabytes,
    refuse,
)
from bot.services.roster.workbook_check import checked_workbook

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (and other Office 97 files)
NOT_A_TABLE = N_("{name} is not an Excel (.xlsx, .xls) or CSV file.")
TABLE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".csv", ".txt", ".ods"})


def looks_like_table(name: str, content: bytes) -> bool:
    """Whether a file may be a table worth reading (by its name or its first bytes); others
    (a PDF, a picture) are refused without starting a worker."""
    return PurePath(name).suffix.lower() in TABLE_SUFFIXES or content.startswith(
        (ZIP_MAGIC, OLE_MAGIC)
    )


def read_roster_file(name: str, content: bytes, limits: FileLimits) -> list[Sheet]:
    """The sheets of an .xlsx, .xls or .csv file; an InvalidInputError naming the limit or the
    problem otherwise."""
    if len(content) > limits.max_bytes:
        raise refuse(TOO_BIG, name=name, limit=megabytes(limits.max_bytes))
    suffix = PurePath(name).suffix.lower()
    if suffix == ".ods":
        raise refuse(OPEN_DOCUMENT, name=name)
    if content.startswith(ZIP_MAGIC):
        return _workbook_sheets(name, checked_workbook(name, content, limits), limits)
    if content.startswith(OLE_MAGIC):
        return _workbook_sheets(name, content, limits)
    if suffix in (".xlsx", ".xls", ".xlsm"):
        raise refuse(NOT_A_WORKBOOK, name=name)
    if suffix not in (".csv", ".txt"):
        raise refuse(NOT_A_TABLE, name=name)
    rows = csv_rows(name, content, limits)
    return [Sheet(PurePath(name).name, tuple(tuple(row) for row in rows))]


def _workbook_sheets(name: str, content: bytes, limits: FileLimits) -> list[Sheet]:
    # Only when a workbook comes.
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except (CalamineError, ValueError, OSError) as error:
        raise refuse(NOT_A_WORKBOOK, name=name) from error
    worksheets = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    if len(worksheets) > limits.max_sheets:
        raise refuse(TOO_MANY_SHEETS, name=name, limit=limits.max_sheets)
    sheets = []
    cells = 0
    with book:
        for title in worksheets:
            try:
                sheet = book.get_sheet_by_name(title)
            except (CalamineError, ValueError) as error:
                raise refuse(NOT_A_WORKBOOK, name=name) from error
            end = sheet.end
            height, width = (end[0] + 1, end[1] + 1) if end is not None else (0, 0)
            if height > limits.max_rows:
                raise refuse(TOO_MANY_ROWS, name=name, sheet=title, limit=limits.max_rows)
            if width > limits.max_columns:
                raise refuse(TOO_MANY_COLUMNS, name=name, sheet=title, limit=limits.max_columns)
            cells += height * width
            if cells > limits.max_cells:
                raise refuse(TOO_MANY_CELLS, name=name, limit=limits.max_cells)
            values = sheet.to_python(skip_empty_area=False) if height else []
            rows = [[cell_text(value) for value in row] for row in values]
            _fill_merged(name, title, rows, sheet.merged_cell_ranges or [], limits)
            _check_lengths(name, title, rows, limits)
            sheets.append(Sheet(title, tuple(tuple(row) for row in rows)))
    return sheets


Range = tuple[tuple[int, int], tuple[int, int]]


def _fill_merged(
    name: str, title: str, rows: list[list[str]], ranges: list[Range], limits: FileLimits
) -> None:
    """Give every cell of a merged range the value of its first cell ("Chi bộ bản Nà Lụng"
    merged down the rows of its members is theirs), within the sheet's used area only: a
    range reaching row 1,048,576 fills no more than the rows that hold data."""
    if len(ranges) > limits.max_merged:
        raise refuse(TOO_MANY_MERGED, name=name, sheet=title, limit=limits.max_merged)
    height = len(rows)
    width = len(rows[0]) if rows else 0
    filled = 0
    for (top, left), (bottom, right) in ranges:
        if top >= height or left >= width:
            continue
        last_row, last_column = min(bottom, height - 1), min(right, width - 1)
        filled += (last_row - top + 1) * (last_column - left + 1)
        if filled > limits.max_cells:
            raise refuse(TOO_MANY_CELLS, name=name, limit=limits.max_cells)
        value = rows[top][left]
        for row in range(top, last_row + 1):
            for column in range(left, last_column + 1):
                rows[row][column] = value


def _check_lengths(name: str, title: str, rows: list[list[str]], limits: FileLimits) -> None:
    for number, row in enumerate(rows, start=1):
        for column, text in enumerate(row):
            if len(text) > limits.max_cell_length:
                raise refuse(
                    CELL_TOO_LONG,
                    name=name,
                    sheet=title,
                    cell=f"{column_letter(column + 1)}{number}",
                    limit=limits.max_cell_length,
                )


def cell_text(value: object) -> str:
    """A spreadsheet value as the text a person typed (phones stored as numbers keep their
    digits; dates read dd/mm/yyyy)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "x" if value else ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time | timedelta):
        return str(value)
    return unicodedata.normalize("NFC", str(value)).strip()
