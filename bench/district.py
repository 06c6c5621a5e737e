"""Generates a district- or province-scale data set quickly (bulk inserts; COPY on
PostgreSQL), for the summary, digest and planning benchmarks.

district: 26 communes of 10 cells and 14 cells directly under the district (274 cells),
          24 members a cell (6,576), 4-5 households each, 12 months of deeds and meetings.
province: 7 districts of 20 communes of 28 cells plus 10 direct cells (3,990 cells), 25
          members a cell (99,750), about 449,000 households and 985,000 deeds.
Every cell has a secretary and a deputy, every commune three committee members, every
district five, the province five (8,440 leaders at province scale), and a meeting schedule.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.clock import month_start
from bot.core.db import make_sessionmaker
from bot.services.meetings.rules import add_months, clamp_day
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    CellSchedule,
    CellType,
    DeedCategory,
    DeedReport,
    Household,
    HouseholdProgress,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Organisation,
    OrgKind,
    ProgressFlag,
    Role,
    RoleKind,
)

BATCH = 5_000
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Shape:
    """How big a generated tree is."""

    districts: int  # 0: the root is the district itself
    communes: int  # per district
    cells: int  # per commune
    direct_cells: int  # per district, directly under it
    members: int  # per cell


SCALES = {
    "district": Shape(0, 26, 10, 14, 24),
    "province": Shape(7, 20, 28, 10, 25),
}


@dataclass(frozen=True)
class District:
    """Ids the benchmarks need (the root is a district, or a province)."""

    district_id: int  # the root
    commune_id: int
    cell_id: int
    district_leader: int  # a committee member of the root
    commune_leader: int
    cell_secretary: int
    members: int
    households: int
    deeds: int
    cells: int
    leaders: int
    sub_district_id: int = 0  # province scale: the first district
    sub_district_leader: int = 0


def _copyable(value: object) -> object:
    """JSON columns go through COPY as text."""
    return json.dumps(value) if isinstance(value, list | dict) else value


async def _bulk(engine: AsyncEngine, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert `rows` (an iterator is fine) in batches; COPY on PostgreSQL. Returns how many."""
    count = 0
    iterator = iter(rows)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            while batch := list(islice(iterator, 50_000)):
                columns = list(batch[0])
                await raw.copy_records_to_table(
                    table.name,
                    records=[tuple(_copyable(row[c]) for c in columns) for row in batch],
                    columns=columns,
                )
                count += len(batch)
            return count
        while batch := list(islice(iterator, BATCH)):
            await conn.execute(insert(table), batch)
            count += len(batch)
    return count


async def _org(
    engine: AsyncEngine,
    name: str,
    kind: OrgKind,
    parent: Organisation | None,
    cell_type: CellType | None = None,
) -> Organisation:
    async with make_sessionmaker(engine)() as session, session.begin():
        org = Organisation(
            name=name,
            kind=kind,
            parent_id=parent.id if parent else None,
            cell_type=cell_type,
            path="",
        )
        session.add(org)
        await session.flush()
        org.path = f"{parent.path if parent else '/'}{org.id}/"
        return org


