"""Roster changes that keep history: household assignments and member status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_, Translator, translator
from bot.delivery.outbox import enqueue
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError, InvalidInputError, NotFoundError
from bot.services.oversight import overseen_cells
from models import (
    Assignment,
    Household,
    Member,
    MemberStatus,
    MemberStatusChange,
    Organisation,
    OrgKind,
)

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
    *,
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
    *,
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


@dataclass(frozen=True)
class Reassignment:
    """What a reassignment changed, for the replies and the notices."""

    household: Household
    previous: Member | None
    new: Member
    result: AssignmentResult


async def household_in_scope(
    session: AsyncSession, actor: Member | None, code: str
) -> tuple[Household, Member | None]:
    """A household by code with its current holder, if the actor leads the holder's cell
    (`actor` None: the operator, anywhere)."""
    rows = (
        await session.execute(
            select(Household, Member)
            .outerjoin(
                Assignment,
                (Assignment.household_id == Household.id) & Assignment.ended_on.is_(None),
            )
            .outerjoin(Member, Member.id == Assignment.member_id)
            .where(func.upper(Household.code) == code.strip().upper())
        )
    ).all()
    allowed = None if actor is None else {c.id for c in await overseen_cells(session, actor.id)}
    for household, holder in rows:
        if allowed is None or (holder is not None and holder.cell_id in allowed):
            return household, holder
    raise NotFoundError(N_("No household {code} among those your cell looks after."), code=code)


async def commune_of_cell(session: AsyncSession, cell_id: int) -> Organisation:
    """Where a cell's households are numbered: its grassroots committee (a cell directly
    under a district numbers its own)."""
    cell = await session.get(Organisation, cell_id)
    assert cell is not None  # a member's cell (foreign key)
    parent = await session.get(Organisation, cell.parent_id) if cell.parent_id else None
    return parent if parent is not None and parent.kind is OrgKind.GRASSROOTS_COMMITTEE else cell


async def household_for_member(
    session: AsyncSession, code: str, member: Member, org: Organisation | None = None
) -> Household:
    """The household with this code in `member`'s commune (codes are unique only within a
    commune); `org`, when given, must be that commune or one of its cells."""
    commune = await commune_of_cell(session, member.cell_id)
    if org is not None and org.id != commune.id:
        named_commune = await commune_of_cell(session, org.id) if org.kind is OrgKind.CELL else org
        if named_commune.id != commune.id:
            raise InvalidInputError(
                N_(
                    "{name} is a member of {commune}, not of {org}; a household can only be "
                    "given to a member of its own commune."
                ),
                name=member.full_name,
                commune=commune.name,
                org=named_commune.name,
            )
    found = list(
        await session.scalars(
            select(Household)
            .where(func.upper(Household.code) == code.strip().upper())
            .order_by(Household.id)
        )
    )
    for household in found:
        if household.commune_id == commune.id:
            return household
    if found:
        elsewhere = [await session.get(Organisation, h.commune_id) for h in found]
        raise InvalidInputError(
            N_(
                "{commune}, the commune of {name}, has no household {code}; households with "
                "that code are in: {communes}. A household can only be given to a member of "
                "its own commune."
            ),
            commune=commune.name,
            name=member.full_name,
            code=code.strip().upper(),
            communes=", ".join(o.name for o in elsewhere if o is not None),
        )
    raise NotFoundError(N_("No household {code}."), code=code.strip().upper())


async def reassign(
    session: AsyncSession,
    *,
    actor: Member | None,
    household: Household,
    new_member_id: int,
    now: datetime,
    today: date,
) -> Reassignment:
    """Give the household to another member of a cell the actor leads, from today."""
    new = await session.get(Member, new_member_id)
    allowed = None if actor is None else {c.id for c in await overseen_cells(session, actor.id)}
    if (
        new is None
        or new.status is MemberStatus.TRANSFERRED_OUT
        or (allowed is not None and new.cell_id not in allowed)
    ):
        raise AccessDeniedError(N_("You can only give households to members of your cell."))
    if (await commune_of_cell(session, new.cell_id)).id != household.commune_id:
        raise InvalidInputError(
            N_(
                "{name} is of another commune than household {code}; a household can only "
                "be given to a member of its own commune."
            ),
            name=new.full_name,
            code=household.code,
        )
    result = await assign_household(
        session,
        household_id=household.id,
        member_id=new.id,
        on=today,
        actor_member_id=actor.id if actor else None,
        now=now,
        today=today,
    )
    previous = (
        None
        if result.previous_member_id is None
        else await session.get(Member, result.previous_member_id)
    )
    return Reassignment(household, previous, new, result)


async def assignable_members(session: AsyncSession, cell_id: int) -> list[Member]:
    """Members of a cell who can take households (active or working away), by name."""
    return list(
        await session.scalars(
            select(Member)
            .where(
                Member.cell_id == cell_id,
                Member.status.in_((MemberStatus.ACTIVE, MemberStatus.WORKING_AWAY)),
            )
            .order_by(Member.full_name)
        )
    )


async def household_loads(session: AsyncSession, member_ids: list[int]) -> dict[int, int]:
    """How many households each of these members looks after today (0 when none)."""
    rows = await session.execute(
        select(Assignment.member_id, func.count())
        .where(Assignment.member_id.in_(member_ids), Assignment.ended_on.is_(None))
        .group_by(Assignment.member_id)
    )
    loads = dict.fromkeys(member_ids, 0)
    loads.update({member_id: int(count) for member_id, count in rows})
    return loads


async def households_of_cell(
    session: AsyncSession, cell_id: int
) -> list[tuple[Household, Member]]:
    """The households the cell's members look after today, with who, by code."""
    rows = await session.execute(
        select(Household, Member)
        .join(
            Assignment,
            (Assignment.household_id == Household.id) & Assignment.ended_on.is_(None),
        )
        .join(Member, Member.id == Assignment.member_id)
        .where(Member.cell_id == cell_id)
        .order_by(Household.code)
    )
    return [(household, member) for household, member in rows.all()]


async def tell_reassignment(
    session: AsyncSession,
    done: Reassignment,
    actor_member_id: int | None,
    now: datetime,
    default_language: str,
) -> None:
    """Queue a word to the member who takes the household and to the one who hands it over
    (not to the actor, who knows)."""
    household = done.household
    label = f"{household.head_name} ({household.code})"
    cause = f"reassign:{household.id}:{now:%Y%m%d%H%M%S}"
    for person, words in (
        (done.new, N_("From today you look after household {household}. Send /ho to see it.")),
        (
            done.previous,
            N_(
                "Household {household} is now looked after by {new}. Your reports "
                "for it stay yours. Thank you."
            ),
        ),
    ):
        if person is not None and person.id != actor_member_id:
            t = translator(person.language or default_language)
            await enqueue(
                session,
                cause=cause,
                member_id=person.id,
                text=t.gettext(words).format(household=label, new=done.new.full_name),
                choices=(),
                now=now,
            )


def reassigned_text(t: Translator, done: Reassignment) -> str:
    """What the person who reassigned reads: who has the household now, and a warning when
    that member has more than five."""
    lines = [
        t.gettext(
            "Household {household} is now looked after by {new}; both are being told."
        ).format(
            household=f"{done.household.head_name} ({done.household.code})", new=done.new.full_name
        )
    ]
    if done.result.overloaded:
        lines.append(
            t.gettext("{new} now looks after {count} households, more than 5.").format(
                new=done.new.full_name, count=done.result.households_now
            )
        )
    return "\n".join(lines)
