"""A corpus of hostile and broken roster files, made small in the tests: a merged range over
the whole sheet, a cell at the sheet's far corner, a zip bomb, a zip that lies about its sizes,
XXE and billion laughs, a one-line CSV of megabytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook

from tests.roster_files import MEMBER_HEADINGS, MEMBERS

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def members_workbook() -> bytes:
    """The `cell` fixture's members, as a plain workbook (inline strings, no shared ones)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đảng viên"
    sheet.append(MEMBER_HEADINGS)
    for row in MEMBERS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def patched(data: bytes, part: str, change: bytes | None = None, **replace: bytes) -> bytes:
    """`data` (a zip) with `part` replaced by `change`, or its bytes `replace`d (old=new given
    as keyword pairs through `replace["old"]`/`replace["new"]`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            if entry.filename == part:
                if change is not None:
                    content = change
                else:
                    content = content.replace(replace["old"], replace["new"])
            target.writestr(entry.filename, content)
    return out.getvalue()


def whole_sheet_merged() -> bytes:
    """1 KB: one merged range A2:XFD1048576 (openpyxl expanded it into a billion cells)."""
    return with_merges(["A2:XFD1048576"])


def far_corner_cell() -> bytes:
    """A value at XFD1048576: a reader that makes the sheet one dense block dies."""
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return patched(members_workbook(), SHEET, old=b"</sheetData>", new=far + b"</sheetData>")


def many_merged(count: int) -> bytes:
    """`count` merged ranges of two cells each."""
    return with_merges([f"A{n}:B{n}" for n in range(2, count + 2)])


def with_merges(ranges: list[str]) -> bytes:
    """The members workbook with these merged ranges."""
    listed = "".join(f'<mergeCell ref="{merged}"/>' for merged in ranges)
    block = f'<mergeCells count="{len(ranges)}">{listed}</mergeCells>'.encode()
    return patched(members_workbook(), SHEET, old=b"</sheetData>", new=b"</sheetData>" + block)


def zip_bomb(unpacked_mb: int = 100, declared: int | None = None) -> bytes:
    """A workbook whose shared strings hold one text of `unpacked_mb` MB of "A" (deflated to
    about 0.1 %), declaring `declared` bytes (default: the truth) in the zip's headers. Made
    without holding the text in memory."""
    head = (
        b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        b'2006/main" count="1" uniqueCount="1"><si><t>'
    )
    tail = b"</t></si></sst>"
    chunk = b"A" * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = [packer.compress(head)]
    crc = zlib.crc32(head)
    for _ in range(unpacked_mb):
        stream.append(packer.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    stream += [packer.compress(tail), packer.flush()]
    crc = zlib.crc32(tail, crc)
    real = len(head) + unpacked_mb * len(chunk) + len(tail)
    return _append_entry(members_workbook(), STRINGS, b"".join(stream), crc, declared or real)


def _append_entry(archive: bytes, name: str, packed: bytes, crc: int, size: int) -> bytes:
    """`archive` with one more deflated entry written by hand: zipfile cannot write a part
    whose headers disagree with its content, which is the point of the lying variant."""
    end = archive.rfind(b"PK\x05\x06")
    _, _, _, _, count, cd_size, cd_offset, _ = struct.unpack("<4s4H2LH", archive[end : end + 22])
    central = archive[cd_offset : cd_offset + cd_size]
    body = archive[:cd_offset]
    encoded = name.encode()
    local = struct.pack(
        "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(packed), size, len(encoded), 0
    )
    offset = len(body)
    body += local + encoded + packed
    record = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(packed), size,
        len(encoded), 0, 0, 0, 0, 0, offset,
    )  # fmt: skip
    central += record + encoded
    count += 1
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(body), 0)
    return body + central + eocd


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&x;</t>'
    b"</si></sst>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'.encode()
        for n in range(1, 10)
    )
    + b']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;'
    b"</t></si></sst>"
)


def with_strings(strings: bytes) -> bytes:
    """The members workbook with `strings` as its shared strings part."""
    base = zipfile.ZipFile(io.BytesIO(members_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in base.infolist():
            target.writestr(entry.filename, base.read(entry))
        target.writestr(STRINGS, strings)
    return out.getvalue()


def xxe_in_sheet() -> bytes:
    """The DTD in the worksheet itself."""
    doctype = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return patched(members_workbook(), SHEET, old=b"<worksheet", new=doctype + b"<worksheet")


def one_line_csv(megabytes: float) -> bytes:
    """A CSV of one line of `megabytes` MB, cells of ten letters."""
    cell = "aaaaaaaaaa,"
    return (cell * int(megabytes * 1024 * 1024 / len(cell))).encode()


def xls_members() -> bytes:
    """The `cell` fixture's members as an Excel 97-2003 workbook (.xls)."""
    import xlwt  # type: ignore[import-untyped]

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Đảng viên")
    for column, heading in enumerate(MEMBER_HEADINGS):
        sheet.write(0, column, heading)
    for number, row in enumerate(MEMBERS, start=1):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def big_members_workbook(rows: int, extra_columns: int = 4) -> bytes:
    """A valid members sheet of `rows` rows (and some extra columns), written as XML directly:
    openpyxl would take longer to write it than chibo to read it."""
    lines = []
    headings = [*MEMBER_HEADINGS, *(f"Cột {n}" for n in range(extra_columns))]
    for number in range(1, rows + 2):
        values = (
            headings
            if number == 1
            else [
                str(number - 1),
                "Chi bộ bản Test",
                f"Người Thứ {number}",
                f"09{number:08d}",
                "chính thức",
                "đang sinh hoạt",
                *(f"ghi chú {number}" for _ in range(extra_columns)),
            ]
        )
        cells = "".join(
            f'<c r="{_letter(column)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
            for column, value in enumerate(values)
        )
        lines.append(f'<row r="{number}">{cells}</row>')
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Đảng viên"
    buffer = io.BytesIO()
    book.save(buffer)
    data = "<sheetData>" + "".join(lines) + "</sheetData>"
    return patched(buffer.getvalue(), SHEET, old=b"<sheetData></sheetData>", new=data.encode())


def _letter(column: int) -> str:
    return chr(ord("A") + column)