async def _tree(engine: AsyncEngine, shape: Shape) -> tuple[int, list[int], list[int], list[int]]:
    """The organisations: root id, district ids, commune ids, and cell ids with parents."""
    root = await _org(
        engine,
        "Đảng bộ tỉnh Bench" if shape.districts else "Đảng bộ huyện Bench",
        OrgKind.DISTRICT_COMMITTEE,
        None,
    )
    districts = (
        [
            await _org(engine, f"Đảng bộ huyện {n}", OrgKind.DISTRICT_COMMITTEE, root)
            for n in range(shape.districts)
        ]
        if shape.districts
        else [root]
    )
    communes: list[Organisation] = []
    cell_rows: list[dict[str, Any]] = []
    types = [CellType.RURAL] * 6 + [CellType.OFFICE, CellType.SCHOOL, CellType.PUBLIC_SERVICE]
    for district in districts:
        async with make_sessionmaker(engine)() as session, session.begin():
            made = [
                Organisation(
                    name=f"Đảng bộ xã {district.id}-{n}",
                    kind=OrgKind.GRASSROOTS_COMMITTEE,
                    parent_id=district.id,
                    path="",
                )
                for n in range(shape.communes)
            ]
            session.add_all(made)
            await session.flush()
            for commune in made:
                commune.path = f"{district.path}{commune.id}/"
        communes.extend(made)
        for commune in made:
            for n in range(shape.cells):
                cell_rows.append(
                    {
                        "name": f"Chi bộ {commune.id}-{n}",
                        "parent": commune,
                        "cell_type": types[n % len(types)],
                    }
                )
        for n in range(shape.direct_cells):
            cell_rows.append(
                {
                    "name": f"Chi bộ cơ sở {district.id}-{n}",
                    "parent": district,
                    "cell_type": CellType.ARMED_FORCES if n == 0 else CellType.OFFICE,
                }
            )
    cells: list[int] = []
    async with make_sessionmaker(engine)() as session, session.begin():
        made_cells = [
            Organisation(
                name=row["name"],
                kind=OrgKind.CELL,
                cell_type=row["cell_type"],
                parent_id=row["parent"].id,
                path="",
            )
            for row in cell_rows
        ]
        session.add_all(made_cells)
        await session.flush()
        for cell, row in zip(made_cells, cell_rows, strict=True):
            cell.path = f"{row['parent'].path}{cell.id}/"
            cells.append(cell.id)
    return root.id, [d.id for d in districts], [c.id for c in communes], cells


async def generate(
    engine: AsyncEngine, now: datetime, seed: int = 6600, scale: str = "district"
) -> District:
    """Generate the data set of `scale` ("district" or "province")."""
    shape = SCALES[scale]
    rng = random.Random(seed)
    today = now.astimezone(HANOI).date()  # the month members report for is the local one
    root_id, district_ids, commune_ids, cell_ids = await _tree(engine, shape)
    await _bulk(
        engine,
        Member.__table__,  # type: ignore[arg-type]
        (
            {
                "full_name": f"Đảng viên {n}",
                "phone": f"03{n:08d}",
                "cell_id": cell_id,
                "membership": "full",
                "status": "exempt" if n % 23 == 7 else "active",
                "created_at": now,
            }
            for n, cell_id in enumerate(c for c in cell_ids for _ in range(shape.members))
        ),
    )
    async with make_sessionmaker(engine)() as session:
        members = list(
            await session.execute(select(Member.id, Member.cell_id).order_by(Member.id))
        )
        parents = dict(
            (await session.execute(select(Organisation.id, Organisation.parent_id))).all()
        )
    loads = [rng.choice((4, 5)) for _ in members]
    flags = [_flags(rng, today) for _ in range(sum(loads))]
    household_count = await _bulk(
        engine,
        Household.__table__,  # type: ignore[arg-type]
        (
            {
                "commune_id": parents[cell_id],
                "code": f"H{n:07d}",
                "head_name": "Chủ hộ",
                "village": "Thôn",
                "phone": None,
                "notes": None,
                "created_at": now,
                **{f"{flag.value}_since": since for flag, since in flags[n].items()},
            }
            for n, cell_id in enumerate(
                cell for (_, cell), load in zip(members, loads, strict=True) for _ in range(load)
            )
        ),
    )
    async with make_sessionmaker(engine)() as session:
        household_ids = list(await session.scalars(select(Household.id).order_by(Household.id)))
    by_member: dict[int, list[int]] = {}
    position = 0
    for (member_id, _), load in zip(members, loads, strict=True):
        by_member[member_id] = household_ids[position : position + load]
        position += load
    started = today - timedelta(days=400)
    await _bulk(
        engine,
        Assignment.__table__,  # type: ignore[arg-type]
        (
            {"member_id": m, "household_id": h, "started_on": started, "ended_on": None}
            for m, houses in by_member.items()
            for h in houses
        ),
    )
    await _bulk(
        engine,
        HouseholdProgress.__table__,  # type: ignore[arg-type]
        _progress(household_ids, flags),
    )
    this_month = month_start(today)
    deeds = await _bulk(
        engine,
        DeedReport.__table__,  # type: ignore[arg-type]
        _deeds(rng, members, by_member, this_month, now),
    )
    await _meetings(engine, rng, cell_ids, members, this_month, now)
    leaders = await _roles(engine, root_id, district_ids, commune_ids, cell_ids, members, today)
    await _bulk(
        engine,
        CellSchedule.__table__,  # type: ignore[arg-type]
        (
            {
                "cell_id": cell_id,
                "monthly_day": 24,
                "monthly_time": time(19, 30),
                "thematic_month": 2,
                "thematic_day": 15,
                "thematic_time": time(14, 0),
                "notice_days": 3,
                "remind_day_before": True,
                "remind_morning": True,
                "reminder_time": time(8, 0),
                "morning_time": time(7, 0),
                "nudge_days": [20, -3],
                "nudge_working_away": True,
                "nudge_exempt": False,
                "updated_at": now,
            }
            for cell_id in cell_ids
        ),
    )
    first_commune = commune_ids[0]
    commune_cells = [c for c in cell_ids if parents[c] == first_commune]
    cell_members = [m for m, c in members if c == commune_cells[1]]
    return District(
        district_id=root_id,
        commune_id=first_commune,
        cell_id=commune_cells[1],
        district_leader=leaders["root"],
        commune_leader=leaders[f"commune:{first_commune}"],
        cell_secretary=cell_members[0],
        members=len(members),
        households=household_count,
        deeds=deeds,
        cells=len(cell_ids),
        leaders=leaders["count"],
        sub_district_id=district_ids[0] if shape.districts else 0,
        sub_district_leader=leaders.get(f"district:{district_ids[0]}", 0),
    )


