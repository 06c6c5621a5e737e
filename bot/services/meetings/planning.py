"""Planning the calendar ahead, for one cell or for all at once: which regular meetings the
rules call for, which reminders the meetings and nudge days call for, and what to add or
cancel. Pure functions over loaded rows, so the hourly run for thousands of cells is a few
queries rather than a dozen per cell."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import month_start
from bot.services.meetings.rules import (
    ReminderPlan,
    add_months,
    clamp_day,
    is_thematic_month,
    meeting_reminders,
    nudge_times,
)
from models import (
    CellSchedule,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ReminderStatus,
    ScheduledReminder,
)

PLAN_MONTHS = 3  # occurrences are planned this many months ahead, the current one included
REGULAR = (MeetingKind.MONTHLY, MeetingKind.THEMATIC)
Wanted = dict[str, tuple[int | None, str, datetime]]  # cause -> (meeting id, kind, due UTC)


def planned_periods(now: datetime, tz: ZoneInfo) -> list[tuple[date, str]]:
    """The months planned ahead with their period names ("2026-11")."""
    this_month = month_start(now.astimezone(tz).date())
    months = [add_months(this_month, offset) for offset in range(PLAN_MONTHS)]
    return [(month, month.strftime("%Y-%m")) for month in months]


def wanted_meetings(
    schedule: CellSchedule, month: date, tz: ZoneInfo
) -> list[tuple[MeetingKind, datetime]]:
    """The regular meetings of `month` under the cell's rules, in local time."""
    wanted = [
        (
            MeetingKind.MONTHLY,
            datetime.combine(
                clamp_day(month.year, month.month, schedule.monthly_day), schedule.monthly_time, tz
            ),
        )
    ]
    if schedule.thematic_month and is_thematic_month(month, schedule.thematic_month):
        day = clamp_day(month.year, month.month, schedule.thematic_day or schedule.monthly_day)
        if day == wanted[0][1].date():
            wanted.clear()  # on the regular day, the thematic meeting is that month's meeting
        wanted.append(
            (
                MeetingKind.THEMATIC,
                datetime.combine(day, schedule.thematic_time or schedule.monthly_time, tz),
            )
        )
    return wanted


def plan_meetings(
    cell_id: int,
    schedule: CellSchedule,
    meetings: Iterable[Meeting],
    now: datetime,
    tz: ZoneInfo,
) -> list[Meeting]:
    """Bring the cell's regular meetings of the coming months in line with its rules, given
    its meetings of those months and every one still to come. Occurrences the secretary
    moved or cancelled are left as they are; unchanged future ones move with the rules;
    regular ones the rules no longer produce are cancelled. Returns the meetings to add."""
    meetings = list(meetings)
    by_key = {(m.kind, m.period): m for m in meetings}
    added: list[Meeting] = []
    kept: set[tuple[MeetingKind, str]] = set()
    for month, period in planned_periods(now, tz):
        for kind, starts_local in wanted_meetings(schedule, month, tz):
            starts = starts_local.astimezone(UTC)
            meeting = by_key.get((kind, period))
            if meeting is None:
                if starts > now:
                    added.append(
                        Meeting(
                            cell_id=cell_id,
                            kind=kind,
                            period=period,
                            starts_at=starts,
                            status=MeetingStatus.PLANNED,
                            moved=False,
                            place=schedule.place,
                            created_at=now,
                        )
                    )
            elif not meeting.moved and meeting.starts_at > now:
                meeting.starts_at = starts  # the rules changed
                meeting.status = MeetingStatus.PLANNED
            kept.add((kind, period))
    for meeting in meetings:
        if (
            meeting.starts_at > now
            and not meeting.moved
            and meeting.status is MeetingStatus.PLANNED
            and meeting.kind in REGULAR
            and (meeting.kind, meeting.period) not in kept
        ):
            meeting.status = MeetingStatus.CANCELLED
    return added


def _reminder_plan(schedule: CellSchedule | None) -> ReminderPlan:
    if schedule is None:
        return ReminderPlan()
    return ReminderPlan(
        notice_days=schedule.notice_days,
        day_before=schedule.remind_day_before,
        morning_of=schedule.remind_morning,
        reminder_time=schedule.reminder_time,
        morning_time=schedule.morning_time,
    )


