"""A roster file's rows read into typed records (`records`), with every problem that needs no
database: missing columns, empty or unknown values, phones that are not phones, duplicate
phones."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from bot.core.i18n import N_
from bot.core.messages import Sheet
from bot.core.phone import InvalidPhoneError, normalise_phone
from bot.core.text import fold
from bot.services.roster.columns import COLUMNS, GUIDE_SHEET, Headings, SheetKind, find_headings
from bot.services.roster.csvfile import looks_lossy
from bot.services.roster.progress import COLUMN_FLAGS, NOT_PROGRESS, Reading, read_progress
from bot.services.roster.records import (
    CommitteeRow,
    HouseholdRow,
    Located,
    MemberRow,
    OrgRow,
    ParsedFile,
    Problem,
)
from bot.services.roster.storable import storable_problems
from bot.services.roster.words import (
    CATEGORY_WORDS,
    CELL_TYPE_WORDS,
    LEVEL_WORDS,
    MEMBERSHIP_WORDS,
    NO_ROLE_WORDS,
    POSITION_WORDS,
    ROLE_WORDS,
    STATUS_WORDS,
    Level,
    list_values,
    positions,
    word_value,
)
from models import OrgKind, ProgressFlag, RoleKind

LOST_LETTERS = N_(
    "“{value}” has “?” where letters were lost; save the file again as Excel or “CSV UTF-8”."
)
NOT_A_PHONE = N_("“{value}” is not a phone number.")
E = TypeVar("E", bound=StrEnum)


def parse_sheets(sheets: Sequence[Sheet], default_cell: str | None) -> ParsedFile:
    """Read every sheet whose headings are recognised; `default_cell` fills an absent or
    empty cell column (a secretary's own cell)."""
    parsed = ParsedFile()
    for sheet in sheets:
        parsed.sheets.append(sheet.name)
        headings = find_headings(sheet.rows)
        if headings is None:
            if fold(sheet.name) != fold(GUIDE_SHEET) and any(any(row) for row in sheet.rows):
                parsed.warnings.append(
                    Problem(sheet.name, 0, "", N_("no column headings recognised; skipped."))
                )
            continue
        _read_sheet(parsed, sheet, headings, default_cell)
    if not (
        parsed.orgs or parsed.members or parsed.households or parsed.committees or parsed.problems
    ):
        parsed.problems.append(
            Problem(
                sheets[0].name if sheets else "-",
                0,
                "",
                N_(
                    "no organisations, members or households found. The headings must be "
                    "those of the template (chibo template)."
                ),
            )
        )
    _duplicate_phones(parsed)
    return parsed


def _read_sheet(
    parsed: ParsedFile, sheet: Sheet, headings: Headings, default_cell: str | None
) -> None:
    # openpyxl (with numpy and Pillow) only when a file is checked: every `chibo` start
    # imports this module, and the import costs as much as the rest of chibo.
    from openpyxl.utils import get_column_letter

    row_number = headings.row + 1
    names = {
        key: f"{get_column_letter(index + 1)} ({sheet.rows[headings.row][index]})"
        for key, index in headings.columns.items()
    }
    for index, heading in headings.unknown.items():
        parsed.warnings.append(
            Problem(
                sheet.name,
                row_number,
                get_column_letter(index + 1),
                N_("the column “{heading}” is not used; skipped."),
                {"heading": heading},
            )
        )
    missing = [
        column
        for column in COLUMNS[headings.kind]
        if column.required
        and column.key not in headings.columns
        and not (column.key == "cell" and default_cell)
    ]
    for column in missing:
        parsed.problems.append(
            Problem(
                sheet.name,
                row_number,
                "",
                N_("the column “{heading}” is missing."),
                {"heading": column.heading},
            )
        )
    if missing:
        return
    examples = {c.key: c.example for c in COLUMNS[headings.kind]}
    for offset, row in enumerate(sheet.rows[headings.row + 1 :], start=headings.row + 2):
        values = {key: row[i] if i < len(row) else "" for key, i in headings.columns.items()}
        if not any(values.values()):
            continue
        if all(values[key] == examples[key] for key in values):
            continue  # the template's example row (its guide says it is skipped)
        if default_cell and not values.get("cell"):
            values["cell"] = default_cell
        place = Located(sheet.name, offset, names)
        parsed.problems.extend(storable_problems(place, values, headings.kind))
        reader = {
            SheetKind.ORGANISATIONS: _org,
            SheetKind.MEMBERS: _member,
            SheetKind.HOUSEHOLDS: _household,
            SheetKind.COMMITTEES: _committee,
        }[headings.kind]
        reader(parsed, place, values)


def _text(parsed: ParsedFile, place: Located, values: dict[str, str], key: str) -> str:
    """A required text; a problem when empty or when letters were lost."""
    value = " ".join(values.get(key, "").split())
    if not value:
        parsed.problems.append(place.problem(key, N_("this cell is empty.")))
    elif looks_lossy(value):
        parsed.problems.append(place.problem(key, LOST_LETTERS, value=value))
    return value


def _optional(values: dict[str, str], key: str) -> str | None:
    value = " ".join(values.get(key, "").split())
    return value or None


def _word(
    parsed: ParsedFile,
    place: Located,
    values: dict[str, str],
    key: str,
    words: Mapping[E, tuple[str, ...]],
) -> E | None:
    """A cell holding one of `words` (None when empty); a problem when it is no such word."""
    raw = values.get(key, "")
    if not raw.strip():
        return None
    value = word_value(words, raw)
    if value is None:
        parsed.problems.append(
            place.problem(
                key,
                N_("“{value}” is not one of: {known}."),
                value=raw,
                known=", ".join(spelled[0] for spelled in words.values()),
            )
        )
    return value


def _phone(parsed: ParsedFile, place: Located, raw: str, key: str) -> str:
    try:
        return normalise_phone(raw)
    except InvalidPhoneError:
        parsed.problems.append(place.problem(key, NOT_A_PHONE, value=raw))
        return ""


def _org(parsed: ParsedFile, place: Located, values: dict[str, str]) -> None:
    name = _text(parsed, place, values, "name")
    level = _word(parsed, place, values, "level", LEVEL_WORDS)
    if level is None and not values.get("level", "").strip():
        parsed.problems.append(place.problem("level", N_("this cell is empty.")))
    parent = _optional(values, "parent") or ""
    if level is not None and level is not OrgKind.DISTRICT_COMMITTEE and not parent:
        parsed.problems.append(
            place.problem("parent", N_("say which organisation {name} is under."), name=name)
        )
    cell_type = _word(parsed, place, values, "cell_type", CELL_TYPE_WORDS)
    parsed.orgs.append(
        OrgRow(
            place.sheet,
            place.row,
            place.columns,
            name=name,
            level=level or OrgKind.CELL,
            parent=parent,
            cell_type=cell_type,
        )
    )


def _member(parsed: ParsedFile, place: Located, values: dict[str, str]) -> None:
    cell = _text(parsed, place, values, "cell")
    name = _text(parsed, place, values, "name")
    raw_phone = values.get("phone", "").strip()
    phone = _phone(parsed, place, raw_phone, "phone") if raw_phone else ""
    if not raw_phone:
        parsed.problems.append(place.problem("phone", N_("this cell is empty.")))
    role_text = fold(values.get("role", ""))
    role = None
    held: list[tuple[Level, RoleKind]] = []
    if role_text not in NO_ROLE_WORDS:
        held, unknown = positions(values.get("role", ""))
        for word in unknown:
            parsed.problems.append(
                place.problem(
                    "role",
                    N_("“{value}” is not one of: {known}."),
                    value=word,
                    known=", ".join(
                        dict.fromkeys(spelled[0] for spelled in POSITION_WORDS.values())
                    ),
                )
            )
        in_cell = [kind for level, kind in held if level is Level.CELL]
        if len(in_cell) > 1:
            parsed.problems.append(
                place.problem(
                    "role", N_("one role in the cell at most, not {count}."), count=len(in_cell)
                )
            )
        role = in_cell[0] if in_cell else None
    parsed.members.append(
        MemberRow(
            place.sheet,
            place.row,
            place.columns,
            cell=cell,
            name=name,
            phone=phone,
            membership=_word(parsed, place, values, "membership", MEMBERSHIP_WORDS),
            status=_word(parsed, place, values, "status", STATUS_WORDS),
            role=role,
            no_role=bool(role_text) and role_text in NO_ROLE_WORDS,
            positions=[(level, kind) for level, kind in held if level is not Level.CELL],
        )
    )


def _committee(parsed: ParsedFile, place: Located, values: dict[str, str]) -> None:
    org = _text(parsed, place, values, "org")
    raw_phone = values.get("phone", "").strip()
    phone = _phone(parsed, place, raw_phone, "phone") if raw_phone else ""
    if not raw_phone:
        parsed.problems.append(place.problem("phone", N_("this cell is empty.")))
    role = None
    raw_role = values.get("role", "")
    if not raw_role.strip():
        parsed.problems.append(place.problem("role", N_("this cell is empty.")))
    else:
        found = positions(raw_role)[0]
        role = found[0][1] if len(found) == 1 else word_value(ROLE_WORDS, raw_role)
        if role is None:
            parsed.problems.append(
                place.problem(
                    "role",
                    N_("“{value}” is not one of: {known}."),
                    value=raw_role,
                    known=", ".join(spelled[0] for spelled in ROLE_WORDS.values()),
                )
            )
    follows = None
    if values.get("follows", "").strip():
        parts = re.split(r"[,;\n]+", values["follows"])
        follows = [part.strip() for part in parts if part.strip()]
    parsed.committees.append(
        CommitteeRow(
            place.sheet,
            place.row,
            place.columns,
            org=org,
            name=_optional(values, "name"),
            phone=phone,
            role=role,
            follows=follows,
        )
    )


def _household(parsed: ParsedFile, place: Located, values: dict[str, str]) -> None:
    code = _text(parsed, place, values, "code").upper()
    head = _text(parsed, place, values, "head")
    cell = _text(parsed, place, values, "cell")
    categories = None
    if "categories" in values:
        categories, unknown = list_values(CATEGORY_WORDS, values["categories"])
        for word in unknown:
            parsed.problems.append(
                place.problem(
                    "categories",
                    N_("“{value}” is not one of: {known}."),
                    value=word,
                    known=", ".join(spelled[0] for spelled in CATEGORY_WORDS.values()),
                )
            )
    member_phone = _optional(values, "member_phone")
    phone = _optional(values, "phone")
    parsed.households.append(
        HouseholdRow(
            place.sheet,
            place.row,
            place.columns,
            code=code,
            head=head,
            cell=cell,
            village=_optional(values, "village"),
            categories=categories,
            member_phone=_phone(parsed, place, member_phone, "member_phone")
            if member_phone
            else None,
            phone=_phone(parsed, place, phone, "phone") if phone else None,
            notes=_optional(values, "notes"),
            progress=_progress(parsed, place, values),
        )
    )


def _progress(
    parsed: ParsedFile, place: Located, values: dict[str, str]
) -> dict[ProgressFlag, Reading]:
    readings = {}
    for key, flag in COLUMN_FLAGS.items():
        text = values.get(key, "").strip()
        if not text:
            continue
        reading = read_progress(text)
        if reading is None:
            parsed.problems.append(place.problem(key, NOT_PROGRESS, value=text))
        else:
            readings[flag] = reading
    return readings


def _duplicate_phones(parsed: ParsedFile) -> None:
    first: dict[str, MemberRow] = {}
    for row in parsed.members:
        if not row.phone:
            continue
        earlier = first.setdefault(row.phone, row)
        if earlier is not row:
            parsed.problems.append(
                row.problem(
                    "phone",
                    N_("the phone {phone} is already on row {row} ({name})."),
                    phone=row.phone,
                    row=earlier.row,
                    name=earlier.name,
                )
            )
