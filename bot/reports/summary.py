"""Summaries for secretaries and committees, aggregated in SQL: a fixed number of grouped
queries whatever the number of cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.meetings.rules import add_months
from bot.services.oversight import EXPECTED_TO_REPORT
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedReport,
    Meeting,
    MeetingStatus,
    Member,
    Organisation,
    Rsvp,
)

QUIET_MONTHS = 3  # a household with no deed for this many months is flagged


@dataclass
class CellSummary:
    """One cell's figures for the week and the month."""

    cell_id: int
    name: str
    expected: int = 0
    reported_month: int = 0
    reported_week: int = 0
    deeds_month: int = 0
    deeds_week: int = 0
    households: int = 0
    helped_month: int = 0
    quiet_households: int = 0
    last_meeting: datetime | None = None
    present: int = 0
    on_roll: int = 0
    spoke: int = 0
    next_meeting: datetime | None = None
    rsvp_yes: int = 0
    rsvp_no: int = 0
    missing_names: list[str] = field(default_factory=list)

    @property
    def report_rate(self) -> float:
        """Share of expected members who reported this month (0-1)."""
        return self.reported_month / self.expected if self.expected else 1.0


async def summarise(
    session: AsyncSession,
    cells: list[Organisation],
    month: date,
    week_start: datetime,
    now: datetime,
    with_names: bool = False,
    week_end: datetime | None = None,
) -> list[CellSummary]:
    """Figures for every cell in `cells`: the month `month`, and the week from `week_start`
    (until `week_end`, or now)."""
    ids = [cell.id for cell in cells]
    result = {cell.id: CellSummary(cell.id, cell.name) for cell in cells}
    if not ids:
        return []
    expected_members = (
        select(Member.id, Member.cell_id)
        .where(Member.cell_id.in_(ids), Member.status.in_(EXPECTED_TO_REPORT))
        .subquery()
    )
    live_deeds = (
        select(
            DeedReport.member_id,
            DeedReport.household_id,
            DeedReport.created_at,
            DeedReport.month,
            Member.cell_id,
            Member.status.in_(EXPECTED_TO_REPORT).label("expected"),
        )
        .join(Member, Member.id == DeedReport.member_id)
        .where(
            Member.cell_id.in_(ids),
            DeedReport.withdrawn_at.is_(None),
            DeedReport.month >= add_months(month, -(QUIET_MONTHS - 1)),
        )
        .subquery()
    )

    for cell, count in await session.execute(
        select(expected_members.c.cell_id, func.count()).group_by(expected_members.c.cell_id)
    ):
        result[cell].expected = count
    # Reporters are counted among the members expected to report (an exempt elder's deed
    # counts as a deed, not as a report owed), so the rate never goes above 100%.
    reporter = distinct(case((live_deeds.c.expected, live_deeds.c.member_id)))
    month_rows = await session.execute(
        select(
            live_deeds.c.cell_id,
            func.count(),
            func.count(reporter),
            func.count(distinct(live_deeds.c.household_id)),
        )
        .where(live_deeds.c.month == month)
        .group_by(live_deeds.c.cell_id)
    )
    for cell, deeds, members, households in month_rows:
        summary = result[cell]
        summary.deeds_month, summary.reported_month, summary.helped_month = (
            deeds,
            members,
            households,
        )
    week_filter = [live_deeds.c.created_at >= week_start]
    if week_end is not None:
        week_filter.append(live_deeds.c.created_at < week_end)
    for cell, deeds, members in await session.execute(
        select(live_deeds.c.cell_id, func.count(), func.count(reporter))
        .where(*week_filter)
        .group_by(live_deeds.c.cell_id)
    ):
        result[cell].deeds_week, result[cell].reported_week = deeds, members

    assigned = (
        select(Assignment.household_id, Assignment.started_on, Member.cell_id)
        .join(Member, Member.id == Assignment.member_id)
        .where(Member.cell_id.in_(ids), Assignment.ended_on.is_(None))
        .subquery()
    )
    for cell, count in await session.execute(
        select(assigned.c.cell_id, func.count()).group_by(assigned.c.cell_id)
    ):
        result[cell].households = count
    # "No deed for 3 months": no deed by anyone (a former holder in another cell counts too)
    # since the first day of the month two months back, among households held since before
    # that day, so one assigned last week is not blamed.
    window = add_months(month, -(QUIET_MONTHS - 1))
    helped_recently = select(DeedReport.household_id).where(
        DeedReport.household_id.is_not(None),
        DeedReport.withdrawn_at.is_(None),
        DeedReport.month >= window,
    )
    for cell, count in await session.execute(
        select(assigned.c.cell_id, func.count())
        .where(assigned.c.started_on < window, assigned.c.household_id.not_in(helped_recently))
        .group_by(assigned.c.cell_id)
    ):
        result[cell].quiet_households = count

    await _meetings(session, ids, now, result)
    if with_names:
        reported = select(live_deeds.c.member_id).where(live_deeds.c.month == month)
        for cell, name in await session.execute(
            select(Member.cell_id, Member.full_name)
            .where(
                Member.cell_id.in_(ids),
                Member.status.in_(EXPECTED_TO_REPORT),
                Member.id.not_in(reported),
            )
            .order_by(Member.full_name)
        ):
            result[cell].missing_names.append(name)
    return [result[cell.id] for cell in cells]


