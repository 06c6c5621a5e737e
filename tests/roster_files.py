"""Real roster files for tests: workbooks written with openpyxl, CSVs in the encodings
secretaries' computers produce (UTF-8 with or without BOM, Windows-1258, Windows-1252)."""

from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from openpyxl import Workbook

from bot.services.roster.importer import RosterFile
from bot.services.roster.limits import LIMITS
from bot.services.roster.reader import read_roster_file

MEMBER_HEADINGS = ["STT", "Chi bộ", "Họ và tên", "Số điện thoại", "Loại đảng viên", "Tình trạng"]
HOUSEHOLD_HEADINGS = ["Mã hộ", "Chủ hộ", "Chi bộ", "Thôn, bản", "Diện", "SĐT đảng viên phụ trách"]
Rows = list[list[object]]

# The `cell` fixture's people and households as a secretary's list has them.
MEMBERS: Rows = [
    [1, "Chi bộ bản Test", "Lò Văn Xiên", "0912 345 678", "chính thức", "đang sinh hoạt"],
    [2, "Chi bộ bản Test", "Hà Thị Mai", 987654321, "chính thức", "đang sinh hoạt"],
]
HOUSEHOLDS: Rows = [
    ["PK-01", "Lò Văn Pành", "Test", "Bản Test", "hộ nghèo", "0912345678"],
    ["PK-02", "Quàng Thị Ún", "Test", "Bản Test", "", "0912345678"],
    ["PK-03", "Lường Văn Sơn", "Test", "Bản Test", "", "0912345678"],
    ["PK-04", "Cầm Thị Hoa", "Test", "Bản Test", "", "0912345678"],
    ["PK-05", "Tòng Văn Khánh", "Test", "Bản Test", "", "0912345678"],
    ["PK-06", "Vì Văn Dũng", "Test", "Bản Test", "", "0987654321"],
    ["PK-07", "Lò Thị Nga", "Test", "Bản Test", "", "0987654321"],
]


def workbook(
    members: Rows | None = None,
    households: Rows | None = None,
    organisations: Rows | None = None,
) -> bytes:
    """An .xlsx with the sheets given (headings of the template), as bytes."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for title, headings, rows in (
        ("Tổ chức", ["Tên tổ chức", "Cấp", "Trực thuộc", "Loại chi bộ"], organisations),
        ("Đảng viên", MEMBER_HEADINGS, members),
        ("Hộ gia đình", HOUSEHOLD_HEADINGS, households),
    ):
        if rows is not None:
            sheet = book.create_sheet(title)
            sheet.append(headings)
            for row in rows:
                sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_workbook(**changes: Rows) -> bytes:
    """The `cell` fixture's list, as it is in the database unless `changes` say otherwise."""
    return workbook(changes.get("members", MEMBERS), changes.get("households", HOUSEHOLDS))


def csv_text(headings: list[str], rows: Rows, delimiter: str = ",") -> str:
    """A CSV table as text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue()


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def cp1258(text: str) -> bytes:
    """`text` as Windows-1258 writes Vietnamese: base letters, tone marks as combining bytes."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out += base.encode("cp1258") + "".join(c for c in parts if c in _TONES).encode("cp1258")
    return bytes(out)


def roster(*files: tuple[str, bytes], **frame: Any) -> RosterFile:
    """The files read as the worker process reads them (here in-process, to keep the suite
    fast; tests/test_hostile_files.py goes through the worker), in `frame`."""
    sheets = [sheet for name, data in files for sheet in read_roster_file(name, data, LIMITS)]
    return RosterFile(tuple(sheets), ", ".join(name for name, _ in files), **frame)
