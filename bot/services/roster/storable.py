"""Roster values checked against the schema before anything is written: the same limits on
SQLite (which would store anything) and PostgreSQL (which would refuse it mid-import)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import InstrumentedAttribute

from bot.core.i18n import N_
from bot.core.text import has_invalid, shorten
from bot.services.roster.columns import SheetKind
from models import Household, Member, Organisation

if TYPE_CHECKING:
    from bot.services.roster.records import Located, Problem


def _length(column: InstrumentedAttribute[Any]) -> int:
    return int(getattr(column.property.columns[0].type, "length", None) or 0)


# The longest text each column takes, from the schema itself: the same on SQLite (which would
# store anything) and PostgreSQL (which would refuse it mid-import).
MAX_LENGTHS: dict[SheetKind, dict[str, int]] = {
    SheetKind.ORGANISATIONS: {
        "name": _length(Organisation.name),
        "parent": _length(Organisation.name),
    },
    SheetKind.MEMBERS: {"name": _length(Member.full_name), "cell": _length(Organisation.name)},
    SheetKind.COMMITTEES: {"name": _length(Member.full_name), "org": _length(Organisation.name)},
    SheetKind.HOUSEHOLDS: {
        "code": _length(Household.code),
        "head": _length(Household.head_name),
        "village": _length(Household.village),
        "cell": _length(Organisation.name),
    },
}
NOT_TEXT = N_(
    "this cell holds characters that are not text (control characters); please type it again."
)
TOO_LONG = N_("“{value}” is longer than {limit} characters.")


def storable_problems(place: Located, values: dict[str, str], kind: SheetKind) -> list[Problem]:
    """What keeps a row's values from being stored as they are: a NUL or another control
    character, a text longer than its column."""
    problems = []
    for key, value in values.items():
        if has_invalid(value):
            problems.append(place.problem(key, NOT_TEXT))
        limit = MAX_LENGTHS[kind].get(key)
        if limit and len(" ".join(value.split())) > limit:
            problems.append(place.problem(key, TOO_LONG, value=shorten(value, 30), limit=limit))
    return problems