async def _meetings(
    session: AsyncSession, ids: list[int], now: datetime, result: dict[int, CellSummary]
) -> None:
    """The last meeting with attendance, and the next meeting with its RSVPs, per cell."""
    latest = (
        select(Meeting.cell_id, func.max(Meeting.starts_at).label("starts_at"))
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Meeting.cell_id.in_(ids), Meeting.starts_at <= now)
        .group_by(Meeting.cell_id)
        .subquery()
    )
    present = func.sum(cast(Attendance.status == AttendanceStatus.PRESENT, Integer))
    rows = await session.execute(
        select(
            Meeting.cell_id,
            Meeting.starts_at,
            func.count(),
            present,
            func.sum(cast(Attendance.spoke, Integer)),
        )
        .join(
            latest,
            (latest.c.cell_id == Meeting.cell_id) & (latest.c.starts_at == Meeting.starts_at),
        )
        .join(Attendance, Attendance.meeting_id == Meeting.id)
        .group_by(Meeting.cell_id, Meeting.starts_at)
    )
    for cell, starts, on_roll, came, spoke in rows:
        summary = result[cell]
        summary.last_meeting, summary.on_roll = starts, on_roll
        summary.present, summary.spoke = int(came or 0), int(spoke or 0)
    upcoming = (
        select(Meeting.cell_id, func.min(Meeting.starts_at).label("starts_at"))
        .where(
            Meeting.cell_id.in_(ids),
            Meeting.starts_at > now,
            Meeting.status == MeetingStatus.PLANNED,
        )
        .group_by(Meeting.cell_id)
        .subquery()
    )
    next_rows = await session.execute(
        select(
            Meeting.cell_id,
            Meeting.starts_at,
            func.sum(cast(Rsvp.attending, Integer)),
            func.count(Rsvp.id),
        )
        .join(
            upcoming,
            (upcoming.c.cell_id == Meeting.cell_id) & (upcoming.c.starts_at == Meeting.starts_at),
        )
        .outerjoin(Rsvp, Rsvp.meeting_id == Meeting.id)
        .where(Meeting.status == MeetingStatus.PLANNED)
        .group_by(Meeting.cell_id, Meeting.starts_at)
    )
    for cell, starts, yes, answered in next_rows:
        summary = result[cell]
        summary.next_meeting = starts
        summary.rsvp_yes = int(yes or 0)
        summary.rsvp_no = int(answered or 0) - summary.rsvp_yes


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 local of the week containing `now`, as an aware datetime."""
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday
