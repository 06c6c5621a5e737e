"""How big a roster file may be, and the one-line refusals that name each limit.

A file is checked against these before anything in it is expanded (a merged range, a packed
XML part, a sheet's dimension), so a hostile or broken file costs a refusal, not the bot."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.core.i18n import N_
from bot.services.errors import InvalidInputError

MB = 1024 * 1024


@dataclass(frozen=True)
class FileLimits:
    """Limits of one import (all its files together). A district's roster (6,600 members,
    30,000 households in two sheets) is far below each."""

    max_bytes: int = 20 * MB  # the file as sent (chat uploads are capped at 2 MB before)
    max_unpacked: int = 64 * MB  # an .xlsx's parts once unzipped, together
    max_parts: int = 500  # entries in the zip
    max_sheets: int = 20
    max_rows: int = 40_000  # per sheet
    max_columns: int = 50  # per sheet
    max_cells: int = 1_000_000  # rows x columns of every sheet's used area, together
    max_merged: int = 5_000  # merged ranges per sheet
    max_cell_length: int = 2_000  # characters in one cell
    seconds: float = 60.0  # reading time, in the worker process
    memory: int = 1024 * MB  # address space of the worker process

    def to_json(self) -> dict[str, Any]:
        """The limits as JSON, for the worker process."""
        return asdict(self)


LIMITS = FileLimits()  # the operator's `chibo import`
CHAT_LIMITS = FileLimits(max_bytes=2 * MB)  # a file sent in chat (Telegram's download cap)

TOO_BIG = N_("{name} is larger than {limit} MB; a roster needs far less.")
TOO_BIG_UNPACKED = N_(
    "{name} holds more than {limit} MB once unpacked; a roster needs far less. Nothing in it "
    "was read."
)
TOO_MANY_PARTS = N_("{name} is made of more than {limit} parts; it is not a simple workbook.")
TOO_MANY_SHEETS = N_("{name} has more than {limit} sheets; send the roster's sheets only.")
TOO_MANY_ROWS = N_(
    "{name}, sheet “{sheet}”: more than {limit} rows; please split the list into files of at "
    "most {limit} rows."
)
TOO_MANY_COLUMNS = N_(
    "{name}, sheet “{sheet}”: data in more than {limit} columns; a roster has about ten."
)
TOO_MANY_CELLS = N_(
    "{name} has more than {limit} cells with data; please send the roster's sheets only."
)
TOO_MANY_MERGED = N_(
    "{name}, sheet “{sheet}”: more than {limit} merged ranges; please unmerge the cells."
)
CELL_TOO_LONG = N_(
    "{name}, sheet “{sheet}”, cell {cell}: more than {limit} characters in one cell; is this "
    "the right file?"
)
LINE_TOO_LONG = N_(
    "{name}, line {line}: more than {limit} characters in one cell; is this the right file?"
)
XML_DECLARATIONS = N_(
    "{name} contains XML declarations (DTD, entities) that a workbook never needs, so it was "
    "not read. Please save it again from Excel."
)
TOO_SLOW = N_(
    "{name} could not be read within {limit} seconds; please save it again from Excel, or send "
    "a smaller file."
)
TOO_HEAVY = N_(
    "{name} needs more than {limit} MB of memory to read; please save it again from Excel, or "
    "send a smaller file."
)
NOT_A_WORKBOOK = N_("{name} cannot be opened as an Excel workbook (.xlsx).")
OPEN_DOCUMENT = N_(
    "{name} is an OpenDocument sheet (.ods): please save it as an Excel workbook (.xlsx) "
    "(LibreOffice: File > Save As > Excel 2007-365)."
)


def refuse(message: str, **params: object) -> InvalidInputError:
    """The error for a file over a limit (or unreadable): one line, in the reader's words."""
    return InvalidInputError(message, **params)


def megabytes(size: int) -> int:
    """`size` bytes in whole megabytes, for messages."""
    return max(1, size // MB)


def column_letter(number: int) -> str:
    """A 1-based column number as Excel names it (1 -> A, 28 -> AB), without openpyxl (which
    the worker process need not load)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