def wanted_reminders(
    cell_id: int,
    schedule: CellSchedule | None,
    meetings: Iterable[Meeting],
    now: datetime,
    tz: ZoneInfo,
) -> Wanted:
    """Every reminder the cell's planned meetings still to come and its nudge days call for."""
    plan = _reminder_plan(schedule)
    wanted: Wanted = {}
    for meeting in meetings:
        if meeting.starts_at <= now or meeting.status is not MeetingStatus.PLANNED:
            continue
        stamp = f"{meeting.starts_at.astimezone(UTC):%Y%m%d%H%M}"
        for kind, local in meeting_reminders(meeting.starts_at.astimezone(tz), plan).items():
            wanted[f"meeting:{meeting.id}:{kind}:{stamp}"] = (
                meeting.id,
                kind,
                local.astimezone(UTC),
            )
    if schedule is not None:
        this_month = month_start(now.astimezone(tz).date())
        for month in (this_month, add_months(this_month, 1)):
            for day, local in nudge_times(
                month, list(schedule.nudge_days), schedule.reminder_time, tz
            ).items():
                wanted[f"nudge:{cell_id}:{month:%Y-%m}:{day}"] = (
                    None,
                    "nudge",
                    local.astimezone(UTC),
                )
    return wanted


def reconcile(
    cell_id: int,
    wanted: Wanted,
    pending: Iterable[ScheduledReminder],
    known: Mapping[str, ScheduledReminder],
    now: datetime,
) -> list[ScheduledReminder]:
    """Cancel the cell's pending reminders no longer wanted, bring back or re-time known
    ones, and return the new ones to add (`known`: every reminder, any status, by cause)."""
    for stale in pending:
        if stale.cause not in wanted:
            stale.status = ReminderStatus.CANCELLED
            stale.processed_at = now
    added: list[ScheduledReminder] = []
    for cause, (meeting_id, kind, due) in wanted.items():
        known_one = known.get(cause)
        if known_one is not None:
            reminder = known_one
            if reminder.status is ReminderStatus.CANCELLED:  # wanted again (moved back)
                reminder.status, reminder.processed_at = ReminderStatus.PENDING, None
            if reminder.status is ReminderStatus.PENDING and reminder.due_at != due > now:
                reminder.due_at = due  # the cell's reminder times changed (and still ahead)
            continue
        if due < now:
            if kind != "notice":
                continue  # a "tomorrow" reminder first planned after its time would mislead
            due = now  # a meeting added or moved at short notice: its notice goes now
        added.append(
            ScheduledReminder(
                cause=cause,
                cell_id=cell_id,
                meeting_id=meeting_id,
                kind=kind,
                due_at=due,
                status=ReminderStatus.PENDING,
            )
        )
    return added


async def sync_all(session: AsyncSession, now: datetime, tz: ZoneInfo) -> int:
    """Plan every cell that has a schedule or meetings to come, and bring every reminder in
    step, in a handful of queries whatever the number of cells; returns how many cells."""
    schedules = {s.cell_id: s for s in await session.scalars(select(CellSchedule))}
    periods = [period for _, period in planned_periods(now, tz)]
    meetings = list(
        await session.scalars(
            select(Meeting).where(
                or_(
                    Meeting.starts_at > now,
                    Meeting.kind.in_(REGULAR) & Meeting.period.in_(periods),
                )
            )
        )
    )
    by_cell: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_cell.setdefault(meeting.cell_id, []).append(meeting)
    cells = sorted(set(schedules) | {m.cell_id for m in meetings if m.starts_at > now})
    added = [
        new
        for cell_id, schedule in schedules.items()
        for new in plan_meetings(cell_id, schedule, by_cell.get(cell_id, []), now, tz)
    ]
    session.add_all(added)
    await session.flush()  # the new meetings get their ids, which name their reminders
    for meeting in added:
        by_cell.setdefault(meeting.cell_id, []).append(meeting)
    this_month = month_start(now.astimezone(tz).date())
    reminders = list(
        await session.scalars(
            select(ScheduledReminder).where(
                or_(
                    ScheduledReminder.status == ReminderStatus.PENDING,
                    ScheduledReminder.meeting_id.in_(
                        select(Meeting.id).where(Meeting.starts_at > now)
                    ),
                    (ScheduledReminder.kind == "nudge")
                    & ScheduledReminder.cause.like(f"nudge:%:{this_month:%Y-%m}:%"),
                    (ScheduledReminder.kind == "nudge")
                    & ScheduledReminder.cause.like(f"nudge:%:{add_months(this_month, 1):%Y-%m}:%"),
                )
            )
        )
    )
    known = {r.cause: r for r in reminders}
    pending: dict[int, list[ScheduledReminder]] = {}
    for reminder in reminders:
        if reminder.status is ReminderStatus.PENDING:
            pending.setdefault(reminder.cell_id, []).append(reminder)
    new_reminders = []
    for cell_id in cells:
        wanted = wanted_reminders(
            cell_id, schedules.get(cell_id), by_cell.get(cell_id, []), now, tz
        )
        new_reminders.extend(reconcile(cell_id, wanted, pending.get(cell_id, []), known, now))
    session.add_all(new_reminders)
    await session.flush()
    return len(cells)
