"""The households sheet's progress columns (hygienic toilet and bathroom, waste incinerator,
hardened floor): "có" / "x" (reached, dated the import day), a date (reached that day),
"không" / "chưa" (not, or no longer); an empty cell leaves the flag as it is."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.text import fold
from bot.services.progress import FlagState, record_progress
from models import ProgressFlag

if TYPE_CHECKING:
    from bot.services.roster.records import Located, Problem

COLUMN_FLAGS = {
    "progress_toilet": ProgressFlag.SANITARY_TOILET,
    "progress_incinerator": ProgressFlag.WASTE_INCINERATOR,
    "progress_floor": ProgressFlag.HARDENED_FLOOR,
}
FLAG_COLUMNS = {flag: key for key, flag in COLUMN_FLAGS.items()}
YES = frozenset({"co", "x", "da co", "roi", "dat", "yes", "y", "v", "1", "✓", "✔"})
NO = frozenset({"khong", "chua", "chua co", "khong co", "no", "n", "0"})
_DATE = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$")
NOT_PROGRESS = N_("“{value}” is not “có”, “không” or a date such as 15/10/2026.")

Reading = tuple[bool, date | None]  # reached or not, and since when (None: the import day)


def read_progress(text: str) -> Reading | None:
    """What one progress cell says; None when it says nothing understandable."""
    folded = fold(text).strip(" .")
    if folded in YES:
        return True, None
    if folded in NO:
        return False, None
    match = _DATE.match(folded)
    if match is None:
        return None
    try:
        return True, date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


def progress_changes(
    readings: dict[ProgressFlag, Reading], current: dict[ProgressFlag, FlagState]
) -> dict[ProgressFlag, Reading]:
    """The readings that change what is recorded (a flag already so stays as it is)."""
    return {
        flag: reading
        for flag, reading in readings.items()
        if flag not in current or current[flag].achieved != reading[0]
    }


def progress_problems(
    place: Located,
    readings: dict[ProgressFlag, Reading],
    current: dict[ProgressFlag, FlagState],
    today: date | None,
) -> list[Problem]:
    """A date in the future, or before the flag's last record (it would change nothing)."""
    problems = []
    for flag, (_, on) in progress_changes(readings, current).items():
        if on is None:
            continue
        last = current[flag].changed_on if flag in current else None
        if today is not None and on > today:
            problems.append(
                place.problem(FLAG_COLUMNS[flag], N_("The date cannot be in the future."))
            )
        elif last is not None and on < last:
            problems.append(
                place.problem(
                    FLAG_COLUMNS[flag],
                    N_("This was last recorded on {date}; the new date cannot be earlier."),
                    date=f"{last:%d/%m/%Y}",
                )
            )
    return problems


async def apply_progress(
    session: AsyncSession,
    household_id: int,
    readings: dict[ProgressFlag, Reading],
    actor_member_id: int | None,
    today: date,
    now: datetime,
) -> None:
    """Record the readings (each audited); those already so change nothing."""
    for flag, (achieved, on) in readings.items():
        await record_progress(
            session,
            household_id=household_id,
            flag=flag,
            achieved=achieved,
            on=on or today,
            actor_member_id=actor_member_id,
            today=today,
            now=now,
        )
