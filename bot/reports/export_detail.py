"""Per cell, what its sheet of a report shows: members with their deeds and attendance, the
meetings held, and the households its members looked after with their whole history. Seven
queries for any number of cells, each scoped by the organisations' paths."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.aggregates import PROGRESS_FLAGS, OrgRef
from bot.reports.scope import Scope
from bot.services.meetings.rules import add_months
from bot.services.progress import since_column
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedCategory,
    DeedReport,
    Household,
    HouseholdCategory,
    HouseholdCategoryLink,
    HouseholdProgress,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Member,
    MemberStatus,
    ProgressFlag,
)


@dataclass(frozen=True)
class DeedLine:
    """A deed as a report lists it."""

    created_at: datetime
    month: date
    household_code: str | None  # None: for the community
    category: DeedCategory
    text: str
    entered_by: str | None = None  # who entered it on the member's behalf (a secretary)


@dataclass(frozen=True)
class AttendanceMark:
    """How a member stood at one meeting."""

    status: AttendanceStatus
    spoke: bool


@dataclass(frozen=True)
class MeetingLine:
    """A meeting held in the period."""

    id: int
    starts_at: datetime
    kind: MeetingKind


@dataclass(frozen=True)
class MemberLine:
    """A member of the cell with the households in their charge now (codes), their deeds of
    the period and their attendance at each of the cell's meetings (None: not recorded)."""

    id: int
    name: str
    status: MemberStatus
    households: tuple[str, ...]
    deeds: tuple[DeedLine, ...]
    attendance: tuple[AttendanceMark | None, ...]


@dataclass(frozen=True)
class AssignmentSpan:
    """Who was in charge of a household, from when until when (None: still)."""

    member_name: str
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class HouseholdLine:
    """A household a member of the cell looked after, with its whole assignment history."""

    id: int
    code: str
    head_name: str
    categories: tuple[HouseholdCategory, ...]
    in_charge: str  # who is in charge now ("" if nobody)
    history: tuple[AssignmentSpan, ...]
    last_deed: datetime | None
    progress: tuple[ProgressFlag, ...]  # the flags it has (as of the period's end)


@dataclass(frozen=True)
class CellDetail:
    """A cell's sheet: members by name, meetings by time, households by code."""

    cell: OrgRef
    members: tuple[MemberLine, ...]
    meetings: tuple[MeetingLine, ...]
    households: tuple[HouseholdLine, ...]


T = TypeVar("T")
ROWS_AT_A_TIME = 500  # rows turned into values before the event loop gets a turn


async def paced(rows: Iterable[T]) -> AsyncIterator[T]:
    """`rows` one by one, letting the event loop answer members every ROWS_AT_A_TIME rows: a
    district's year is 100,000 rows, seconds of work that would otherwise hold up every chat."""
    for number, row in enumerate(rows, 1):
        yield row
        if number % ROWS_AT_A_TIME == 0:
            await asyncio.sleep(0)


async def details(
    session: AsyncSession, scope: Scope, first: date, last: date, tz: ZoneInfo, now: datetime
) -> tuple[CellDetail, ...]:
    """Every cell's detail for the months [first, last]."""
    in_scope = scope.cell_filter(Member.cell_id)
    members = [
        row
        async for row in paced(
            await session.execute(
                select(Member.id, Member.full_name, Member.status, Member.cell_id)
                .where(in_scope)
                .order_by(Member.full_name, Member.id)
            )
        )
    ]
    start = datetime.combine(first, datetime.min.time(), tz)
    end = min(datetime.combine(add_months(last, 1), datetime.min.time(), tz), now)
    meetings: dict[int, list[MeetingLine]] = defaultdict(list)
    async for meeting_id, cell_id, starts, kind in paced(
        await session.execute(
            select(Meeting.id, Meeting.cell_id, Meeting.starts_at, Meeting.kind)
            .where(  # meetings held: not cancelled, not still to come
                scope.cell_filter(Meeting.cell_id),
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
                Meeting.status == MeetingStatus.PLANNED,
            )
            .order_by(Meeting.starts_at)
        )
    ):
        meetings[cell_id].append(MeetingLine(meeting_id, starts, kind))
    marks = {
        (meeting_id, member_id): AttendanceMark(status, spoke)
        async for meeting_id, member_id, status, spoke in paced(
            await session.execute(
                select(
                    Attendance.meeting_id,
                    Attendance.member_id,
                    Attendance.status,
                    Attendance.spoke,
                )
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(
                    scope.cell_filter(Meeting.cell_id),
                    Meeting.starts_at >= start,
                    Meeting.starts_at < end,
                    Meeting.status == MeetingStatus.PLANNED,
                )
            )
        )
    }
    today = now.astimezone(tz).date()
    as_of = min(add_months(last, 1) - timedelta(days=1), today)
    # A period that reaches this month shows the current flags; an older one, the history.
    households, holders = await _households(
        session, scope, None if as_of == today or last >= today.replace(day=1) else as_of
    )
    codes = {house.id: house.code for houses in households.values() for house in houses}
    deeds: dict[int, list[DeedLine]] = defaultdict(list)
    rows = await session.execute(
        select(
            DeedReport.member_id,
            DeedReport.created_at,
            DeedReport.month,
            DeedReport.household_id,
            DeedReport.category,
            DeedReport.text,
            DeedReport.entered_by_member_id,
        )
        .join(Member, Member.id == DeedReport.member_id)
        .where(
            in_scope,
            DeedReport.month >= first,
            DeedReport.month <= last,
            DeedReport.withdrawn_at.is_(None),
        )
        .order_by(DeedReport.created_at, DeedReport.id)
    )
    found = [row async for row in paced(rows)]
    enterers = {row[6] for row in found if row[6] is not None}
    entered_names = (
        dict(
            (
                await session.execute(
                    select(Member.id, Member.full_name).where(Member.id.in_(sorted(enterers)))
                )
            ).all()
        )
        if enterers
        else {}
    )
    async for member_id, created, month, household_id, category, text, entered_by in paced(found):
        code = codes.get(household_id, "?") if household_id is not None else None
        enterer = entered_names.get(entered_by, "?") if entered_by is not None else None
        deeds[member_id].append(DeedLine(created, month, code, category, text, enterer))
    current: dict[int, list[str]] = defaultdict(list)
    for member_id, code in sorted(holders, key=lambda pair: pair[1]):
        current[member_id].append(code)
    by_cell: dict[int, list[MemberLine]] = defaultdict(list)
    async for member_id, name, status, cell_id in paced(members):
        by_cell[cell_id].append(
            MemberLine(
                member_id,
                name,
                status,
                tuple(current[member_id]),
                tuple(deeds[member_id]),
                tuple(marks.get((m.id, member_id)) for m in meetings[cell_id]),
            )
        )
    return tuple(
        CellDetail(
            cell,
            tuple(by_cell[cell.id]),
            tuple(meetings[cell.id]),
            tuple(households.get(cell.id, ())),
        )
        for cell in scope.cells
    )


