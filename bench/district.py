"""Generates a district-scale data set quickly (bulk inserts), for the summary benchmark."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.clock import month_start
from bot.core.db import make_sessionmaker
from bot.services.meetings.rules import add_months, clamp_day
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    CellType,
    DeedCategory,
    DeedReport,
    Household,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    Organisation,
    OrgKind,
    Role,
    RoleKind,
)

BATCH = 5_000


@dataclass(frozen=True)
class District:
    """Ids the benchmark needs."""

    district_id: int
    commune_id: int
    cell_id: int
    district_leader: int
    commune_leader: int
    cell_secretary: int
    members: int
    households: int
    deeds: int


async def _bulk(engine: AsyncEngine, table: object, rows: list[dict[str, object]]) -> None:
    async with engine.begin() as conn:
        for start in range(0, len(rows), BATCH):
            await conn.execute(insert(table), rows[start : start + BATCH])  # type: ignore[arg-type]


async def generate(engine: AsyncEngine, now: datetime, seed: int = 6600) -> District:
    """26 communes of about 10 cells and 14 cells directly under the district; about 6,600
    members, 30,000 households, 12 months of deeds, meetings and attendance."""
    rng = random.Random(seed)
    today = now.date()
    async with make_sessionmaker(engine)() as session, session.begin():
        district = Organisation(
            name="Đảng bộ huyện Bench", kind=OrgKind.DISTRICT_COMMITTEE, path=""
        )
        session.add(district)
        await session.flush()
        district.path = f"/{district.id}/"
        cells: list[Organisation] = []
        communes: list[Organisation] = []
        for number in range(26):
            commune = Organisation(
                name=f"Đảng bộ xã {number}",
                parent_id=district.id,
                kind=OrgKind.GRASSROOTS_COMMITTEE,
                path="",
            )
            session.add(commune)
            communes.append(commune)
        await session.flush()
        for commune in communes:
            commune.path = f"{district.path}{commune.id}/"
            for number in range(10):
                cells.append(
                    Organisation(
                        name=f"Chi bộ {commune.id}-{number}",
                        kind=OrgKind.CELL,
                        cell_type=CellType.RURAL,
                        parent_id=commune.id,
                        path="",
                    )
                )
        for number in range(14):
            cells.append(
                Organisation(
                    name=f"Chi bộ cơ sở {number}",
                    kind=OrgKind.CELL,
                    cell_type=CellType.OFFICE,
                    parent_id=district.id,
                    path="",
                )
            )
        session.add_all(cells)
        await session.flush()
        parents = {district.id: district.path, **{c.id: c.path for c in communes}}
        for cell in cells:
            assert cell.parent_id is not None
            cell.path = f"{parents[cell.parent_id]}{cell.id}/"
        ids = [(cell.id, cell.parent_id) for cell in cells]  # each cell and its commune
        district_id, commune_id = district.id, communes[0].id
        first_commune_cells = [cell.id for cell in cells if cell.parent_id == commune_id]
    member_rows: list[dict[str, object]] = []
    for cell_id, _ in ids:
        for _ in range(24):
            member_rows.append(
                {
                    "full_name": f"Đảng viên {len(member_rows)}",
                    "phone": f"03{len(member_rows):08d}",
                    "cell_id": cell_id,
                    "membership": "full",
                    "status": "active",
                    "created_at": now,
                }
            )
    await _bulk(engine, Member.__table__, member_rows)
    async with make_sessionmaker(engine)() as session:
        members = list(await session.execute(select(Member.id, Member.cell_id)))
    household_rows: list[dict[str, object]] = []
    assignment_rows: list[dict[str, object]] = []
    commune_of_cell = dict(ids)
    for member_id, cell_id in members:
        for _ in range(rng.choice((4, 5))):
            household_rows.append(
                {
                    "commune_id": commune_of_cell[cell_id],
                    "code": f"H{len(household_rows):06d}",
                    "head_name": "Chủ hộ",
                    "village": "Thôn",
                    "created_at": now,
                }
            )
            assignment_rows.append(
                {
                    "member_id": member_id,
                    "household_id": None,
                    "started_on": today - timedelta(days=400),
                }
            )
    await _bulk(engine, Household.__table__, household_rows)
    async with make_sessionmaker(engine)() as session:
        household_ids = list(await session.scalars(select(Household.id).order_by(Household.id)))
    for row, household_id in zip(assignment_rows, household_ids, strict=True):
        row["household_id"] = household_id
    await _bulk(engine, Assignment.__table__, assignment_rows)
    by_member: dict[int, list[int]] = {}
    for row in assignment_rows:
        by_member.setdefault(int(str(row["member_id"])), []).append(int(str(row["household_id"])))
    this_month = month_start(today)
    deed_rows: list[dict[str, object]] = []
    meeting_rows: list[dict[str, object]] = []
    for offset in range(-11, 1):
        month = add_months(this_month, offset)
        for member_id, _ in members:
            if rng.random() < 0.85 and (offset < 0 or rng.random() < 0.6):
                created = datetime.combine(
                    clamp_day(month.year, month.month, rng.randint(1, 28)), time(9), UTC
                )
                deed_rows.append(
                    {
                        "member_id": member_id,
                        "month": month,
                        "household_id": rng.choice(by_member[member_id]),
                        "category": DeedCategory.HOUSING.value,
                        "text": "Giúp hộ",
                        "source_key": f"bench:{len(deed_rows)}",
                        "created_at": min(created, now),
                    }
                )
        starts = datetime.combine(clamp_day(month.year, month.month, 24), time(12, 30), UTC)
        if starts < now:
            for cell_id, _ in ids:
                meeting_rows.append(
                    {
                        "cell_id": cell_id,
                        "kind": MeetingKind.MONTHLY.value,
                        "period": f"{month:%Y-%m}",
                        "starts_at": starts,
                        "status": MeetingStatus.PLANNED.value,
                        "moved": False,
                        "created_at": now,
                    }
                )
    await _bulk(engine, DeedReport.__table__, deed_rows)
    await _bulk(engine, Meeting.__table__, meeting_rows)
    async with make_sessionmaker(engine)() as session:
        meetings = list(await session.execute(select(Meeting.id, Meeting.cell_id)))
    cell_members: dict[int, list[int]] = {}
    for member_id, cell_id in members:
        cell_members.setdefault(cell_id, []).append(member_id)
    attendance_rows = []
    for meeting_id, cell_id in meetings:
        for member_id in cell_members[cell_id]:
            present = rng.random() < 0.9
            attendance_rows.append(
                {
                    "meeting_id": meeting_id,
                    "member_id": member_id,
                    "status": (
                        AttendanceStatus.PRESENT if present else AttendanceStatus.UNEXCUSED
                    ).value,
                    "spoke": present and rng.random() < 0.5,
                    "recorded_at": now,
                }
            )
    await _bulk(engine, Attendance.__table__, attendance_rows)
    leaders = {
        "district": members[0][0],
        "commune": cell_members[first_commune_cells[0]][1],
        "cell": cell_members[first_commune_cells[1]][0],
    }
    await _bulk(
        engine,
        Role.__table__,
        [
            {
                "member_id": leaders["district"],
                "org_id": district_id,
                "kind": RoleKind.COMMITTEE_MEMBER.value,
                "started_on": today,
            },
            {
                "member_id": leaders["commune"],
                "org_id": commune_id,
                "kind": RoleKind.COMMITTEE_MEMBER.value,
                "started_on": today,
            },
            {
                "member_id": leaders["cell"],
                "org_id": first_commune_cells[1],
                "kind": RoleKind.SECRETARY.value,
                "started_on": today,
            },
        ],
    )
    return District(
        district_id,
        commune_id,
        first_commune_cells[1],
        leaders["district"],
        leaders["commune"],
        leaders["cell"],
        len(members),
        len(household_ids),
        len(deed_rows),
    )
