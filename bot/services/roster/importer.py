"""Importing a roster file: read, check everything, then write all of it or nothing.

Members are matched by phone and households by code within their commune, so importing the
same file twice changes nothing and a corrected file updates in place. Assignments go through
`assign_household` and status changes through `change_member_status`, which keep history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import record_audit
from bot.services.roster.history import assign_household, change_member_status
from bot.services.roster.households import plan_households
from bot.services.roster.missing import Marking, plan_missing
from bot.services.roster.plan import (
    CHUNK,
    ImportPlan,
    OrgIndex,
    current_roles,
    load_members,
    plan_member,
    plan_orgs,
    resolve_cell,
)
from bot.services.roster.progress import apply_progress
from bot.services.roster.reader import read_roster_file
from bot.services.roster.rows import (
    HouseholdRow,
    MemberRow,
    OrgRow,
    ParsedFile,
    parse_sheets,
)
from models import (
    Household,
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


@dataclass(frozen=True)
class RosterFile:
    """The files to import (name, content; a workbook or CSVs of its sheets) and the frame
    they are read in."""

    files: tuple[tuple[str, bytes], ...]
    scope: set[int] | None = None  # cells the importer leads; None: the operator
    default_cell: str | None = None  # for rows without a cell (a secretary's own)
    mark_missing: MemberStatus | None = None  # status for members the file leaves out
    importer_id: int | None = None  # the member sending the file: never marked as missing
    force: bool = False  # mark even when more than a third of a cell is not in the file
    today: date | None = None  # progress dates after it are refused

    @property
    def name(self) -> str:
        """The files' names, for the audit log."""
        return ", ".join(name for name, _ in self.files)


async def check_roster(session: AsyncSession, roster: RosterFile) -> ImportPlan:
    """What importing `roster` would change, and its problems; writes nothing."""
    return (await _read_and_plan(session, roster))[1]


async def _read_and_plan(
    session: AsyncSession, roster: RosterFile
) -> tuple[ParsedFile, ImportPlan]:
    sheets = [sheet for name, data in roster.files for sheet in read_roster_file(name, data)]
    parsed = parse_sheets(sheets, roster.default_cell)
    return parsed, await plan_import(session, parsed, roster.scope, _marking(roster), roster.today)


def _marking(roster: RosterFile) -> Marking:
    return Marking(roster.mark_missing, roster.importer_id, roster.force)


async def plan_import(
    session: AsyncSession,
    parsed: ParsedFile,
    scope: set[int] | None,
    marking: Marking | None = None,
    today: date | None = None,
) -> ImportPlan:
    """Check `parsed` against the database; `scope` limits it to those cells."""
    plan = ImportPlan(list(parsed.problems), list(parsed.warnings))
    orgs = OrgIndex(list(await session.scalars(select(Organisation))), [])
    plan_orgs(plan, parsed.orgs, orgs, scope)
    orgs = OrgIndex(orgs.existing, plan.orgs)
    rows: list[MemberRow | HouseholdRow] = [*parsed.members, *parsed.households]
    cells = {id(row): resolve_cell(plan, row, row.cell, orgs, scope) for row in rows}
    covered = {c.id for row in parsed.members if isinstance(c := cells[id(row)], Organisation)}
    listed = {row.phone for row in parsed.members if row.phone}
    phones = listed | {row.member_phone for row in parsed.households if row.member_phone}
    known = await load_members(session, phones, covered)
    by_phone = {m.phone: m for m in known if m.phone}
    roles = await current_roles(session, known)
    for row in parsed.members:
        cell = cells[id(row)]
        if cell is not None:
            plan_member(plan, row, cell, by_phone, orgs, scope, roles)
    plan_missing(plan, parsed, known, covered, listed, orgs, marking or Marking(None))
    await plan_households(session, plan, parsed.households, cells, orgs, by_phone, scope, today)
    order = {name: index for index, name in enumerate(parsed.sheets)}
    plan.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row))
    return plan


