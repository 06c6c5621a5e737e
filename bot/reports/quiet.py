"""Households nobody helped: a cell's households held for 3 months with no deed by anyone in
those months, with who is in charge and when the last deed was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.figures import quiet_window
from models import Assignment, DeedReport, Household, Member


@dataclass(frozen=True)
class QuietHousehold:
    """A household nobody helped for 3 months."""

    household_id: int
    code: str
    head_name: str
    in_charge: str  # the member in charge now
    last_deed: datetime | None  # when the last deed for it was reported, if ever


async def quiet_households(
    session: AsyncSession, cell_id: int, month: date
) -> tuple[QuietHousehold, ...]:
    """The cell's households with no deed in the 3 months that end with `month` (among those
    held since before them), the longest forgotten first."""
    window = quiet_window(month)
    helped = exists().where(
        DeedReport.household_id == Assignment.household_id,
        DeedReport.withdrawn_at.is_(None),
        DeedReport.month >= window,
        DeedReport.month <= month,
    )
    last_deed = (
        select(func.max(DeedReport.created_at))
        .where(DeedReport.household_id == Household.id, DeedReport.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Household.id, Household.code, Household.head_name, Member.full_name, last_deed)
        .select_from(Assignment)
        .join(Member, Member.id == Assignment.member_id)
        .join(Household, Household.id == Assignment.household_id)
        .where(
            Member.cell_id == cell_id,
            Assignment.ended_on.is_(None),
            Assignment.started_on < window,
            ~helped,
        )
    )
    found = [QuietHousehold(*row) for row in rows]
    # Never helped first, then the oldest last deed; by code among equals.
    return tuple(
        sorted(
            found,
            key=lambda h: (
                h.last_deed is not None,
                h.last_deed.timestamp() if h.last_deed else 0.0,
                h.code,
            ),
        )
    )
