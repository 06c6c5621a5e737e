"""What importing a roster file would change, checked against the database: unknown cells,
members of other cells, households given to two members, people missing from the file.
The Cấp ủy sheet is planned in `committee_plan`, households in `households`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.text import fold
from bot.services.roster.orgindex import Org, OrgIndex, committee_above, kind_of
from bot.services.roster.records import CommitteeRow, HouseholdRow, MemberRow, OrgRow, Problem
from bot.services.roster.words import POSITION_WORDS
from models import Household, Member, MemberStatus, Organisation, OrgKind, Role, RoleKind

CHUNK = 500  # ids per IN (...) list
# A phone already on a list the importer does not lead: said without whose, where or why,
# so a secretary learns nothing about other cells' members.
OTHER_LIST = N_(
    "the phone {phone} cannot be used in your list. If it is right, ask the committee above "
    "your cell."
)


@dataclass
class MemberChange:
    """A member to add (`member` None) or to update, with the fields that change."""

    row: MemberRow
    cell: Org
    member: Member | None
    fields: list[str]
    status: MemberStatus | None  # a new status (kept in the member's history)
    moved_from: str | None = None  # the cell they leave, when the file puts them in another
    cell_role: bool = False  # the role in the cell changes
    # Roles above the cell the Chức vụ gives that the member does not hold yet.
    positions: list[tuple[Org, RoleKind]] = field(default_factory=list)


@dataclass
class CommitteeChange:
    """A row of the Cấp ủy sheet that changes something: a role given (None: held already)
    and the cells to follow from now (None: kept as they are)."""

    row: CommitteeRow
    org: Org
    name: str
    role: RoleKind | None
    follows: list[Org] | None


@dataclass
class HouseholdChange:
    """A household to add or update, and the member to put in charge (phone)."""

    row: HouseholdRow
    commune: Org
    household: Household | None
    fields: list[str]
    assign_to: str | None  # a phone, when the person in charge changes
    holder_name: str | None  # who is in charge now
    new_holder_name: str | None


@dataclass(frozen=True)
class CellGap:
    """A cell with more than a third of its members missing from the file."""

    cell: str
    missing: int
    total: int


@dataclass
class ImportPlan:
    """Everything the file would change, what is wrong with it, and who is not in it."""

    problems: list[Problem]
    warnings: list[Problem]
    orgs: list[OrgRow] = field(default_factory=list)
    members: list[MemberChange] = field(default_factory=list)
    households: list[HouseholdChange] = field(default_factory=list)
    missing_members: list[Member] = field(default_factory=list)
    missing_households: list[Household] = field(default_factory=list)
    gaps: list[CellGap] = field(default_factory=list)  # cells with over a third missing
    orphaned: list[tuple[Household, Member]] = field(default_factory=list)  # held by the marked
    committees: list[CommitteeChange] = field(default_factory=list)

    @property
    def moves(self) -> list[MemberChange]:
        """Members the file puts in another cell than theirs (never done silently)."""
        return [c for c in self.members if c.moved_from is not None]

    @property
    def changes(self) -> bool:
        """Whether applying the plan writes anything."""
        return bool(
            self.orgs
            or any(c.fields or c.status for c in self.members)
            or any(c.fields or c.assign_to for c in self.households)
            or bool(self.committees)
        )


def missing_change(member: Member, orgs: OrgIndex, status: MemberStatus) -> MemberChange:
    """Marking a member the file leaves out (only when asked)."""
    return MemberChange(_row_of(member), orgs.by_id[member.cell_id], member, [], status)


def _row_of(member: Member) -> MemberRow:
    return MemberRow("", 0, {}, name=member.full_name, phone=member.phone or "")


def plan_orgs(
    plan: ImportPlan, rows: list[OrgRow], orgs: OrgIndex, scope: set[int] | None
) -> None:
    seen: dict[str, OrgRow] = {}
    # Rows naming an organisation that exists already are checked against it, not added to
    # the index a second time (after the first import, "X" would match both).
    existing_names = {fold(o.name) for o in orgs.existing}
    new = OrgIndex(orgs.existing, [row for row in rows if fold(row.name) not in existing_names])
    for row in rows:
        if not row.name:
            continue
        earlier = seen.setdefault(fold(row.name), row)
        if earlier is not row:
            plan.problems.append(
                row.problem(
                    "name", N_("{name} is already on row {row}."), name=row.name, row=earlier.row
                )
            )
            continue
        existing = [o for o in orgs.existing if fold(o.name) == fold(row.name)]
        parent = new.parent(row) if row.parent else None
        if row.parent and parent is None:
            unknown_org(plan, row=row, key="parent", name=row.parent, orgs=new)
            continue
        if parent is not None and kind_of(parent) is OrgKind.CELL:
            plan.problems.append(
                row.problem(
                    "parent",
                    N_("{name} is a cell; nothing can be under a cell."),
                    name=parent.name,
                )
            )
            continue
        if existing:
            same = existing[0]
            if same.kind is not row.level or (
                parent is not None and same.parent_id != getattr(parent, "id", None)
            ):
                plan.problems.append(
                    row.problem(
                        "name",
                        N_(
                            "{name} already exists with another level or parent; an import "
                            "does not move organisations."
                        ),
                        name=row.name,
                    )
                )
            continue
        if scope is not None:
            plan.problems.append(
                row.problem("name", N_("only the operator (chibo import) can add organisations."))
            )
            continue
        plan.orgs.append(row)


def unknown_org(
    plan: ImportPlan,
    *,
    row: MemberRow | HouseholdRow | OrgRow | CommitteeRow,
    key: str,
    name: str,
    orgs: OrgIndex,
    kinds: tuple[OrgKind, ...] = tuple(OrgKind),
) -> None:
    found = orgs.find(name, kinds)
    near = orgs.near(name, kinds)
    if not found and near:
        plan.problems.append(
            row.problem(
                key,
                N_(
                    "there is no cell or organisation named “{name}”: {names} differs in its "
                    "tone marks. Write the name exactly, or without tone marks."
                ),
                name=name,
                names=", ".join(o.name for o in near),
            )
        )
    elif len(found) > 1:
        plan.problems.append(
            row.problem(
                key,
                N_("“{name}” matches several: {names}."),
                name=name,
                names=", ".join(o.name for o in found),
            )
        )
    else:
        plan.problems.append(
            row.problem(key, N_("there is no cell or organisation named “{name}”."), name=name)
        )


def resolve_cell(
    plan: ImportPlan,
    row: MemberRow | HouseholdRow,
    name: str,
    orgs: OrgIndex,
    scope: set[int] | None,
) -> Org | None:
    if not name:
        return None
    found = orgs.find(name, (OrgKind.CELL,))
    if len(found) != 1:
        unknown_org(plan, row=row, key="cell", name=name, orgs=orgs, kinds=(OrgKind.CELL,))
        return None
    cell = found[0]
    if scope is not None and (not isinstance(cell, Organisation) or cell.id not in scope):
        plan.problems.append(
            row.problem("cell", N_("{name} is not a cell you lead."), name=cell.name)
        )
        return None
    return cell


async def current_roles(
    session: AsyncSession, members: list[Member]
) -> set[tuple[int, int, RoleKind]]:
    """(member, organisation, kind) of the roles these members hold now."""
    ids = [m.id for m in members]
    held: set[tuple[int, int, RoleKind]] = set()
    for start in range(0, len(ids), CHUNK):
        for member_id, org_id, kind in await session.execute(
            select(Role.member_id, Role.org_id, Role.kind).where(
                Role.ended_on.is_(None), Role.member_id.in_(ids[start : start + CHUNK])
            )
        ):
            held.add((member_id, org_id, kind))
    return held


async def load_members(session: AsyncSession, phones: set[str], cells: set[int]) -> list[Member]:
    """Members with these phones, and every member of these cells."""
    found: dict[int, Member] = {}
    listed = sorted(phones)
    for start in range(0, len(listed), CHUNK):
        for member in await session.scalars(
            select(Member).where(Member.phone.in_(listed[start : start + CHUNK]))
        ):
            found[member.id] = member
    if cells:
        for member in await session.scalars(select(Member).where(Member.cell_id.in_(cells))):
            found[member.id] = member
    return list(found.values())


def plan_member(
    plan: ImportPlan,
    *,
    row: MemberRow,
    cell: Org,
    by_phone: dict[str, Member],
    orgs: OrgIndex,
    scope: set[int] | None,
    roles: set[tuple[int, int, RoleKind]],
) -> None:
    """Add the change one member row makes (or its problem) to `plan`."""
    if not row.phone or not row.name:
        return
    above = _positions(plan, row, cell, orgs)
    member = by_phone.get(row.phone)
    if member is None:
        above = _only_noted(plan, row, above, scope)
        plan.members.append(MemberChange(row, cell, None, [N_("new")], None, positions=above))
        return
    if scope is not None and member.cell_id not in scope:
        plan.problems.append(row.problem("phone", OTHER_LIST, phone=row.phone))
        return
    fields = []
    moved_from = None
    if member.full_name != row.name:
        fields.append(N_("name"))
    if not isinstance(cell, Organisation) or member.cell_id != cell.id:
        fields.append(N_("cell"))
        moved_from = orgs.by_id[member.cell_id].name
    if row.membership is not None and member.membership is not row.membership:
        fields.append(N_("membership"))
    cell_role = _role_changes(row, member, cell, roles)
    wanted = _only_noted(
        plan,
        row,
        [
            (org, kind)
            for org, kind in above
            if not isinstance(org, Organisation) or (member.id, org.id, kind) not in roles
        ],
        scope,
    )
    if cell_role or wanted:
        fields.append(N_("role"))
    status = row.status
    if status is None and member.status is MemberStatus.TRANSFERRED_OUT:
        status = MemberStatus.ACTIVE  # back on the roster
    plan.members.append(
        MemberChange(
            row,
            cell,
            member,
            fields,
            status if status is not member.status else None,
            moved_from,
            cell_role,
            wanted,
        )
    )


def _positions(
    plan: ImportPlan, row: MemberRow, cell: Org, orgs: OrgIndex
) -> list[tuple[Org, RoleKind]]:
    """The committees above the cell where the row's Chức vụ gives a role."""
    found: list[tuple[Org, RoleKind]] = []
    for level, kind in row.positions:
        org = committee_above(cell, level, orgs)
        if org is None:
            plan.problems.append(
                row.problem(
                    "role",
                    N_("{cell} is not under a committee where one can be “{role}”."),
                    cell=cell.name,
                    role=POSITION_WORDS[(level, kind)][0],
                )
            )
        else:
            found.append((org, kind))
    return found