async def import_roster(
    session: AsyncSession,
    roster: RosterFile,
    actor_member_id: int | None,
    now: datetime,
    today: date,
    note: str,
) -> ImportPlan:
    """Check `roster` and, only if it has no problem at all, write it; `note` goes into the
    history of members marked as missing. Returns the plan that was (or was not) applied."""
    parsed, plan = await _read_and_plan(session, roster)
    if plan.problems or not plan.changes:
        return plan
    created = plan.orgs
    if created:
        await _create_orgs(session, created)
        plan = await plan_import(session, parsed, roster.scope, _marking(roster), roster.today)
        plan.orgs = created
    for change in plan.members:
        row, cell = change.row, change.cell
        assert isinstance(cell, Organisation)
        member = change.member
        if member is None:
            member = Member(
                full_name=row.name,
                phone=row.phone,
                cell_id=cell.id,
                membership=row.membership or Membership.FULL,
                status=row.status or MemberStatus.ACTIVE,
                created_at=now,
            )
            session.add(member)
            await session.flush()
        elif row.row:  # a row of the file (not a member marked as missing)
            member.full_name = row.name
            member.cell_id = cell.id
            member.membership = row.membership or member.membership
            if change.status is not None:
                await change_member_status(
                    session, member.id, change.status, today, None, actor_member_id, now, today
                )
        else:
            assert change.status is not None
            await change_member_status(
                session, member.id, change.status, today, note, actor_member_id, now, today
            )
        if "role" in change.fields or (change.member is None and row.role is not None):
            await _replace_roles(
                session, member.id, cell.id, row.role, actor_member_id, now, today
            )
        if change.fields:
            record_audit(
                session,
                at=now,
                actor_member_id=actor_member_id,
                action="member_imported",
                subject_type="member",
                subject_id=member.id,
                fields=",".join(change.fields),
                file=roster.name,
            )
    await session.flush()
    await _apply_households(session, plan, actor_member_id, now, today, roster.name)
    record_audit(
        session,
        at=now,
        actor_member_id=actor_member_id,
        action="roster_imported",
        subject_type="file",
        subject_id=None,
        file=roster.name,
        organisations=len(plan.orgs),
        members=len([c for c in plan.members if c.fields or c.status]),
        households=len([c for c in plan.households if c.fields or c.assign_to]),
    )
    return plan


async def _replace_roles(
    session: AsyncSession,
    member_id: int,
    cell_id: int,
    role: RoleKind | None,
    actor_member_id: int | None,
    now: datetime,
    today: date,
) -> None:
    """End the member's current roles in the cell and give them `role` (none: a plain member),
    both in the audit log."""
    changes: list[tuple[str, RoleKind]] = []
    for held in await session.scalars(
        select(Role).where(
            Role.member_id == member_id, Role.org_id == cell_id, Role.ended_on.is_(None)
        )
    ):
        held.ended_on = today
        changes.append(("role_ended", held.kind))
    if role is not None:
        session.add(Role(member_id=member_id, org_id=cell_id, kind=role, started_on=today))
        changes.append(("role_started", role))
    for action, kind in changes:
        record_audit(
            session,
            at=now,
            actor_member_id=actor_member_id,
            action=action,
            subject_type="member",
            subject_id=member_id,
            org_id=cell_id,
            role=kind.value,
        )
    await session.flush()


async def _create_orgs(session: AsyncSession, rows: list[OrgRow]) -> None:
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


async def _apply_households(
    session: AsyncSession,
    plan: ImportPlan,
    actor_member_id: int | None,
    now: datetime,
    today: date,
    file_name: str,
) -> None:
    phones = sorted({c.assign_to for c in plan.households if c.assign_to})
    members: dict[str, Member] = {}
    for start in range(0, len(phones), CHUNK):
        for member in await session.scalars(
            select(Member).where(Member.phone.in_(phones[start : start + CHUNK]))
        ):
            members[member.phone or ""] = member
    for change in plan.households:
        row, commune = change.row, change.commune
        assert isinstance(commune, Organisation)
        household = change.household
        if household is None:
            household = Household(
                commune_id=commune.id,
                code=row.code,
                head_name=row.head,
                village=row.village or "",
                phone=row.phone,
                notes=row.notes,
                created_at=now,
            )
            session.add(household)
            await session.flush()
        elif change.fields:
            household.head_name = row.head
            household.village = row.village if row.village is not None else household.village
            household.phone = row.phone if row.phone is not None else household.phone
            household.notes = row.notes if row.notes is not None else household.notes
        if row.categories is not None and change.fields:
            await session.execute(
                delete(HouseholdCategoryLink).where(
                    HouseholdCategoryLink.household_id == household.id
                )
            )
            session.add_all(
                HouseholdCategoryLink(household_id=household.id, category=category)
                for category in row.categories
            )
        if change.fields:
            record_audit(
                session,
                at=now,
                actor_member_id=actor_member_id,
                action="household_imported",
                subject_type="household",
                subject_id=household.id,
                fields=",".join(change.fields),
                file=file_name,
            )
        if row.progress:
            await apply_progress(session, household.id, row.progress, actor_member_id, today, now)
        if change.assign_to:
            await assign_household(
                session,
                household.id,
                members[change.assign_to].id,
                today,
                actor_member_id,
                now,
                today,
            )
    await session.flush()
