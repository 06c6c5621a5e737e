"""Importing a roster file: read, check everything, then write all of it or nothing.

Members are matched by phone and households by code within their commune, so importing the
same file twice changes nothing and a corrected file updates in place. The writing itself is
in `apply`, which keeps the history of statuses and assignments.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.messages import Sheet
from bot.services.audit import record_audit
from bot.services.roster.apply import (
    Writing,
    apply_committees,
    apply_households,
    apply_members,
    create_orgs,
)
from bot.services.roster.committee_plan import plan_committees
from bot.services.roster.households import plan_households
from bot.services.roster.missing import Marking, plan_missing
from bot.services.roster.orgindex import OrgIndex
from bot.services.roster.plan import (
    ImportPlan,
    current_roles,
    load_members,
    plan_member,
    plan_orgs,
    resolve_cell,
)
from bot.services.roster.records import HouseholdRow, MemberRow, ParsedFile
from bot.services.roster.rows import parse_sheets
from models import (
    MemberStatus,
    Organisation,
    OrgKind,
)

ANY = tuple(OrgKind)


@dataclass(frozen=True)
class RosterFile:
    """The sheets of the files to import (read by `file_worker.read_roster_files`), the
    files' names, and the frame they are checked in."""

    sheets: tuple[Sheet, ...]
    name: str
    scope: set[int] | None = None  # cells the importer leads; None: the operator
    default_cell: str | None = None  # for rows without a cell (a secretary's own)
    mark_missing: MemberStatus | None = None  # status for members the file leaves out
    importer_id: int | None = None  # the member sending the file: never marked as missing
    force: bool = False  # mark even when more than a third of a cell is not in the file
    # Move members the file puts in another cell (chat: the preview lists them and "Apply"
    # confirms; the command line: --move-members after --dry-run showed them).
    allow_moves: bool = False
    today: date | None = None  # progress dates after it are refused


async def check_roster(session: AsyncSession, roster: RosterFile) -> ImportPlan:
    """What importing `roster` would change, and its problems; writes nothing."""
    return (await _read_and_plan(session, roster))[1]


async def _read_and_plan(
    session: AsyncSession, roster: RosterFile
) -> tuple[ParsedFile, ImportPlan]:
    parsed = parse_sheets(roster.sheets, roster.default_cell)
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
    phones |= {row.phone for row in parsed.committees if row.phone}
    known = await load_members(session, phones, covered)
    by_phone = {m.phone: m for m in known if m.phone}
    roles = await current_roles(session, known)
    for row in parsed.members:
        cell = cells[id(row)]
        if cell is not None:
            plan_member(
                plan, row=row, cell=cell, by_phone=by_phone, orgs=orgs, scope=scope, roles=roles
            )
    await plan_committees(
        session,
        plan,
        parsed.committees,
        orgs=orgs,
        by_phone=by_phone,
        file_cells={
            row.phone: cell for row in parsed.members if row.phone and (cell := cells[id(row)])
        },
        roles=roles,
        scope=scope,
    )
    plan_missing(
        plan,
        parsed=parsed,
        known=known,
        covered=covered,
        listed=listed,
        orgs=orgs,
        marking=marking or Marking(None),
    )
    await plan_households(session, plan, parsed.households, cells, orgs, by_phone, scope, today)
    order = {name: index for index, name in enumerate(parsed.sheets)}
    plan.problems.sort(key=lambda p: (order.get(p.sheet, -1), p.row))
    return plan


async def import_roster(
    session: AsyncSession,
    *,
    roster: RosterFile,
    actor_member_id: int | None,
    now: datetime,
    today: date,
    note: str,
) -> ImportPlan:
    """Check `roster` and, only if it has no problem at all, write it; `note` goes into the
    history of members marked as missing. Returns the plan that was (or was not) applied."""
    parsed, plan = await _read_and_plan(session, roster)
    if not roster.allow_moves:
        plan.problems.extend(
            change.row.problem(
                "cell",
                N_(
                    "{name} is a member of {their_cell}; the file puts them in {cell}. Moving a "
                    "member to another cell must be asked for (chibo import --move-members)."
                ),
                name=change.row.name,
                their_cell=change.moved_from,
                cell=change.cell.name,
            )
            for change in plan.moves
        )
    if plan.problems or not plan.changes:
        return plan
    created = plan.orgs
    if created:
        await create_orgs(session, created)
        plan = await plan_import(session, parsed, roster.scope, _marking(roster), roster.today)
        plan.orgs = created
    written = Writing(session, actor_member_id, now, today, roster.name)
    await apply_members(written, plan, note)
    await apply_households(written, plan)
    await apply_committees(written, plan)
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
        committees=len(plan.committees),
    )
    return plan
