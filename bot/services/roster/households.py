"""Planning the households of a roster file: codes within their commune, the member in
charge (one per household), and the households the file leaves out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.progress import current_flags
from bot.services.roster.plan import (
    CHUNK,
    OTHER_CELLS_PHONE,
    HouseholdChange,
    ImportPlan,
    MemberChange,
    Org,
    OrgIndex,
    commune_of,
)
from bot.services.roster.progress import progress_changes, progress_problems
from bot.services.roster.rows import HouseholdRow
from models import (
    Assignment,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    Member,
    MemberStatus,
    Organisation,
)

Key = tuple[str, str]  # (commune, code)


def _key(commune: Org, code: str) -> Key:
    where = f"id:{commune.id}" if isinstance(commune, Organisation) else f"new:{commune.name}"
    return where, code.upper()


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
    known = await _households(session, communes.values(), {r.code for r in rows if r.code})
    covered = {c.id for r in rows if isinstance(c := cells[id(r)], Organisation)}
    held = await _held_in(session, covered)
    known.update({_key(orgs.by_id[h.commune_id], h.code): h for h in held})
    held_ids = {h.id for h in held}
    holders = await _holders(session, [h.id for h in known.values()])
    categories = await _categories(session, [h.id for h in known.values()])
    flags = await current_flags(session, [h.id for h in known.values()])
    # Members of cells the importer does not lead: neither named nor given households.
    outside = {p for p, m in by_phone.items() if scope is not None and m.cell_id not in scope}
    by_phone = {p: m for p, m in by_phone.items() if p not in outside}
    in_file: dict[str, MemberChange] = {}  # with those marked as missing; first row wins
    for listed in plan.members:
        in_file.setdefault(listed.row.phone, listed)
    seen: dict[Key, HouseholdRow] = {}
    for row in rows:
        cell = cells[id(row)]
        if cell is None or not row.code or not row.head:
            continue
        key = _key(communes[id(row)], row.code)
        earlier = seen.setdefault(key, row)
        if earlier is not row:
            _duplicate(plan, row, earlier, in_file, by_phone)
            continue
        household = known.get(key)
        holder = holders.get(household.id) if household is not None else None
        if scope is not None and holder is not None and holder.cell_id not in scope:
            plan.problems.append(
                row.problem(
                    "code",
                    N_(
                        "household {code} is looked after by a comrade of another cell, which "
                        "you do not lead."
                    ),
                    code=row.code,
                )
            )
            continue
        current = flags.get(household.id, {}) if household is not None else {}
        progress_errors = progress_problems(row, row.progress, current, today)
        if progress_errors:
            plan.problems.extend(progress_errors)
            continue
        row.progress = progress_changes(row.progress, current)
        change = HouseholdChange(
            row,
            communes[id(row)],
            household,
            _fields(row, household, categories),
            None,
            holder.full_name if holder is not None else None,
            None,
        )
        if row.member_phone in outside and row.member_phone not in in_file:
            plan.problems.append(
                row.problem("member_phone", OTHER_CELLS_PHONE, phone=row.member_phone)
            )
        elif (
            row.member_phone
            and _check_holder(plan, row, cell, in_file, by_phone, orgs)
            and (holder is None or holder.phone != row.member_phone)
        ):
            change.assign_to = row.member_phone
            change.new_holder_name = _holder_name(row.member_phone, in_file, by_phone)
        plan.households.append(change)
    plan.missing_households = sorted(
        (h for k, h in known.items() if h.id in held_ids and k not in seen), key=lambda h: h.code
    )
    marked = {
        c.member.id
        for c in plan.members
        if not c.row.row and c.member is not None and c.status is MemberStatus.TRANSFERRED_OUT
    }
    given = {c.household.id for c in plan.households if c.assign_to and c.household is not None}
    plan.orphaned = [
        (household, member)
        for household, member in await _held_by(session, marked)
        if household.id not in given
    ]


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


def _holder_name(phone: str, in_file: dict[str, MemberChange], by_phone: dict[str, Member]) -> str:
    if phone in in_file:
        return in_file[phone].row.name
    member = by_phone.get(phone)
    return member.full_name if member is not None else phone


def _duplicate(
    plan: ImportPlan,
    row: HouseholdRow,
    earlier: HouseholdRow,
    in_file: dict[str, MemberChange],
    by_phone: dict[str, Member],
) -> None:
    if row.member_phone and earlier.member_phone and row.member_phone != earlier.member_phone:
        plan.problems.append(
            row.problem(
                "member_phone",
                N_(
                    "household {code} is given to two members: {first} (row {row}) and "
                    "{second}. A household has one member in charge."
                ),
                code=row.code,
                first=_holder_name(earlier.member_phone, in_file, by_phone),
                row=earlier.row,
                second=_holder_name(row.member_phone, in_file, by_phone),
            )
        )
    else:
        plan.problems.append(
            row.problem(
                "code",
                N_("household {code} is already on row {row}."),
                code=row.code,
                row=earlier.row,
            )
        )


def _check_holder(
    plan: ImportPlan,
    row: HouseholdRow,
    cell: Org,
    in_file: dict[str, MemberChange],
    by_phone: dict[str, Member],
    orgs: OrgIndex,
) -> bool:
    """Whether the member in charge exists, is of the household's cell and still a member."""
    phone = row.member_phone or ""
    listed = in_file.get(phone)
    member = by_phone.get(phone)
    if listed is None and member is None:
        plan.problems.append(
            row.problem(
                "member_phone",
                N_("no member has the phone {phone}, in this file or in the bot."),
                phone=phone,
            )
        )
        return False
    their_cell: Org | None = (
        listed.cell if listed is not None else orgs.by_id.get(member.cell_id) if member else None
    )
    name = _holder_name(phone, in_file, by_phone)
    if their_cell is not cell:
        plan.problems.append(
            row.problem(
                "member_phone",
                N_("{name} is a member of {their_cell}, not of {cell}."),
                name=name,
                their_cell=their_cell.name if their_cell is not None else "?",
                cell=cell.name,
            )
        )
        return False
    status = (listed.status or listed.row.status) if listed is not None else None
    status = status or (member.status if member is not None else None)
    if status is MemberStatus.TRANSFERRED_OUT:
        plan.problems.append(
            row.problem(
                "member_phone",
                N_("{name} has transferred out and cannot look after households."),
                name=name,
            )
        )
        return False
    return True


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


async def _held_by(session: AsyncSession, member_ids: set[int]) -> list[tuple[Household, Member]]:
    """The households these members look after now, by code."""
    if not member_ids:
        return []
    rows = await session.execute(
        select(Household, Member)
        .join(Assignment, Assignment.household_id == Household.id)
        .join(Member, Member.id == Assignment.member_id)
        .where(Assignment.ended_on.is_(None), Member.id.in_(sorted(member_ids)))
        .order_by(Household.code)
    )
    return [(household, member) for household, member in rows]


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