def _flags(rng: random.Random, today: date) -> dict[ProgressFlag, date | None]:
    """Most households have some flags: the day each was reached, or None."""
    return {
        flag: today - timedelta(days=rng.randint(30, 700)) if rng.random() < share else None
        for flag, share in (
            (ProgressFlag.SANITARY_TOILET, 0.7),
            (ProgressFlag.WASTE_INCINERATOR, 0.8),
            (ProgressFlag.HARDENED_FLOOR, 0.85),
        )
    }


def _progress(
    household_ids: list[int], flags: list[dict[ProgressFlag, date | None]]
) -> Iterator[dict[str, Any]]:
    """The history behind the flags: one in ten was recorded "not yet" 200 days before."""
    for household_id, reached in zip(household_ids, flags, strict=True):
        for flag, since in reached.items():
            if since is None:
                continue
            if household_id % 10 == 0:
                yield {
                    "household_id": household_id,
                    "flag": flag.value,
                    "achieved": False,
                    "changed_on": since - timedelta(days=200),
                    "recorded_by_id": None,
                }
            yield {
                "household_id": household_id,
                "flag": flag.value,
                "achieved": True,
                "changed_on": since,
                "recorded_by_id": None,
            }


def _deeds(
    rng: random.Random,
    members: list[Any],
    by_member: dict[int, list[int]],
    this_month: date,
    now: datetime,
) -> Iterator[dict[str, Any]]:
    number = 0
    for offset in range(-11, 1):
        month = add_months(this_month, offset)
        for member_id, _ in members:
            if rng.random() < 0.85 and (offset < 0 or rng.random() < 0.6):
                created = datetime.combine(
                    clamp_day(month.year, month.month, rng.randint(1, 28)), time(9), UTC
                )
                number += 1
                yield {
                    "member_id": member_id,
                    "month": month,
                    "household_id": rng.choice(by_member[member_id]),
                    "category": DeedCategory.HOUSING.value,
                    "text": "Giúp hộ",
                    "source_key": f"bench:{number}",
                    "created_at": min(created, now),
                    "edited_at": None,
                    "withdrawn_at": None,
                }