def _only_noted(
    plan: ImportPlan, row: MemberRow, wanted: list[tuple[Org, RoleKind]], scope: set[int] | None
) -> list[tuple[Org, RoleKind]]:
    """From a cell's list in chat, committee positions that would change are only noted:
    committees are appointed by the operator or their secretary (/capuy)."""
    if scope is None or not wanted:
        return wanted
    plan.warnings.append(
        row.problem(
            "role",
            N_(
                "“{role}” is not changed by a cell's list: the operator (chibo roles) "
                "or the committee's secretary (/capuy) appoints committees."
            ),
            role=values_text(row),
        )
    )
    return []


def values_text(row: MemberRow) -> str:
    """The positions above the cell a row names, as the file's words."""
    return ", ".join(POSITION_WORDS[position][0] for position in row.positions)


def _role_changes(
    row: MemberRow, member: Member, cell: Org, roles: set[tuple[int, int, RoleKind]]
) -> bool:
    """Whether the row's role differs from the roles the member holds in that cell (a filled
    cell replaces them, "đảng viên" ends them, an empty one keeps them)."""
    if not isinstance(cell, Organisation):
        return row.role is not None
    held = {kind for who, org, kind in roles if who == member.id and org == cell.id}
    wanted = {row.role} if row.role is not None else set() if row.no_role else held
    return held != wanted
