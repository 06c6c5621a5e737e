"""Writing a checked roster plan: organisations, members, households, who is in charge.

Rows are written in batches (one flush for all new members, one for all new households, one
query for the current assignments of every household given to someone): importing a
commune's 500 members and 2,500 households costs a few statements per batch, not per row.
Status changes go through `change_member_status` and assignments keep their history as
`assign_household` does (the previous one ends the day the next starts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.core.i18n import N_
from bot.services.committees import set_follows
from bot.services.errors import InvalidInputError
from bot.services.roster.history import change_member_status
from bot.services.roster.orgindex import OrgIndex
from bot.services.roster.plan import CHUNK, ImportPlan
from bot.services.roster.progress import apply_progress
from bot.services.roster.records import OrgRow
from models import (
    Assignment,
    AuditEntry,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    Member,
    Membership,
    MemberStatus,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)

ANY = tuple(OrgKind)


@dataclass
class Writing:
    """Who writes, when, from which file."""

    session: AsyncSession
    actor_member_id: int | None
    now: datetime
    today: date
    file_name: str
    entries: list[dict[str, object]] = field(default_factory=list)

    def audit(
        self, action: str, subject_type: str, subject_id: int | None, **data: str | int | None
    ) -> None:
        """One audit entry by this import's actor (written by `write_audit`)."""
        self.entries.append(
            {
                "at": self.now,
                "actor_member_id": self.actor_member_id,
                "action": action,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "details": dict(data),
            }
        )

    async def write_audit(self) -> None:
        """The audit entries gathered so far, in one statement."""
        if self.entries:
            await self.session.execute(insert(AuditEntry), self.entries)
            self.entries.clear()


async def create_orgs(session: AsyncSession, rows: list[OrgRow]) -> None:
    """Create the file's new organisations, parents first."""
    pending = list(rows)
    while pending:
        index = OrgIndex(list(await session.scalars(select(Organisation))), [])
        ready = [row for row in pending if not row.parent or len(index.find(row.parent, ANY)) == 1]
        for row in ready:
            parent = index.find(row.parent, ANY)[0] if row.parent else None
            assert parent is None or isinstance(parent, Organisation)
            org = Organisation(
                name=row.name,
                kind=row.level,
                cell_type=row.cell_type,
                parent_id=parent.id if parent is not None else None,
            )
            session.add(org)
            await session.flush()
            org.path = f"{parent.path if parent is not None else '/'}{org.id}/"
        await session.flush()
        pending = [row for row in pending if row not in ready]
        if not ready:  # parents are checked by the plan; this cannot loop forever
            raise RuntimeError("organisations without a resolvable parent")


async def apply_members(writing: Writing, plan: ImportPlan, note: str) -> None:
    """Add, update or mark the plan's members; `note` goes into the history of those marked
    as missing."""
    session = writing.session
    new = await _inserted(
        session,
        Member,
        Member.phone,
        [
            {
                "full_name": change.row.name,
                "phone": change.row.phone,
                "cell_id": change.cell.id,
                "membership": change.row.membership or Membership.FULL,
                "status": change.row.status or MemberStatus.ACTIVE,
                "created_at": writing.now,
            }
            for change in plan.members
            if change.member is None and isinstance(change.cell, Organisation)
        ],
    )
    for change in plan.members:
        row, cell = change.row, change.cell
        assert isinstance(cell, Organisation)
        member_id = change.member.id if change.member is not None else new[row.phone]
        member = change.member
        if member is not None and row.row:  # a row of the file
            member.full_name = row.name
            member.cell_id = cell.id
            member.membership = row.membership or member.membership
        if member is not None and change.status is not None:
            await change_member_status(
                session,
                member_id=member_id,
                status=change.status,
                effective_on=writing.today,
                note=None if row.row else note,
                actor_member_id=writing.actor_member_id,
                now=writing.now,
                today=writing.today,
            )
        if change.cell_role or (member is None and row.role is not None):
            await _replace_roles(writing, member_id, cell.id, row.role)
        for org, kind in change.positions:
            assert isinstance(org, Organisation)  # new organisations are created first
            await _replace_roles(writing, member_id, org.id, kind)
        if change.fields:
            writing.audit(
                "member_imported",
                "member",
                member_id,
                fields=",".join(change.fields),
                file=writing.file_name,
            )
    await session.flush()


async def _replace_roles(
    writing: Writing, member_id: int, cell_id: int, role: RoleKind | None
) -> None:
    """End the member's current roles in the cell and give them `role` (none: a plain member),
    both in the audit log."""
    changes: list[tuple[str, RoleKind]] = []
    for held in await writing.session.scalars(
        select(Role).where(
            Role.member_id == member_id, Role.org_id == cell_id, Role.ended_on.is_(None)
        )
    ):
        held.ended_on = writing.today
        changes.append(("role_ended", held.kind))
    if role is not None:
        writing.session.add(
            Role(member_id=member_id, org_id=cell_id, kind=role, started_on=writing.today)
        )
        changes.append(("role_started", role))
    for action, kind in changes:
        writing.audit(action, "member", member_id, org_id=cell_id, role=kind.value)


