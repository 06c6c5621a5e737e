"""Household progress (hygienic toilet and bathroom, waste incinerator, hardened floor): what a
household has, and recording a change with its date. The newest record per flag is current."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError
from models import Household, HouseholdProgress, ProgressFlag

_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*(\d{2,4}))?\s*$")


@dataclass(frozen=True)
class FlagState:
    """Whether a household has a flag, and since when (None: never recorded)."""

    flag: ProgressFlag
    achieved: bool
    changed_on: date | None


async def current_flags(
    session: AsyncSession, household_ids: list[int]
) -> dict[int, dict[ProgressFlag, FlagState]]:
    """Per household, the current state of each recorded flag."""
    states: dict[int, dict[ProgressFlag, FlagState]] = {}
    if not household_ids:
        return states
    for household_id, flag, achieved, changed_on in await session.execute(
        select(
            HouseholdProgress.household_id,
            HouseholdProgress.flag,
            HouseholdProgress.achieved,
            HouseholdProgress.changed_on,
        )
        .where(HouseholdProgress.household_id.in_(household_ids))
        .order_by(HouseholdProgress.changed_on, HouseholdProgress.id)
    ):  # oldest first: the newest overwrites
        states.setdefault(household_id, {})[flag] = FlagState(flag, achieved, changed_on)
    return states


async def household_flags(session: AsyncSession, household_id: int) -> tuple[FlagState, ...]:
    """Every flag of one household, in the usual order (never recorded: not achieved)."""
    known = (await current_flags(session, [household_id])).get(household_id, {})
    return tuple(known.get(flag, FlagState(flag, False, None)) for flag in ProgressFlag)


async def record_progress(
    session: AsyncSession,
    *,
    household_id: int,
    flag: ProgressFlag,
    achieved: bool,
    on: date,
    actor_member_id: int | None,
    today: date,
    now: datetime,
) -> bool:
    """Record that the household has (or no longer has) `flag` from `on`; False when that is
    already so. A date in the future is refused. Audited."""
    if on > today:
        raise InvalidInputError(N_("The date cannot be in the future."))
    [state] = [s for s in await household_flags(session, household_id) if s.flag is flag]
    if state.achieved == achieved and state.changed_on is not None:
        return False
    if state.changed_on is not None and on < state.changed_on:
        # The newest record wins by date: an older date would change nothing visible.
        raise InvalidInputError(
            N_("This was last recorded on {date}; the new date cannot be earlier."),
            date=f"{state.changed_on:%d/%m/%Y}",
        )
    session.add(
        HouseholdProgress(
            household_id=household_id,
            flag=flag,
            achieved=achieved,
            changed_on=on,
            recorded_by_id=actor_member_id,
        )
    )
    household = await session.get(Household, household_id)
    assert household is not None  # the caller found it
    setattr(household, since_column(flag), on if achieved else None)
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="household_progress_recorded",
        subject_type="household",
        subject_id=household_id,
        flag=flag.value,
        achieved=achieved,
        on=on.isoformat(),
    )
    await session.flush()
    return True


def since_column(flag: ProgressFlag) -> str:
    """The household's column holding the day `flag` was reached (None while it is not)."""
    return f"{flag.value}_since"


def parse_past_date(text: str, today: date) -> date | None:
    """A date as people type it ("15/10/2026", "15/10", "15-10-26"); without a year, the
    latest such day up to `today`. None if not understood."""
    match = _DATE.match(text)
    if match is None:
        return None
    day, month, year_text = int(match[1]), int(match[2]), match[3]
    try:
        if year_text:
            return date(int(year_text) + (2000 if len(year_text) == 2 else 0), month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate <= today else date(today.year - 1, month, day)
    except ValueError:
        return None
