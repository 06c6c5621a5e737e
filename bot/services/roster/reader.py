"""Reading a roster file (XLSX, or CSV in the encodings people really have) into plain sheets."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import TYPE_CHECKING

from bot.core.i18n import N_
from bot.services.errors import InvalidInputError

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

MAX_ROWS = 20_000  # a district's households fit; a runaway sheet of a million blank rows not
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWEL_MARKS = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # â ê ô, ă, ơ ư
_VOWELS = frozenset("aeiouy")
_LOST_LETTER = re.compile(r"[^\W\d_]\?")


@dataclass(frozen=True)
class Sheet:
    """One table of the file: its name and its rows of cell texts (trimmed, NFC)."""

    name: str
    rows: list[list[str]]


def read_roster_file(file_name: str, content: bytes) -> list[Sheet]:
    """The sheets of an .xlsx or .csv file; an InvalidInputError for anything else."""
    suffix = PurePath(file_name).suffix.lower()
    if suffix == ".csv" or (suffix != ".xlsx" and not content.startswith(b"PK")):
        if suffix not in (".csv", ".txt"):
            raise InvalidInputError(
                N_("{name} is not an Excel (.xlsx) or CSV file."), name=file_name
            )
        try:
            rows = _csv_rows(decode_csv(content))
        except csv.Error as error:
            raise InvalidInputError(
                N_(
                    "{name} cannot be read as a CSV file. Please save it again from Excel as "
                    "“CSV UTF-8”, or send the Excel file (.xlsx)."
                ),
                name=file_name,
            ) from error
        return [Sheet(PurePath(file_name).name, rows)]
    return _xlsx_sheets(file_name, content)


def _xlsx_sheets(file_name: str, content: bytes) -> list[Sheet]:
    from openpyxl import load_workbook  # openpyxl only when a workbook is read

    try:
        # Not read_only: that mode reads every cell of a merged range but the first as empty.
        book = load_workbook(io.BytesIO(content), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InvalidInputError(
            N_("{name} cannot be opened as an Excel workbook (.xlsx)."), name=file_name
        ) from error
    try:
        sheets = []
        for worksheet in book.worksheets:
            merged = _merged_values(worksheet)
            rows = []
            for row, values in enumerate(
                # max_row is where iteration stops, blank rows included: never past the sheet.
                worksheet.iter_rows(values_only=True, max_row=min(worksheet.max_row, MAX_ROWS)),
                start=1,
            ):
                rows.append(
                    [
                        cell_text(merged.get((row, column), value))
                        for column, value in enumerate(values, start=1)
                    ]
                )
            sheets.append(Sheet(worksheet.title, rows))
        return sheets
    finally:
        book.close()


def _merged_values(worksheet: Worksheet) -> dict[tuple[int, int], object]:
    """(row, column) -> value for every cell of a merged range: the value of its first cell
    (a cell "Chi bộ bản Nà Lụng" merged down the rows of its members is theirs)."""
    values: dict[tuple[int, int], object] = {}
    for merged in worksheet.merged_cells.ranges:
        value = worksheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, min(merged.max_row, MAX_ROWS) + 1):
            for column in range(merged.min_col, min(merged.max_col, worksheet.max_column) + 1):
                values[row, column] = value
    return values


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
    return unicodedata.normalize("NFC", str(value)).strip()


def _csv_rows(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    # Lines end in CR (Excel for Mac), LF or CRLF; a quoted cell may hold line breaks.
    lines = text.splitlines(keepends=True)
    for number, row in enumerate(csv.reader(lines, dialect)):
        if number >= MAX_ROWS:
            break
        rows.append([cell.strip() for cell in row])
    return rows


def decode_csv(content: bytes) -> str:
    """CSV bytes as NFC text: UTF-16 with its BOM (Excel's "Unicode Text"), UTF-8 (with or
    without BOM), else Windows-1258 or Windows-1252, whichever reads as more plausible
    Vietnamese (CP1258 writes tone marks as combining characters, which NFC folds back into
    single letters)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return unicodedata.normalize("NFC", content.decode("utf-16"))
        except UnicodeDecodeError as error:
            raise InvalidInputError(
                N_("The file's text encoding is not UTF-8, Windows-1258 or Windows-1252.")
            ) from error
    try:
        return unicodedata.normalize("NFC", content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("cp1258", "cp1252"):
        try:
            text = unicodedata.normalize("NFC", content.decode(encoding))
        except UnicodeDecodeError:
            continue
        # Tied scores: Windows-1258 unless letters were lost as "?" (what a CP1252 export
        # does with Vietnamese letters it cannot write).
        prefer = (encoding == "cp1258") != looks_lossy(text)
        candidates.append((vietnamese_score(text), prefer, text))
    if not candidates:
        raise InvalidInputError(
            N_("The file's text encoding is not UTF-8, Windows-1258 or Windows-1252.")
        )
    return max(candidates, key=lambda candidate: candidate[:2])[2]


def looks_lossy(text: str) -> bool:
    """Whether letters were replaced by "?" (a CP1252 export of Vietnamese text)."""
    return _LOST_LETTER.search(text) is not None


def vietnamese_score(text: str) -> int:
    """Words that spell like Vietnamese syllables minus those that cannot (ASCII-only words
    count for neither): a wrong code page turns tone marks into stray letters or marks."""
    score = 0
    for word in text.split():
        letters = word.strip(".,;:!?()\"'-/")
        if letters and not letters.isascii():
            score += 1 if _plausible(letters) else -1
    return score


def _plausible(word: str) -> bool:
    tones = 0
    previous = ""
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONE_MARKS:
            tones += 1
            if previous not in _VOWELS:
                return False
        elif ch in _VOWEL_MARKS:
            if previous not in _VOWEL_MARKS[ch]:
                return False
        elif ch == "đ" or ("a" <= ch <= "z"):
            previous = ch
        elif unicodedata.combining(ch) or ch.isalpha():
            return False
    return tones <= 1
