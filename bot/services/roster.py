"""Roster changes that keep history: household assignments and member status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError, NotFoundError
from models import Assignment, Household, Member, MemberStatus, MemberStatusChange

RECOMMENDED_HOUSEHOLDS = 5


@dataclass(frozen=True)
class AssignmentResult:
    """What an assignment changed: the previous member, and the new member's load."""

    previous_member_id: int | None
    households_now: int

    @property
    def overloaded(self) -> bool:
        """More households than a member is expected to follow (a warning, not a refusal)."""
        return self.households_now > RECOMMENDED_HOUSEHOLDS


async def assign_household(
    session: AsyncSession,
    household_id: int,
    member_id: int,
    on: date,
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> AssignmentResult:
    """Put `member_id` in charge of the household from `on`; the current assignment ends on
    `on` (end dates are exclusive). History is kept; reports stay with their authors.

    `on` may not be after `today`: "current" means "ended_on is NULL", so a future date would
    take effect at once.
    """
    _not_in_future(on, today)
    household = await session.get(Household, household_id)
    member = await session.get(Member, member_id)
    if household is None or member is None:
        raise NotFoundError(N_("That member or household does not exist."))
    current = await session.scalar(
        select(Assignment)
        .where(Assignment.household_id == household_id, Assignment.ended_on.is_(None))
        .with_for_update()
    )
    previous = None
    if current is not None:
        if current.member_id == member_id:
            return AssignmentResult(member_id, await _load(session, member_id))
        if on < current.started_on:
            raise InvalidInputError(N_("The new assignment cannot start before the current one."))
        current.ended_on = on
        previous = current.member_id
        await session.flush()
    session.add(Assignment(member_id=member_id, household_id=household_id, started_on=on))
    await session.flush()
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="household_assigned",
        subject_type="household",
        subject_id=household_id,
        member_id=member_id,
        previous_member_id=previous,
    )
    return AssignmentResult(previous, await _load(session, member_id))


def _not_in_future(day: date, today: date) -> None:
    if day > today:
        raise InvalidInputError(N_("The date cannot be in the future."))


async def _load(session: AsyncSession, member_id: int) -> int:
    return (
        await session.scalar(
            select(func.count())
            .select_from(Assignment)
            .where(Assignment.member_id == member_id, Assignment.ended_on.is_(None))
        )
        or 0
    )


async def change_member_status(
    session: AsyncSession,
    member_id: int,
    status: MemberStatus,
    effective_on: date,
    note: str | None,
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> None:
    """Set a member's status from `effective_on` (not in the future), keeping history."""
    _not_in_future(effective_on, today)
    member = await session.get(Member, member_id)
    if member is None:
        raise NotFoundError(N_("That member or household does not exist."))
    session.add(
        MemberStatusChange(
            member_id=member_id,
            status=status,
            effective_on=effective_on,
            note=note,
            recorded_at=now,
        )
    )
    previous = member.status
    member.status = status
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="member_status_changed",
        subject_type="member",
        subject_id=member_id,
        previous=previous.value,
        status=status.value,
    )
    await session.flush()
