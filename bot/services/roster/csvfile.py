"""CSV roster files in the encodings people really have (UTF-8, UTF-16, Windows-1258 and
Windows-1252), read into rows of cell texts within the file limits."""

from __future__ import annotations

import codecs
import csv
import re
import unicodedata

from bot.core.i18n import N_
from bot.services.errors import InvalidInputError
from bot.services.roster.limits import (
    LINE_TOO_LONG,
    TOO_MANY_COLUMNS,
    TOO_MANY_ROWS,
    FileLimits,
    refuse,
)

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_VOWEL_MARKS = {"\u0302": "aeo", "\u0306": "a", "\u031b": "ou"}  # â ê ô, ă, ơ ư
_VOWELS = frozenset("aeiouy")
_LOST_LETTER = re.compile(r"[^\W\d_]\?")
_SNIFF_SAMPLE = 4096
UNREADABLE_CSV = N_(
    "{name} cannot be read as a CSV file. Please save it again from Excel as “CSV UTF-8”, or "
    "send the Excel file (.xlsx)."
)


def csv_rows(name: str, content: bytes, limits: FileLimits) -> list[list[str]]:
    """The rows of a CSV file (cells trimmed), refused past the rows, columns or cell length
    of `limits`."""
    text = decode_csv(content)
    sample = "".join(text[:_SNIFF_SAMPLE].splitlines(keepends=True)[:20])
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # A cell longer than the limit stops the reader at once instead of being collected.
    csv.field_size_limit(limits.max_cell_length + 1)
    rows = []
    # Lines end in CR (Excel for Mac), LF or CRLF; a quoted cell may hold line breaks.
    reader = csv.reader(text.splitlines(keepends=True), dialect)
    sheet = name
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise refuse(TOO_MANY_ROWS, name=name, sheet=sheet, limit=limits.max_rows)
            if len(row) > limits.max_columns and any(row[limits.max_columns :]):
                raise refuse(TOO_MANY_COLUMNS, name=name, sheet=sheet, limit=limits.max_columns)
            rows.append([cell.strip() for cell in row[: limits.max_columns]])
    except csv.Error as error:
        # An odd number of quotes: one was never closed and swallowed the rest of the file.
        if "field larger than field limit" in str(error) and text.count('"') % 2 == 0:
            raise refuse(
                LINE_TOO_LONG, name=name, line=reader.line_num, limit=limits.max_cell_length
            ) from error
        raise refuse(UNREADABLE_CSV, name=name) from error
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