async def _households(
    session: AsyncSession, scope: Scope, as_of: date | None
) -> tuple[dict[int, list[HouseholdLine]], list[tuple[int, str]]]:
    """Per cell, by code: every household its members ever looked after, with every
    assignment (whoever held it), its categories, last deed and progress flags (current,
    or as of `as_of` from the history); and (member, code) of who holds each now."""
    ever = (
        select(Assignment.household_id, Member.cell_id)
        .join(Member, Member.id == Assignment.member_id)
        .where(scope.cell_filter(Member.cell_id))
        .distinct()
        .subquery()
    )
    ids = select(ever.c.household_id)
    last_deed = (
        select(func.max(DeedReport.created_at))
        .where(DeedReport.household_id == Household.id, DeedReport.withdrawn_at.is_(None))
        .scalar_subquery()
    )
    since = [getattr(Household, since_column(flag)) for flag in PROGRESS_FLAGS]
    spans: dict[int, list[AssignmentSpan]] = defaultdict(list)
    holder: dict[int, str] = {}
    holders: list[tuple[int, str]] = []
    info: dict[int, tuple[str, str, datetime | None, tuple[ProgressFlag, ...]]] = {}
    async for row in paced(
        await session.execute(
            select(
                Household.id,
                Household.code,
                Household.head_name,
                Member.id,
                Member.full_name,
                Assignment.started_on,
                Assignment.ended_on,
                last_deed,
                *since,
            )
            .join(Assignment, Assignment.household_id == Household.id)
            .join(Member, Member.id == Assignment.member_id)
            .where(Household.id.in_(ids))
            .order_by(Household.code, Assignment.started_on, Assignment.id)
        )
    ):
        household_id, code, head, member_id, name, started, ended, deed, *reached = row
        flags = tuple(flag for flag, day in zip(PROGRESS_FLAGS, reached, strict=True) if day)
        info[household_id] = (code, head, deed, flags)
        spans[household_id].append(AssignmentSpan(name, started, ended))
        if ended is None:
            holder[household_id] = name
            holders.append((member_id, code))
    categories: dict[int, list[HouseholdCategory]] = defaultdict(list)
    async for household_id, category in paced(
        await session.execute(
            select(HouseholdCategoryLink.household_id, HouseholdCategoryLink.category)
            .where(HouseholdCategoryLink.household_id.in_(ids))
            .order_by(HouseholdCategoryLink.category)
        )
    ):
        categories[household_id].append(category)
    past = await _flags(session, ids, as_of) if as_of is not None else None
    result: dict[int, list[HouseholdLine]] = defaultdict(list)
    async for household_id, cell_id in paced(
        await session.execute(select(ever.c.household_id, ever.c.cell_id))
    ):
        code, head, deed, flags = info[household_id]
        result[cell_id].append(
            HouseholdLine(
                household_id,
                code,
                head,
                tuple(categories[household_id]),
                holder.get(household_id, ""),
                tuple(spans[household_id]),
                deed,
                tuple(past[household_id]) if past is not None else flags,
            )
        )
    for lines in result.values():
        lines.sort(key=lambda line: line.code)
    return result, holders


async def _flags(session: AsyncSession, ids: object, as_of: date) -> dict[int, list[ProgressFlag]]:
    """Per household, the flags whose newest record up to `as_of` says achieved."""
    newest = (
        select(
            HouseholdProgress.household_id,
            HouseholdProgress.flag,
            HouseholdProgress.achieved,
            func.row_number()
            .over(
                partition_by=(HouseholdProgress.household_id, HouseholdProgress.flag),
                order_by=(HouseholdProgress.changed_on.desc(), HouseholdProgress.id.desc()),
            )
            .label("rank"),
        )
        .where(
            HouseholdProgress.household_id.in_(ids),  # type: ignore[arg-type]
            HouseholdProgress.changed_on <= as_of,
        )
        .subquery()
    )
    flags: dict[int, list[ProgressFlag]] = defaultdict(list)
    for household_id, flag in await session.execute(
        select(newest.c.household_id, newest.c.flag)
        .where(newest.c.rank == 1, newest.c.achieved.is_(True))
        .order_by(newest.c.household_id, newest.c.flag)
    ):
        flags[household_id].append(ProgressFlag(flag))
    return flags