async def _meetings(
    engine: AsyncEngine,
    rng: random.Random,
    cell_ids: list[int],
    members: list[Any],
    this_month: date,
    now: datetime,
) -> None:
    """Twelve monthly meetings a cell with attendance (half of those present speak)."""
    rows: list[dict[str, Any]] = []
    for offset in range(-11, 1):
        month = add_months(this_month, offset)
        starts = datetime.combine(clamp_day(month.year, month.month, 24), time(12, 30), UTC)
        if starts < now:
            rows.extend(
                {
                    "cell_id": cell_id,
                    "kind": MeetingKind.MONTHLY.value,
                    "period": f"{month:%Y-%m}",
                    "starts_at": starts,
                    "status": MeetingStatus.PLANNED.value,
                    "moved": False,
                    "agenda": None,
                    "created_at": now,
                }
                for cell_id in cell_ids
            )
    await _bulk(engine, Meeting.__table__, rows)  # type: ignore[arg-type]
    async with make_sessionmaker(engine)() as session:
        meetings = list(await session.execute(select(Meeting.id, Meeting.cell_id)))
    cell_members: dict[int, list[int]] = {}
    for member_id, cell_id in members:
        cell_members.setdefault(cell_id, []).append(member_id)

    def attendance() -> Iterator[dict[str, Any]]:
        for meeting_id, cell_id in meetings:
            for member_id in cell_members[cell_id]:
                present = rng.random() < 0.9
                yield {
                    "meeting_id": meeting_id,
                    "member_id": member_id,
                    "status": (
                        AttendanceStatus.PRESENT if present else AttendanceStatus.UNEXCUSED
                    ).value,
                    "spoke": present and rng.random() < 0.5,
                    "recorded_at": now,
                    "recorded_by_id": None,
                }

    await _bulk(engine, Attendance.__table__, attendance())  # type: ignore[arg-type]


async def _roles(
    engine: AsyncEngine,
    root_id: int,
    district_ids: list[int],
    commune_ids: list[int],
    cell_ids: list[int],
    members: list[Any],
    today: date,
) -> dict[str, int]:
    """A secretary and a deputy per cell; committee members of communes (3), districts (5)
    and the root (5), taken from the members of the first cells under each."""
    by_cell: dict[int, list[int]] = {}
    for member_id, cell_id in members:
        by_cell.setdefault(cell_id, []).append(member_id)
    async with make_sessionmaker(engine)() as session:
        paths = dict((await session.execute(select(Organisation.id, Organisation.path))).all())
    first_cell_under: dict[int, int] = {}
    for cell_id in cell_ids:
        for part in paths[cell_id].strip("/").split("/")[:-1]:
            first_cell_under.setdefault(int(part), cell_id)
    rows: list[dict[str, Any]] = []
    leaders: dict[str, int] = {}

    def role(member_id: int, org_id: int, kind: RoleKind) -> None:
        rows.append(
            {
                "member_id": member_id,
                "org_id": org_id,
                "kind": kind.value,
                "started_on": today,
                "ended_on": None,
            }
        )

    for cell_id in cell_ids:
        role(by_cell[cell_id][0], cell_id, RoleKind.SECRETARY)
        role(by_cell[cell_id][1], cell_id, RoleKind.DEPUTY_SECRETARY)
    for label, org_ids, first, count in (  # different members of the same first cell
        ("commune", commune_ids, 2, 3),
        ("district", [d for d in district_ids if d != root_id], 5, 5),
        ("root", [root_id], 10, 5),
    ):
        for org_id in org_ids:
            people = by_cell[first_cell_under[org_id]][first : first + count]
            for member_id in people:
                role(member_id, org_id, RoleKind.COMMITTEE_MEMBER)
            leaders[f"{label}:{org_id}" if label != "root" else "root"] = people[0]
    await _bulk(engine, Role.__table__, rows)  # type: ignore[arg-type]
    leaders["count"] = len({row["member_id"] for row in rows})
    return leaders
