"""Planning the households of a roster file: codes within their commune, the member in
charge (one per household), and the households the file leaves out.

In three steps: `_load` asks the database what it knows of the file's households (one query
per kind, chunked), `_People` says who may be put in charge, and `_plan_row` decides each row
from those plain values alone."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.progress import FlagState, current_flags
from bot.services.roster.orgindex import Org, OrgIndex, commune_of
from bot.services.roster.plan import CHUNK, HouseholdChange, ImportPlan, MemberChange
from bot.services.roster.progress import progress_changes, progress_problems
from bot.services.roster.records import HouseholdRow, Problem
from models import (
    Assignment,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    Member,
    MemberStatus,
    Organisation,
    ProgressFlag,
)

Key = tuple[str, str]  # (commune, code)
# The same answer whether nobody has the phone or a member of a cell the importer does not
# lead has it: the importer learns nothing about other cells.
NO_SUCH_HOLDER = N_("no member has the phone {phone}, in this file or in the bot.")
NOT_YOUR_HOLDER = N_(
    "no member of the cells you lead has the phone {phone}, in this file or here."
)
OTHER_LIST_HOUSEHOLD = N_(
    "the household code {code} cannot be used in your list. If it is right, ask the committee "
    "above your cell."
)


def _key(commune: Org, code: str) -> Key:
    where = f"id:{commune.id}" if isinstance(commune, Organisation) else f"new:{commune.name}"
    return where, code.upper()


@dataclass
class _Known:
    """What the database knows of the file's households (the query step)."""

    households: dict[Key, Household]
    held_in_cells: set[int]  # households looked after by members of the file's cells
    holders: dict[int, Member]  # household id -> the member in charge now
    categories: dict[int, set[HouseholdCategory]]
    flags: dict[int, dict[ProgressFlag, FlagState]]  # household id -> its progress now


@dataclass
class _People:
    """Who may be put in charge: the file's members (with those marked as missing; the
    first row wins) and the bot's members the importer may name."""

    in_file: dict[str, MemberChange]
    visible: dict[str, Member]
    scoped: bool

    @classmethod
    def of(cls, plan: ImportPlan, by_phone: dict[str, Member], scope: set[int] | None) -> _People:
        in_file: dict[str, MemberChange] = {}
        for listed in plan.members:
            in_file.setdefault(listed.row.phone, listed)
        visible = {p: m for p, m in by_phone.items() if scope is None or m.cell_id in scope}
        return cls(in_file, visible, scope is not None)

    def name(self, phone: str) -> str:
        """The name of the member with this phone, as the file or the bot has it."""
        if phone in self.in_file:
            return self.in_file[phone].row.name
        member = self.visible.get(phone)
        return member.full_name if member is not None else phone


@dataclass
class _Rows:
    """The rows decided so far, by household."""

    seen: dict[Key, HouseholdRow] = field(default_factory=dict)


async def plan_households(
    session: AsyncSession,
    plan: ImportPlan,
    rows: list[HouseholdRow],
    cells: dict[int, Org | None],
    orgs: OrgIndex,
    by_phone: dict[str, Member],
    scope: set[int] | None,
    today: date | None = None,
) -> None:
    """Add the households' changes (and problems) to `plan`; `cells` maps id(row) -> cell;
    progress dates after `today` are refused."""
    communes = {id(r): commune_of(c, orgs) for r in rows if (c := cells[id(r)]) is not None}
    covered = {c.id for r in rows if isinstance(c := cells[id(r)], Organisation)}
    known = await _load(session, rows, communes.values(), covered, orgs)
    people = _People.of(plan, by_phone, scope)
    decided = _Rows()
    for row in rows:
        cell = cells[id(row)]
        if cell is None or not row.code or not row.head:
            continue
        outcome = _plan_row(
            row, cell, communes[id(row)], known, people, decided, orgs, scope, today
        )
        if isinstance(outcome, HouseholdChange):
            plan.households.append(outcome)
        else:
            plan.problems.extend(outcome)
    plan.missing_households = sorted(
        (
            h
            for k, h in known.households.items()
            if h.id in known.held_in_cells and k not in decided.seen
        ),
        key=lambda h: h.code,
    )
    plan.orphaned = await _orphaned(session, plan)


def _plan_row(
    row: HouseholdRow,
    cell: Org,
    commune: Org,
    known: _Known,
    people: _People,
    decided: _Rows,
    orgs: OrgIndex,
    scope: set[int] | None,
    today: date | None,
) -> HouseholdChange | list[Problem]:
    """The change one row makes, or its problems."""
    key = _key(commune, row.code)
    earlier = decided.seen.setdefault(key, row)
    if earlier is not row:
        return [_duplicate(row, earlier, people)]
    household = known.households.get(key)
    holder = known.holders.get(household.id) if household is not None else None
    if scope is not None and holder is not None and holder.cell_id not in scope:
        return [row.problem("code", OTHER_LIST_HOUSEHOLD, code=row.code)]
    current = known.flags.get(household.id, {}) if household is not None else {}
    progress_errors = progress_problems(row, row.progress, current, today)
    if progress_errors:
        return progress_errors
    row.progress = progress_changes(row.progress, current)
    change = HouseholdChange(
        row,
        commune,
        household,
        _fields(row, household, known.categories),
        None,
        holder.full_name if holder is not None else None,
        None,
    )
    if not row.member_phone:
        return change
    problem = _holder_problem(row, cell, people, orgs)
    if problem is not None:
        return [problem]
    if holder is None or holder.phone != row.member_phone:
        change.assign_to = row.member_phone
        change.new_holder_name = people.name(row.member_phone)
    return change


