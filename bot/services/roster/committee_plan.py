"""Planning the Cấp ủy sheet: each row's role in its organisation and the cells it follows,
checked against the database (only the operator imports it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.text import fold
from bot.services.roster.orgindex import Org, OrgIndex, kind_of
from bot.services.roster.plan import CHUNK, CommitteeChange, ImportPlan, unknown_org
from bot.services.roster.records import CommitteeRow
from models import Follow, Member, Organisation, OrgKind, RoleKind


async def plan_committees(
    session: AsyncSession,
    plan: ImportPlan,
    rows: list[CommitteeRow],
    *,
    orgs: OrgIndex,
    by_phone: dict[str, Member],
    file_cells: dict[str, Org],
    roles: set[tuple[int, int, RoleKind]],
    scope: set[int] | None,
) -> None:
    """The Cấp ủy sheet: each row's role in its organisation and the cells followed, checked
    (a member of a cell under it, cells under it); only the operator imports it."""
    if rows and scope is not None:
        plan.problems.append(
            rows[0].problem(
                "",
                N_(
                    "the Cấp ủy sheet is imported by the operator (chibo import); in chat, a "
                    "committee's secretary uses /capuy."
                ),
            )
        )
        return
    follows = await _current_follows(session, [m.id for m in by_phone.values()])
    seen: dict[tuple[str, str], CommitteeRow] = {}
    for row in rows:
        if not row.org or not row.phone or row.role is None:
            continue
        found = orgs.find(row.org, tuple(OrgKind))
        if len(found) != 1:
            unknown_org(plan, row=row, key="org", name=row.org, orgs=orgs)
            continue
        org = found[0]
        earlier = seen.setdefault((fold(org.name), row.phone), row)
        if earlier is not row:
            plan.problems.append(
                row.problem(
                    "phone",
                    N_("the phone {phone} is already on row {row} ({name})."),
                    phone=row.phone,
                    row=earlier.row,
                    name=org.name,
                )
            )
            continue
        member = by_phone.get(row.phone)
        cell = file_cells.get(row.phone)
        if member is None and cell is None:
            plan.problems.append(
                row.problem(
                    "phone",
                    N_("no member has the phone {phone}; add them to the members sheet."),
                    phone=row.phone,
                )
            )
            continue
        name = member.full_name if member is not None else row.name or row.phone
        if cell is None and member is not None:
            cell = orgs.by_id.get(member.cell_id)
        renamed = row.name and member is not None and fold(row.name) != fold(member.full_name)
        if renamed and member is not None and row.phone not in file_cells:
            plan.problems.append(
                row.problem(
                    "name",
                    N_("the phone {phone} is {name}'s, not {given}'s."),
                    phone=row.phone,
                    name=member.full_name,
                    given=row.name,
                )
            )
            continue
        if _outside(cell, org):
            plan.problems.append(
                row.problem(
                    "phone",
                    N_("{name} is not a member of a cell under {org}."),
                    name=name,
                    org=org.name,
                )
            )
            continue
        if row.role is RoleKind.STANDING_COMMITTEE_MEMBER and kind_of(org) is OrgKind.CELL:
            plan.problems.append(
                row.problem(
                    "role",
                    N_("A cell has no standing committee; give {name} another role."),
                    name=name,
                )
            )
            continue
        held = (
            member is not None
            and isinstance(org, Organisation)
            and ((member.id, org.id, row.role) in roles)
        )
        cells = _followed(plan, row, org, orgs)
        if cells is None and row.follows is not None:
            continue
        if cells is not None and member is not None and isinstance(org, Organisation):
            current = follows.get((member.id, org.id), set())
            if current == {c.id for c in cells if isinstance(c, Organisation)} and all(
                isinstance(c, Organisation) for c in cells
            ):
                cells = None
        if not held or cells is not None:
            plan.committees.append(
                CommitteeChange(row, org, name, None if held else row.role, cells)
            )


def _outside(cell: Org | None, org: Org) -> bool:
    """Whether a member's cell is known not to be under `org`."""
    return (
        isinstance(cell, Organisation)
        and isinstance(org, Organisation)
        and not cell.path.startswith(org.path)
    )


def _followed(plan: ImportPlan, row: CommitteeRow, org: Org, orgs: OrgIndex) -> list[Org] | None:
    if row.follows is None:
        return None
    if kind_of(org) is OrgKind.CELL:
        plan.problems.append(
            row.problem(
                "follows",
                N_("{org} is a cell: following cells is for the committees above them."),
                org=org.name,
            )
        )
        return None
    cells: list[Org] = []
    for name in row.follows:
        found = orgs.find(name, (OrgKind.CELL,))
        if len(found) != 1:
            unknown_org(plan, row=row, key="follows", name=name, orgs=orgs, kinds=(OrgKind.CELL,))
            return None
        if _outside(found[0], org):
            plan.problems.append(
                row.problem(
                    "follows",
                    N_("{cell} is not a cell under {org}."),
                    cell=found[0].name,
                    org=org.name,
                )
            )
            return None
        if found[0] not in cells:
            cells.append(found[0])
    return cells


async def _current_follows(
    session: AsyncSession, member_ids: list[int]
) -> dict[tuple[int, int], set[int]]:
    """(member, committee's organisation) -> the cells followed now."""
    held: dict[tuple[int, int], set[int]] = {}
    for start in range(0, len(member_ids), CHUNK):
        for member_id, org_id, cell_id in await session.execute(
            select(Follow.member_id, Follow.org_id, Follow.cell_id).where(
                Follow.ended_on.is_(None), Follow.member_id.in_(member_ids[start : start + CHUNK])
            )
        ):
            held.setdefault((member_id, org_id), set()).add(cell_id)
    return held
