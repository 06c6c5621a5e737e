"""Creates the demo commune (idempotently): 9 cells, 118 members, households, past deeds."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import arguments
from bot.cli import demo_data as data
from bot.core.clock import month_start, previous_month
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    CellSchedule,
    CellType,
    Channel,
    ChatAddress,
    DeedCategory,
    DeedReport,
    Follow,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    HouseholdProgress,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Membership,
    MemberStatus,
    Organisation,
    OrgKind,
    ProgressFlag,
    Role,
    RoleKind,
)

SECRETARY_PHONE = "0912000001"
MEMBER_PHONE = arguments.MEMBER_PHONE
DEPUTY_PHONE = "0912000003"
COMMITTEE_PHONE = arguments.COMMITTEE_PHONE
COMMUNE_SECRETARY_PHONE = "0912000300"  # Bí thư Đảng ủy xã: /capuy
# The cells the commune committee member follows (cấp ủy viên phụ trách chi bộ).
FOLLOWED = data.CELLS[0][0], data.CELLS[1][0], data.CELLS[2][0]
UNLINKED_PHONES = ("0912000009", "0912000010")


@dataclass(frozen=True)
class DemoPeople:
    """Phones of the people a newcomer can act as."""

    created: bool
    member_phone: str = MEMBER_PHONE
    secretary_phone: str = SECRETARY_PHONE
    committee_phone: str = COMMITTEE_PHONE


def _phone(index: int) -> str:
    return f"09120{index:05d}"


def _name(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"{rng.choice(data.SURNAMES)} {rng.choice(data.MALE_MIDDLE)} " + rng.choice(
            data.MALE_GIVEN
        )
    return f"{rng.choice(data.SURNAMES)} {rng.choice(data.FEMALE_MIDDLE)} " + rng.choice(
        data.FEMALE_GIVEN
    )


async def _org(
    session: AsyncSession, name: str, kind: OrgKind, parent: Organisation | None, **extra: object
) -> Organisation:
    org = Organisation(name=name, kind=kind, parent_id=parent.id if parent else None, **extra)
    session.add(org)
    await session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    return org


async def seed_demo(session: AsyncSession, now: datetime, today: date) -> DemoPeople:
    """Create the demo commune unless it exists; `today` is the local date."""
    if await session.scalar(select(Organisation.id).where(Organisation.name == data.COMMUNE)):
        return DemoPeople(created=False)
    rng = random.Random(24)  # the cell meets on the 24th; any fixed seed keeps the demo stable
    district = await _org(session, data.DISTRICT, OrgKind.DISTRICT_COMMITTEE, None)
    commune = await _org(session, data.COMMUNE, OrgKind.GRASSROOTS_COMMITTEE, district)
    joined = today - timedelta(days=365)
    featured_index, other_index = 0, 100
    cell_ids: dict[str, int] = {}
    for cell_number, (cell_name, village, cell_type, size, prefix) in enumerate(data.CELLS):
        cell = await _org(session, cell_name, OrgKind.CELL, commune, cell_type=cell_type)
        cell_ids[cell_name] = cell.id
        members: list[Member] = []
        for position in range(size):
            if cell_number == 0:
                featured_index += 1
                phone = _phone(featured_index)
            elif cell_type is CellType.OFFICE and position == 0:
                phone = COMMITTEE_PHONE
            elif cell_type is CellType.OFFICE and position == 1:
                phone = COMMUNE_SECRETARY_PHONE
            else:
                other_index += 1
                phone = _phone(other_index)
            member = Member(
                full_name=_name(rng),
                phone=phone,
                cell_id=cell.id,
                membership=Membership.PROBATIONARY if position == size - 1 else Membership.FULL,
                status=_status(cell_number, position),
                created_at=now,
            )
            session.add(member)
            members.append(member)
        await session.flush()
        for kind, position in ((RoleKind.SECRETARY, 0), (RoleKind.DEPUTY_SECRETARY, 2)):
            session.add(
                Role(member_id=members[position].id, org_id=cell.id, kind=kind, started_on=joined)
            )
        if cell_type is CellType.OFFICE:
            # The first office member sits on the commune committee and follows three cells;
            # the second is the commune's Party secretary (Bí thư Đảng ủy).
            session.add_all(
                [
                    Role(
                        member_id=members[0].id,
                        org_id=commune.id,
                        kind=RoleKind.COMMITTEE_MEMBER,
                        started_on=joined,
                    ),
                    Role(
                        member_id=members[1].id,
                        org_id=commune.id,
                        kind=RoleKind.SECRETARY,
                        started_on=joined,
                    ),
                ]
            )
            session.add_all(
                Follow(
                    member_id=members[0].id,
                    org_id=commune.id,
                    cell_id=cell_ids[name],
                    started_on=joined,
                )
                for name in FOLLOWED
            )
        if village:
            await _households(
                session, rng, commune, village, prefix, members, cell_number == 0, now, joined
            )
    featured_cell = await session.scalar(
        select(Organisation.id).where(Organisation.name == data.CELLS[0][0])
    )
    assert featured_cell is not None
    await _past_deeds(session, rng, now, today, featured_cell)
    await _console_chats(session, now, featured_cell)
    await _calendar(session, rng, now, today, featured_cell)
    return DemoPeople(created=True)


async def _calendar(
    session: AsyncSession, rng: random.Random, now: datetime, today: date, featured: int
) -> None:
    """Village cells meet on the 24th at 19:30 (Pá Kìm's day) at the village hall, office and
    school cells on the 5th at 16:30 in their hall; a thematic meeting in the second month of
    each quarter. Nà Lụng's meeting of last month took place, with its attendance recorded."""
    for cell in await session.scalars(
        select(Organisation).where(Organisation.kind == OrgKind.CELL)
    ):
        rural = cell.cell_type is CellType.RURAL
        session.add(
            CellSchedule(
                cell_id=cell.id,
                monthly_day=24 if rural else 5,
                monthly_time=time(19, 30) if rural else time(16, 30),
                thematic_month=2,
                thematic_day=15,
                thematic_time=time(14, 0) if rural else time(16, 30),
                nudge_days=[20, -3],
                place="Nhà văn hóa bản" if rural else "Hội trường cơ quan",
                updated_at=now,
            )
        )
    last_month = previous_month(month_start(today))
    held = Meeting(
        cell_id=featured,
        kind=MeetingKind.MONTHLY,
        period=last_month.strftime("%Y-%m"),
        starts_at=datetime.combine(last_month.replace(day=24), time(12, 30), UTC),
        status=MeetingStatus.PLANNED,
        agenda=data.LAST_AGENDA,
        place="Nhà văn hóa bản",
        created_at=now,
    )
    session.add(held)
    await session.flush()
    for member in await session.scalars(
        select(Member).where(Member.cell_id == featured, Member.status == MemberStatus.ACTIVE)
    ):
        absent = member.phone in data.ABSENT_LAST_MEETING
        session.add(
            Attendance(
                meeting_id=held.id,
                member_id=member.id,
                status=AttendanceStatus.UNEXCUSED if absent else AttendanceStatus.PRESENT,
                spoke=not absent and rng.random() < 0.6,
                recorded_at=now,
            )
        )


async def _console_chats(session: AsyncSession, now: datetime, cell_id: int) -> None:
    """Nà Lụng's members have opened the bot (console chats), but for two who never did, so
    a notice shows who cannot be reached."""
    for member in await session.scalars(
        select(Member).where(Member.cell_id == cell_id).order_by(Member.phone)
    ):
        if member.phone in UNLINKED_PHONES:
            continue
        session.add(
            ChatAddress(
                member_id=member.id,
                channel=Channel.CONSOLE,
                external_id=f"phone:{member.phone}",
                linked_at=now,
            )
        )


def _status(cell_number: int, position: int) -> MemberStatus:
    if position == 9:
        return MemberStatus.WORKING_AWAY
    if position == 10 or (cell_number > 0 and position == 12):
        return MemberStatus.EXEMPT
    return MemberStatus.ACTIVE


async def _households(
    session: AsyncSession,
    rng: random.Random,
    commune: Organisation,
    village: str,
    prefix: str,
    members: list[Member],
    featured: bool,
    now: datetime,
    joined: date,
) -> None:
    loads = (
        [5 if i < 3 else 4 for i in range(len(members))]
        if featured
        else [rng.choice((4, 5)) for _ in members]
    )
    code = 0
    created: list[Household] = []
    for member, load in zip(members, loads, strict=True):
        for _ in range(load):
            code += 1
            household = Household(
                commune_id=commune.id,
                code=f"{prefix}-{code:03d}",
                head_name=_name(rng),
                village=village,
                created_at=now,
            )
            session.add(household)
            await session.flush()
            created.append(household)
            session.add(
                Assignment(member_id=member.id, household_id=household.id, started_on=joined)
            )
            for category, share in (
                (HouseholdCategory.POOR, 0.3),
                (HouseholdCategory.NEAR_POOR, 0.25),
                (HouseholdCategory.POLICY_FAMILY, 0.15),
                (HouseholdCategory.HOUSING_DIFFICULTY, 0.1),
            ):
                if rng.random() < share:
                    session.add(
                        HouseholdCategoryLink(household_id=household.id, category=category)
                    )
    if featured:
        for flag, count in data.FEATURED_PROGRESS.items():
            for household in rng.sample(created, count):
                setattr(household, f"{flag}_since", joined)  # the current flags
                session.add(
                    HouseholdProgress(
                        household_id=household.id,
                        flag=ProgressFlag(flag),
                        achieved=True,
                        changed_on=joined,
                    )
                )


async def _past_deeds(
    session: AsyncSession, rng: random.Random, now: datetime, today: date, cell_id: int
) -> None:
    """Two past months of deeds for most members of the featured cell, a few this month."""
    this_month = month_start(today)
    months = [previous_month(previous_month(this_month)), previous_month(this_month)]
    pairs = list(
        await session.execute(
            select(Assignment.member_id, Assignment.household_id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Member.cell_id == cell_id)
            .order_by(Assignment.id)
        )
    )
    demo_member_id = await session.scalar(select(Member.id).where(Member.phone == MEMBER_PHONE))
    by_member: dict[int, list[int]] = {}
    for member_id, household_id in pairs:
        by_member.setdefault(member_id, []).append(household_id)
    number = 0
    for month in [*months, this_month]:
        for member_id, households in by_member.items():
            if rng.random() > (0.85 if month != this_month else 0.35):
                continue
            if month == this_month and member_id == demo_member_id:
                continue  # the newcomer's own report this month is theirs to make
            category, text = rng.choice(data.DEED_TEXTS)
            target: int | None = rng.choice(households) if category != "environment" else None
            created = datetime.combine(month + timedelta(days=rng.randint(2, 18)), now.timetz())
            number += 1
            session.add(
                DeedReport(
                    member_id=member_id,
                    month=month,
                    household_id=target,
                    category=DeedCategory(category),
                    text=text,
                    source_key=f"demo:{number}",
                    created_at=min(created, now),
                )
            )
