"""The grouped queries behind every summary and workbook: one query per figure, grouped by cell,
each reading only its scope's rows (an index path from the cell to its members, their deeds,
assignments and meetings), so one cell's figures cost the same in a district or a province."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Integer, case, cast, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports.aggregates import PROGRESS_FLAGS, Figures, Headcount, Progress
from bot.reports.scope import Scope
from bot.services.meetings.rules import add_months
from bot.services.oversight import EXPECTED_TO_REPORT
from bot.services.progress import since_column
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedReport,
    Household,
    HouseholdProgress,
    Meeting,
    MeetingStatus,
    Member,
    MemberStatus,
    ProgressFlag,
)

QUIET_MONTHS = 3  # a household with no deed for this many months is flagged


@dataclass(frozen=True)
class Months:
    """The months [first, last] figures are for; `elapsed` of them are over or under way."""

    first: date
    last: date
    elapsed: int

    @classmethod
    def of(cls, first: date, last: date, this_month: date) -> Months:
        """The months from `first` to `last`, counting those up to `this_month` as owed."""
        count = 0
        while count < 12 and add_months(first, count) <= min(last, this_month):
            count += 1
        return cls(first, last, count)


def quiet_window(month: date) -> date:
    """The first month of the 3 that end with `month`."""
    return add_months(month, -(QUIET_MONTHS - 1))


async def headcounts(session: AsyncSession, scope: Scope) -> dict[int, Headcount]:
    """Members on the roll per cell, by status."""
    counts: dict[int, dict[MemberStatus, int]] = {}
    for cell, status, count in await session.execute(
        select(Member.cell_id, Member.status, func.count())
        .where(scope.cell_filter(Member.cell_id), Member.status != MemberStatus.TRANSFERRED_OUT)
        .group_by(Member.cell_id, Member.status)
    ):
        counts.setdefault(cell, {})[status] = count
    return {cell: Headcount.of(by_status) for cell, by_status in counts.items()}


def _live_deeds(scope: Scope, first: date, last: date) -> list[object]:
    return [
        scope.cell_filter(Member.cell_id),
        DeedReport.withdrawn_at.is_(None),
        DeedReport.month >= first,
        DeedReport.month <= last,
    ]


async def deeds(
    session: AsyncSession, scope: Scope, months: Months
) -> dict[int, tuple[int, int, int, int]]:
    """Per cell: deeds, households helped, expected members who reported, and (expected
    member, month) pairs with a report. An exempt elder's deed counts as a deed, not as a
    report owed, so the rate never goes above 100%."""
    where = _live_deeds(scope, months.first, months.last)
    reporter = distinct(case((Member.status.in_(EXPECTED_TO_REPORT), DeedReport.member_id)))
    result: dict[int, tuple[int, int, int, int]] = {}
    for cell, count, helped, reporters in await session.execute(
        select(
            Member.cell_id,
            func.count(),
            func.count(distinct(DeedReport.household_id)),
            func.count(reporter),
        )
        .join(Member, Member.id == DeedReport.member_id)
        .where(*where)  # type: ignore[arg-type]
        .group_by(Member.cell_id)
    ):
        result[cell] = (count, helped, reporters, reporters)  # one month: one report each
    if months.first == months.last:
        return result
    pairs = (
        select(Member.cell_id, DeedReport.member_id, DeedReport.month)
        .join(Member, Member.id == DeedReport.member_id)
        .where(*where, Member.status.in_(EXPECTED_TO_REPORT))  # type: ignore[arg-type]
        .distinct()
        .subquery()
    )
    for cell, reported in await session.execute(
        select(pairs.c.cell_id, func.count()).group_by(pairs.c.cell_id)
    ):
        count, helped, reporters, _ = result[cell]
        result[cell] = (count, helped, reporters, reported)
    return result


async def monthly_reporters(
    session: AsyncSession, scope: Scope, first: date, last: date
) -> dict[tuple[int, date], int]:
    """Per (cell, month) of [first, last]: expected members who reported that month (one
    grouped query, for a line per cell or commune over a year)."""
    rows = await session.execute(
        select(Member.cell_id, DeedReport.month, func.count(distinct(DeedReport.member_id)))
        .join(Member, Member.id == DeedReport.member_id)
        .where(
            *_live_deeds(scope, first, last),  # type: ignore[arg-type]
            Member.status.in_(EXPECTED_TO_REPORT),
        )
        .group_by(Member.cell_id, DeedReport.month)
    )
    return {(cell, month): count for cell, month, count in rows}


async def week(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime, tz_month: date
) -> dict[int, tuple[int, int]]:
    """Per cell: expected members who reported and deeds reported in [start, end); the month
    filter (a deed of the week belongs to its month or the one before) keeps to the index."""
    reporter = distinct(case((Member.status.in_(EXPECTED_TO_REPORT), DeedReport.member_id)))
    rows = await session.execute(
        select(Member.cell_id, func.count(reporter), func.count())
        .join(Member, Member.id == DeedReport.member_id)
        .where(
            *_live_deeds(scope, add_months(tz_month, -1), add_months(tz_month, 1)),  # type: ignore[arg-type]
            DeedReport.created_at >= start,
            DeedReport.created_at < end,
        )
        .group_by(Member.cell_id)
    )
    return {cell: (members, count) for cell, members, count in rows}


def _current(scope: Scope) -> list[object]:
    return [scope.cell_filter(Member.cell_id), Assignment.ended_on.is_(None)]


async def households(
    session: AsyncSession, scope: Scope, month: date, as_of: date | None = None
) -> dict[int, tuple[Progress, int]]:
    """Per cell: the households its members are in charge of now with their progress flags
    (now, or as of `as_of` from the history), and how many of them (held since before the 3
    months that end with `month`) had no deed by anyone in those months."""
    progress = await assigned(session, scope)
    if as_of is not None:
        flags = await progress_counts(session, scope, as_of)
        progress = {
            cell: Progress.of(counts.households, flags.get(cell, {}))
            for cell, counts in progress.items()
        }
    nobody = await quiet(session, scope, month)
    return {cell: (counts, nobody.get(cell, 0)) for cell, counts in progress.items()}


async def assigned(session: AsyncSession, scope: Scope) -> dict[int, Progress]:
    """Per cell: the households its members are in charge of now, with their progress flags."""
    counted = await session.execute(
        select(
            Member.cell_id,
            func.count(),
            *(func.count(getattr(Household, since_column(flag))) for flag in PROGRESS_FLAGS),
        )
        .select_from(Assignment)
        .join(Member, Member.id == Assignment.member_id)
        .join(Household, Household.id == Assignment.household_id)
        .where(*_current(scope))  # type: ignore[arg-type]
        .group_by(Member.cell_id)
    )
    return {cell: Progress(*counts) for cell, *counts in counted}


async def quiet(session: AsyncSession, scope: Scope, month: date) -> dict[int, int]:
    """Per cell: households in its members' charge since before the 3 months that end with
    `month` that had no deed by anyone in those months."""
    window = quiet_window(month)
    helped = exists().where(
        DeedReport.household_id == Assignment.household_id,
        DeedReport.month >= window,
        DeedReport.month <= month,
        DeedReport.withdrawn_at.is_(None),
    )
    rows = await session.execute(
        select(Member.cell_id, func.count())
        .select_from(Assignment)
        .join(Member, Member.id == Assignment.member_id)
        .where(*_current(scope), Assignment.started_on < window, ~helped)  # type: ignore[arg-type]
        .group_by(Member.cell_id)
    )
    return {cell: count for cell, count in rows}


async def progress_counts(
    session: AsyncSession, scope: Scope, as_of: date
) -> dict[int, dict[ProgressFlag, int]]:
    """Per cell and flag: current households whose newest record of the flag up to `as_of`
    says achieved."""
    newest = (
        select(
            Member.cell_id,
            HouseholdProgress.flag,
            HouseholdProgress.achieved,
            func.row_number()
            .over(
                partition_by=(HouseholdProgress.household_id, HouseholdProgress.flag),
                order_by=(HouseholdProgress.changed_on.desc(), HouseholdProgress.id.desc()),
            )
            .label("rank"),
        )
        .select_from(Assignment)
        .join(Member, Member.id == Assignment.member_id)
        .join(HouseholdProgress, HouseholdProgress.household_id == Assignment.household_id)
        .where(*_current(scope), HouseholdProgress.changed_on <= as_of)  # type: ignore[arg-type]
        .subquery()
    )
    result: dict[int, dict[ProgressFlag, int]] = {}
    for cell, flag, count in await session.execute(
        select(newest.c.cell_id, newest.c.flag, func.count())
        .where(newest.c.rank == 1, newest.c.achieved.is_(True))
        .group_by(newest.c.cell_id, newest.c.flag)
    ):
        result.setdefault(cell, {})[ProgressFlag(flag)] = count
    return result


_PRESENT = func.sum(cast(Attendance.status == AttendanceStatus.PRESENT, Integer))
_SPOKE = func.sum(cast(Attendance.spoke, Integer))


async def held_meetings(
    session: AsyncSession, scope: Scope, start: datetime, end: datetime
) -> dict[int, tuple[int, int, int, int]]:
    """Per cell, meetings held in [start, end) (not cancelled): how many, attendance rows,
    present, spoke."""
    rows = await session.execute(
        select(
            Meeting.cell_id,
            func.count(distinct(Meeting.id)),
            func.count(Attendance.id),
            _PRESENT,
            _SPOKE,
        )
        .outerjoin(Attendance, Attendance.meeting_id == Meeting.id)
        .where(
            scope.cell_filter(Meeting.cell_id),
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Meeting.status == MeetingStatus.PLANNED,
        )
        .group_by(Meeting.cell_id)
    )
    return {
        cell: (held, listed, int(present or 0), int(spoke or 0))
        for cell, held, listed, present, spoke in rows
    }


async def last_meetings(
    session: AsyncSession, scope: Scope, now: datetime
) -> dict[int, tuple[datetime, int, int, int]]:
    """Per cell, its last meeting with attendance recorded: when, listed, present, spoke."""
    latest = (
        select(Meeting.cell_id, func.max(Meeting.starts_at).label("starts_at"))
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(scope.cell_filter(Meeting.cell_id), Meeting.starts_at <= now)
        .group_by(Meeting.cell_id)
        .subquery()
    )
    rows = await session.execute(
        select(Meeting.cell_id, Meeting.starts_at, func.count(), _PRESENT, _SPOKE)
        .join(
            latest,
            (latest.c.cell_id == Meeting.cell_id) & (latest.c.starts_at == Meeting.starts_at),
        )
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .group_by(Meeting.cell_id, Meeting.starts_at)
    )
    return {
        cell: (starts, listed, int(present or 0), int(spoke or 0))
        for cell, starts, listed, present, spoke in rows
    }


def cell_figures(
    cell_id: int,
    members: dict[int, Headcount],
    deed_counts: dict[int, tuple[int, int, int, int]],
    household_counts: dict[int, tuple[Progress, int]],
    meetings: dict[int, tuple[int, int, int, int]],
    months: Months,
) -> Figures:
    """One cell's Figures from the grouped results."""
    headcount = members.get(cell_id, Headcount())
    count, helped, reporters, reported = deed_counts.get(cell_id, (0, 0, 0, 0))
    progress, quiet = household_counts.get(cell_id, (Progress(), 0))
    held, listed, present, spoke = meetings.get(cell_id, (0, 0, 0, 0))
    return Figures(
        cells=1,
        members=headcount,
        reporters=reporters,
        reported_months=reported,
        owed_months=headcount.expected * months.elapsed,
        deeds=count,
        households=progress.households,
        helped=helped,
        quiet=quiet,
        progress=progress,
        meetings=held,
        attendance_rows=listed,
        present=present,
        spoke=spoke,
    )