async def apply_committees(writing: Writing, plan: ImportPlan) -> None:
    """The Cấp ủy sheet's roles and followed cells (members are written already)."""
    session = writing.session
    for change in plan.committees:
        org = change.org
        assert isinstance(org, Organisation)
        member = await session.scalar(select(Member).where(Member.phone == change.row.phone))
        assert member is not None
        await writing.write_audit()
        if change.role is not None:
            await _replace_roles(writing, member.id, org.id, change.role)
            await session.flush()
        if change.follows is not None:
            cells = [cell for cell in change.follows if isinstance(cell, Organisation)]
            await set_follows(
                session,
                org=org,
                member=member,
                cells=cells,
                actor_member_id=writing.actor_member_id,
                now=writing.now,
                today=writing.today,
            )
    await writing.write_audit()


async def apply_households(writing: Writing, plan: ImportPlan) -> None:
    """Add or update the plan's households and put their members in charge."""
    session = writing.session
    created = await _inserted(
        session,
        Household,
        Household.code,
        [
            {
                "commune_id": change.commune.id,
                "code": change.row.code,
                "head_name": change.row.head,
                "village": change.row.village or "",
                "phone": change.row.phone,
                "notes": change.row.notes,
                "created_at": writing.now,
            }
            for change in plan.households
            if change.household is None and isinstance(change.commune, Organisation)
        ],
        Household.commune_id,
    )
    recategorised: dict[int, list[HouseholdCategory]] = {}
    assignments: list[tuple[int, str]] = []
    for change in plan.households:
        row, household = change.row, change.household
        assert isinstance(change.commune, Organisation)
        household_id = (
            household.id if household is not None else created[f"{change.commune.id}:{row.code}"]
        )
        if household is not None and change.fields:
            household.head_name = row.head
            household.village = row.village if row.village is not None else household.village
            household.phone = row.phone if row.phone is not None else household.phone
            household.notes = row.notes if row.notes is not None else household.notes
        if row.categories is not None and change.fields:
            recategorised[household_id] = row.categories
        if change.fields:
            writing.audit(
                "household_imported",
                "household",
                household_id,
                fields=",".join(change.fields),
                file=writing.file_name,
            )
        if row.progress:
            await apply_progress(
                session,
                household_id,
                row.progress,
                writing.actor_member_id,
                writing.today,
                writing.now,
            )
        if change.assign_to:
            assignments.append((household_id, change.assign_to))
    await _recategorise(session, recategorised)
    await _assign(writing, assignments)
    await writing.write_audit()


async def _inserted(
    session: AsyncSession,
    model: type[Member] | type[Household],
    key: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
    rows: list[dict[str, object]],
    scope: InstrumentedAttribute[int] | None = None,
) -> dict[str, int]:
    """Insert `rows` in one statement (batched by the driver); their ids by `key` (prefixed
    with `scope` and a colon when given)."""
    if not rows:
        return {}
    returned = [model.id, key] if scope is None else [model.id, key, scope]
    found = await session.execute(insert(model).returning(*returned), rows)
    return {
        (f"{row[2]}:{row[1]}" if scope is not None else str(row[1])): int(str(row[0]))
        for row in found
    }


async def _recategorise(
    session: AsyncSession, categories: dict[int, list[HouseholdCategory]]
) -> None:
    ids = sorted(categories)
    for start in range(0, len(ids), CHUNK):
        await session.execute(
            delete(HouseholdCategoryLink).where(
                HouseholdCategoryLink.household_id.in_(ids[start : start + CHUNK])
            )
        )
    links = [
        {"household_id": household, "category": category}
        for household in ids
        for category in categories[household]
    ]
    if links:
        await session.execute(insert(HouseholdCategoryLink), links)


async def _assign(writing: Writing, wanted: list[tuple[int, str]]) -> None:
    """Put each household's member (by phone) in charge from today, ending the current
    assignment today: what `assign_household` does, for many households at once."""
    session, today = writing.session, writing.today
    phones = sorted({phone for _, phone in wanted})
    members: dict[str, int] = {}
    for start in range(0, len(phones), CHUNK):
        for member_id, phone in await session.execute(
            select(Member.id, Member.phone).where(Member.phone.in_(phones[start : start + CHUNK]))
        ):
            members[phone or ""] = member_id
    ids = [household_id for household_id, _ in wanted]
    current: dict[int, Assignment] = {}
    for start in range(0, len(ids), CHUNK):
        for assignment in await session.scalars(
            select(Assignment)
            .where(
                Assignment.household_id.in_(ids[start : start + CHUNK]),
                Assignment.ended_on.is_(None),
            )
            .with_for_update()
        ):
            current[assignment.household_id] = assignment
    added: list[dict[str, object]] = []
    for household_id, phone in wanted:
        member_id = members[phone]
        held = current.get(household_id)
        if held is not None and held.member_id == member_id:
            continue
        if held is not None and today < held.started_on:
            raise InvalidInputError(N_("The new assignment cannot start before the current one."))
        if held is not None:
            held.ended_on = today
        added.append({"member_id": member_id, "household_id": household_id, "started_on": today})
        writing.audit(
            "household_assigned",
            "household",
            household_id,
            member_id=member_id,
            previous_member_id=held.member_id if held is not None else None,
        )
    await session.flush()  # the ended ones first: one current member per household
    if added:
        await session.execute(insert(Assignment), added)