def _fields(
    row: HouseholdRow, household: Household | None, categories: dict[int, set[HouseholdCategory]]
) -> list[str]:
    if household is None:
        return [N_("new")]
    fields = []
    if household.head_name != row.head:
        fields.append(N_("head of household"))
    if row.village is not None and household.village != row.village:
        fields.append(N_("village"))
    if row.phone is not None and household.phone != row.phone:
        fields.append(N_("household's phone"))
    if row.notes is not None and household.notes != row.notes:
        fields.append(N_("notes"))
    if row.categories is not None and categories[household.id] != set(row.categories):
        fields.append(N_("categories"))
    if row.progress:  # only the readings that change something are left
        fields.append(N_("progress"))
    return fields


def _duplicate(row: HouseholdRow, earlier: HouseholdRow, people: _People) -> Problem:
    if row.member_phone and earlier.member_phone and row.member_phone != earlier.member_phone:
        return row.problem(
            "member_phone",
            N_(
                "household {code} is given to two members: {first} (row {row}) and "
                "{second}. A household has one member in charge."
            ),
            code=row.code,
            first=people.name(earlier.member_phone),
            row=earlier.row,
            second=people.name(row.member_phone),
        )
    return row.problem(
        "code", N_("household {code} is already on row {row}."), code=row.code, row=earlier.row
    )


def _holder_problem(
    row: HouseholdRow, cell: Org, people: _People, orgs: OrgIndex
) -> Problem | None:
    """Why the member in charge cannot be: unknown (to the importer), of another cell, or
    transferred out; None when they can."""
    phone = row.member_phone or ""
    listed = people.in_file.get(phone)
    member = people.visible.get(phone)
    if listed is None and member is None:
        unknown = NOT_YOUR_HOLDER if people.scoped else NO_SUCH_HOLDER
        return row.problem("member_phone", unknown, phone=phone)
    their_cell: Org | None = (
        listed.cell if listed is not None else orgs.by_id.get(member.cell_id) if member else None
    )
    name = people.name(phone)
    if their_cell is not cell:
        return row.problem(
            "member_phone",
            N_("{name} is a member of {their_cell}, not of {cell}."),
            name=name,
            their_cell=their_cell.name if their_cell is not None else "?",
            cell=cell.name,
        )
    status = (listed.status or listed.row.status) if listed is not None else None
    status = status or (member.status if member is not None else None)
    if status is MemberStatus.TRANSFERRED_OUT:
        return row.problem(
            "member_phone",
            N_("{name} has transferred out and cannot look after households."),
            name=name,
        )
    return None


async def _load(
    session: AsyncSession,
    rows: list[HouseholdRow],
    communes: Iterable[Org],
    covered: set[int],
    orgs: OrgIndex,
) -> _Known:
    households = await _households(session, communes, {r.code for r in rows if r.code})
    held = await _held_in(session, covered)
    households.update({_key(orgs.by_id[h.commune_id], h.code): h for h in held})
    ids = [h.id for h in households.values()]
    return _Known(
        households,
        {h.id for h in held},
        await _holders(session, ids),
        await _categories(session, ids),
        await current_flags(session, ids),
    )


async def _households(
    session: AsyncSession, communes: Iterable[Org], codes: set[str]
) -> dict[Key, Household]:
    ids = {c.id for c in communes if isinstance(c, Organisation)}
    listed = sorted(code.upper() for code in codes)
    found: dict[Key, Household] = {}
    for start in range(0, len(listed), CHUNK):
        for household in await session.scalars(
            select(Household).where(
                Household.commune_id.in_(ids),
                func.upper(Household.code).in_(listed[start : start + CHUNK]),
            )
        ):
            found[(f"id:{household.commune_id}", household.code.upper())] = household
    return found


async def _held_in(session: AsyncSession, cells: set[int]) -> list[Household]:
    if not cells:
        return []
    return list(
        await session.scalars(
            select(Household)
            .join(Assignment, Assignment.household_id == Household.id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Assignment.ended_on.is_(None), Member.cell_id.in_(cells))
        )
    )


async def _orphaned(session: AsyncSession, plan: ImportPlan) -> list[tuple[Household, Member]]:
    """The households of members being marked as transferred out that the file does not give
    to someone else, by code."""
    marked = sorted(
        c.member.id
        for c in plan.members
        if not c.row.row and c.member is not None and c.status is MemberStatus.TRANSFERRED_OUT
    )
    if not marked:
        return []
    given = {c.household.id for c in plan.households if c.assign_to and c.household is not None}
    rows = await session.execute(
        select(Household, Member)
        .join(Assignment, Assignment.household_id == Household.id)
        .join(Member, Member.id == Assignment.member_id)
        .where(Assignment.ended_on.is_(None), Member.id.in_(marked))
        .order_by(Household.code)
    )
    return [(household, member) for household, member in rows if household.id not in given]


async def _holders(session: AsyncSession, household_ids: list[int]) -> dict[int, Member]:
    holders: dict[int, Member] = {}
    for start in range(0, len(household_ids), CHUNK):
        for household_id, member in await session.execute(
            select(Assignment.household_id, Member)
            .join(Member, Member.id == Assignment.member_id)
            .where(
                Assignment.ended_on.is_(None),
                Assignment.household_id.in_(household_ids[start : start + CHUNK]),
            )
        ):
            holders[household_id] = member
    return holders


async def _categories(
    session: AsyncSession, household_ids: list[int]
) -> dict[int, set[HouseholdCategory]]:
    found: dict[int, set[HouseholdCategory]] = defaultdict(set)
    for start in range(0, len(household_ids), CHUNK):
        for link in await session.scalars(
            select(HouseholdCategoryLink).where(
                HouseholdCategoryLink.household_id.in_(household_ids[start : start + CHUNK])
            )
        ):
            found[link.household_id].add(link.category)
    return found
