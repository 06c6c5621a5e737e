"""A member's households: which are theirs now, with what was reported for each recently."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import execute_core
from bot.core.i18n import N_
from bot.services.batch_reads import read_together
from bot.services.errors import AccessDeniedError
from models import (
    Assignment,
    DeedReport,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
)


@dataclass(frozen=True)
class RecentDeed:
    """A deed shown under a household."""

    created_at: datetime
    text: str


@dataclass(frozen=True)
class HouseholdView:
    """What a member sees of one of their households."""

    id: int
    code: str
    head_name: str
    village: str
    categories: tuple[HouseholdCategory, ...]
    recent_deeds: tuple[RecentDeed, ...]


async def current_household_ids(session: AsyncSession, member_id: int) -> list[int]:
    """Ids of the households `member_id` is in charge of now, in code order."""
    rows = await session.scalars(
        select(Household.id)
        .join(Assignment, Assignment.household_id == Household.id)
        .where(Assignment.member_id == member_id, Assignment.ended_on.is_(None))
        .order_by(Household.code)
    )
    return list(rows)


NOT_YOURS = N_("That household is not one of yours. Please choose from your list.")


@dataclass(frozen=True)
class HouseholdRef:
    """A household as a member's dialog names it: read as plain columns, not as an ORM
    object (no identity map to grow in a batch of many chats' messages)."""

    id: int
    code: str
    head_name: str
    village: str


# The report dialog reads these on nearly every step: built once, with their parameters
# bound at each run (building a statement costs SQLAlchemy more than running it).
_COLUMNS = (Household.id, Household.code, Household.head_name, Household.village)
_CURRENT = (
    select(*_COLUMNS)
    .join(Assignment, Assignment.household_id == Household.id)
    .where(Assignment.member_id == bindparam("member_id"), Assignment.ended_on.is_(None))
    .order_by(Household.code)
)
_OWN = (
    select(*_COLUMNS)
    .join(Assignment, Assignment.household_id == Household.id)
    .where(
        Household.id == bindparam("household_id"),
        Assignment.member_id == bindparam("member_id"),
        Assignment.ended_on.is_(None),
    )
)


# A batch's members' households, read together (bot/services/batch_reads.py).
_CURRENT_OF_MANY = (
    select(Assignment.member_id, *_COLUMNS)
    .join(Assignment, Assignment.household_id == Household.id)
    .where(
        Assignment.member_id.in_(bindparam("member_ids", expanding=True)),
        Assignment.ended_on.is_(None),
    )
    .order_by(Household.code)
)


async def _households_of(
    session: AsyncSession, member_ids: list[int]
) -> dict[int, list[HouseholdRef]]:
    rows = await execute_core(session, _CURRENT_OF_MANY, {"member_ids": member_ids})
    read: dict[int, list[HouseholdRef]] = {member: [] for member in member_ids}
    for member, household_id, code, head_name, village in rows:
        read[member].append(HouseholdRef(household_id, code, head_name, village))
    return read


async def _read_together(session: AsyncSession, member_id: int) -> list[HouseholdRef] | None:
    return await read_together(session, "households", member_id, partial(_households_of, session))


async def current_households(session: AsyncSession, member_id: int) -> list[HouseholdRef]:
    """The households `member_id` is in charge of now, in code order (one query, or one for
    the whole batch)."""
    together = await _read_together(session, member_id)
    if together is not None:
        return list(together)
    rows = await execute_core(session, _CURRENT, {"member_id": member_id})
    return [HouseholdRef(*row) for row in rows]


async def own_household(
    session: AsyncSession, member_id: int, household_id: int
) -> HouseholdRef | None:
    """The household if `member_id` is in charge of it now, else None (one query, or one for
    the whole batch)."""
    together = await _read_together(session, member_id)
    if together is not None:
        return next((household for household in together if household.id == household_id), None)
    found = await execute_core(
        session, _OWN, {"member_id": member_id, "household_id": household_id}
    )
    row = found.first()
    return None if row is None else HouseholdRef(*row)


async def require_own_household(
    session: AsyncSession, member_id: int, household_id: int
) -> HouseholdRef:
    """The household, if `member_id` is in charge of it now; AccessDeniedError otherwise."""
    household = await own_household(session, member_id, household_id)
    if household is None:
        raise AccessDeniedError(NOT_YOURS)
    return household


async def my_households(
    session: AsyncSession, member_id: int, since_month: date, deeds_per_household: int = 3
) -> list[HouseholdView]:
    """The member's current households with their own deeds for each since `since_month`."""
    households = await current_households(session, member_id)
    ids = [h.id for h in households]
    categories: dict[int, list[HouseholdCategory]] = defaultdict(list)
    deeds: dict[int, list[RecentDeed]] = defaultdict(list)
    if ids:
        for link in await session.scalars(
            select(HouseholdCategoryLink)
            .where(HouseholdCategoryLink.household_id.in_(ids))
            .order_by(HouseholdCategoryLink.category)
        ):
            categories[link.household_id].append(link.category)
        for deed in await session.scalars(
            select(DeedReport)
            .where(
                DeedReport.member_id == member_id,
                DeedReport.household_id.in_(ids),
                DeedReport.month >= since_month,
                DeedReport.withdrawn_at.is_(None),
            )
            .order_by(DeedReport.created_at.desc())
        ):
            assert deed.household_id is not None
            if len(deeds[deed.household_id]) < deeds_per_household:
                deeds[deed.household_id].append(RecentDeed(deed.created_at, deed.text))
    return [
        HouseholdView(
            id=h.id,
            code=h.code,
            head_name=h.head_name,
            village=h.village,
            categories=tuple(categories[h.id]),
            recent_deeds=tuple(deeds[h.id]),
        )
        for h in households
    ]
