"""An .xlsx checked before it is opened: the zip's declared sizes, no DTD or entity in any XML
part, and every worksheet streamed once to find where its data ends, how many merged ranges it
has and how long its texts are. Nothing is expanded on the way; the parts that passed are
packed again, so the reader opens exactly what was checked."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from xml.parsers import expat

from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)

from bot.services.roster.limits import (
    CELL_TOO_LONG,
    NOT_A_WORKBOOK,
    TOO_BIG_UNPACKED,
    TOO_MANY_CELLS,
    TOO_MANY_COLUMNS,
    TOO_MANY_MERGED,
    TOO_MANY_PARTS,
    TOO_MANY_ROWS,
    TOO_MANY_SHEETS,
    XML_DECLARATIONS,
    FileLimits,
    megabytes,
    refuse,
)

_REFERENCE = re.compile(r"([A-Z]{1,3})(\d{1,7})")
_XML_PART = re.compile(r".*\.(xml|rels|vml)$", re.IGNORECASE)
_SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_SHARED_STRINGS = "xl/sharedstrings.xml"
_VALUE_TAGS = frozenset({"v", "is", "f"})


def checked_workbook(name: str, content: bytes, limits: FileLimits) -> bytes:
    """The workbook's XML parts packed again (uncompressed) once every check has passed;
    an InvalidInputError naming the limit otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise refuse(NOT_A_WORKBOOK, name=name) from error
    if len(entries) > limits.max_parts:
        raise refuse(TOO_MANY_PARTS, name=name, limit=limits.max_parts)
    # The sizes the zip declares bind: zipfile stops at the declared size and then fails the
    # CRC check, so a part cannot unpack to more than it says.
    if sum(entry.file_size for entry in entries) > limits.max_unpacked:
        raise refuse(TOO_BIG_UNPACKED, name=name, limit=megabytes(limits.max_unpacked))
    sheets = [e for e in entries if _SHEET_PART.match(e.filename)]
    if len(sheets) > limits.max_sheets:
        raise refuse(TOO_MANY_SHEETS, name=name, limit=limits.max_sheets)
    packed = io.BytesIO()
    cells = 0
    try:
        titles = _sheet_titles(archive)
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as out:
            for entry in entries:
                if entry.is_dir() or not _XML_PART.match(entry.filename):
                    continue  # pictures, printer settings, macros: not needed to read cells
                data = archive.read(entry)
                lowered = entry.filename.lower()
                if entry in sheets:
                    title = titles.get(lowered, _sheet_label(entry.filename))
                    cells += _check_sheet(name, title, data, limits)
                elif lowered == _SHARED_STRINGS:
                    _check_strings(name, data, limits)
                else:
                    _scan(data)
                out.writestr(entry.filename, data)
    except (DefusedXmlException, expat.ExpatError) as error:
        if isinstance(error, DefusedXmlException):
            raise refuse(XML_DECLARATIONS, name=name) from error
        raise refuse(NOT_A_WORKBOOK, name=name) from error
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
        raise refuse(NOT_A_WORKBOOK, name=name) from error
    if cells > limits.max_cells:
        raise refuse(TOO_MANY_CELLS, name=name, limit=limits.max_cells)
    return packed.getvalue()


def _sheet_label(part: str) -> str:
    return part.rsplit("/", 1)[-1].removesuffix(".xml")


def _sheet_titles(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part (lower case) -> the title a person sees on its tab."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets: dict[str, str] = {}
    titles: dict[str, str] = {}

    def relationship(tag: str, attributes: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "Relationship":
            target = attributes.get("Target", "").lstrip("/")
            targets[attributes.get("Id", "")] = (
                target if target.startswith("xl/") else ("xl/" + target)
            )

    def sheet(tag: str, attributes: dict[str, str]) -> None:
        tag = _local(tag)
        if tag == "sheet":
            key = next((v for k, v in attributes.items() if _local(k) == "id"), "")
            if key in targets:
                titles[targets[key].lower()] = attributes.get("name", "")

    _scan(archive.read("xl/_rels/workbook.xml.rels"), relationship)
    _scan(archive.read("xl/workbook.xml"), sheet)
    return titles


def _scan(
    data: bytes,
    start: Callable[[str, dict[str, str]], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream `data` through expat, element starts to `start`, refusing any
    DTD, entity or external reference as defusedxml does (no Element is built: a sheet of
    200,000 cells streams in under half a second)."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def doctype(name: str, sysid: str | None, pubid: str | None, internal: bool) -> None:
        raise DTDForbidden(name, sysid, pubid)

    def entity(name: str, *rest: object) -> None:
        raise EntitiesForbidden(name, None, None, None, None, None)

    def external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
        raise ExternalReferenceForbidden(context, base, sysid, pubid)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ExternalEntityRefHandler = external
    if start is not None:
        parser.StartElementHandler = start  # raw names: each handler strips a prefix
    if text is not None:
        parser.buffer_text = True
        parser.CharacterDataHandler = text
    parser.Parse(data, True)


def _local(tag: str) -> str:
    """An element's name without its namespace prefix ("x:c" -> "c")."""
    return tag.rsplit(":", 1)[-1] if ":" in tag else tag


def _check_strings(name: str, data: bytes, limits: FileLimits) -> None:
    """No shared text longer than a cell may be (the zip bomb's one text of a gigabyte)."""
    length = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal length
        if _local(tag) == "si":
            length = 0

    def text(chunk: str) -> None:
        nonlocal length
        length += len(chunk)
        if length > limits.max_cell_length:
            raise refuse(
                CELL_TOO_LONG, name=name, sheet="-", cell="-", limit=limits.max_cell_length
            )

    _scan(data, start, text)


def _check_sheet(name: str, sheet: str, data: bytes, limits: FileLimits) -> int:
    """Where the sheet's data ends, checked against the limits; its used area in cells."""
    last_row = last_column = merged = row = column = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal last_row, last_column, merged, row, column
        if ":" in tag:
            tag = _local(tag)
        if tag == "c":
            column, row = _position(attributes.get("r", ""), row, column)
        elif tag in _VALUE_TAGS:
            if row > last_row:
                last_row = row
                if last_row > limits.max_rows:
                    raise refuse(TOO_MANY_ROWS, name=name, sheet=sheet, limit=limits.max_rows)
            if column > last_column:
                last_column = column
                if last_column > limits.max_columns:
                    raise refuse(
                        TOO_MANY_COLUMNS, name=name, sheet=sheet, limit=limits.max_columns
                    )
        elif tag == "row":
            given = attributes.get("r", "")
            row = int(given) if given.isdigit() and len(given) < 8 else row + 1
            column = 0
        elif tag == "mergeCell":
            merged += 1
            if merged > limits.max_merged:
                raise refuse(TOO_MANY_MERGED, name=name, sheet=sheet, limit=limits.max_merged)

    _scan(data, start)
    return last_row * last_column


def _position(reference: str, row: int, column: int) -> tuple[int, int]:
    """A cell's (column, row), 1-based: its reference, or the next place in the row."""
    found = _REFERENCE.fullmatch(reference)
    if found is None:
        return column + 1, max(row, 1)
    letters, digits = found.groups()
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number, int(digits)
