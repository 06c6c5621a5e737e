"""The cell calendar: plan occurrences from a cell's schedule, and the secretary's changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import AccessDeniedError, InvalidInputError, NotFoundError
from bot.services.meetings.planning import REGULAR, plan_meetings, planned_periods
from bot.services.meetings.rules import read_local_datetime
from bot.services.oversight import overseen_cells
from models import CellSchedule, Meeting, MeetingKind, MeetingStatus, Member


@dataclass(frozen=True)
class ScheduleRules:
    """What a secretary sets for the cell's regular meetings."""

    monthly_day: int
    monthly_time: time
    thematic_month: int | None = None
    thematic_day: int | None = None
    thematic_time: time | None = None
    place: str | None = None  # of the regular meetings; None leaves it as it is


MAX_PLACE = 200


def clean_place(place: str) -> str:
    """A place as typed, trimmed; refused when empty or too long for its column."""
    place = " ".join(place.split())
    if not place:
        raise InvalidInputError(N_("Please write the place as text."))
    if len(place) > MAX_PLACE:
        raise InvalidInputError(
            N_("The place is too long ({length} characters); at most {limit}."),
            length=len(place),
            limit=MAX_PLACE,
        )
    return place


def typed_when(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """A meeting time as typed ("26/11 19:30"), in the future; a date without a year must
    fall within the next few weeks, or the year is asked for."""
    typed = read_local_datetime(text, now.astimezone(tz).date(), tz)
    if typed.at is None:
        raise InvalidInputError(
            N_("I could not read that date and time. Write it like 26/11 19:30.")
        )
    if typed.year_needed:
        _year_needed(typed.at)
    if typed.at <= now:
        raise InvalidInputError(N_("The new time must be in the future."))
    return typed.at


def _year_needed(at: datetime) -> NoReturn:
    raise InvalidInputError(
        N_(
            "{date} without a year is not within the next few weeks: write the year as "
            "well, e.g. {example}."
        ),
        date=f"{at:%d/%m}",
        example=f"{at:%d/%m/%Y %H:%M}",
    )


async def set_schedule(
    session: AsyncSession, cell_id: int, rules: ScheduleRules, now: datetime
) -> CellSchedule:
    """Create or change a cell's rules; future occurrences follow them at the next planning."""
    if not 1 <= rules.monthly_day <= 31:
        raise InvalidInputError(N_("The day of the month must be between 1 and 31."))
    if rules.thematic_month is not None and rules.thematic_month not in (1, 2, 3):
        raise InvalidInputError(N_("The month of the quarter must be 1, 2 or 3."))
    schedule = await session.get(CellSchedule, cell_id)
    if schedule is None:
        schedule = CellSchedule(cell_id=cell_id, updated_at=now)
        session.add(schedule)
    schedule.monthly_day = rules.monthly_day
    schedule.monthly_time = rules.monthly_time
    schedule.thematic_month = rules.thematic_month
    schedule.thematic_day = rules.thematic_day
    schedule.thematic_time = rules.thematic_time
    if rules.place is not None:
        await _follow_place(session, cell_id, schedule.place, rules.place, now)
        schedule.place = rules.place
    schedule.updated_at = now
    await session.flush()
    return schedule


async def _follow_place(
    session: AsyncSession, cell_id: int, old: str | None, new: str, now: datetime
) -> None:
    """Coming regular meetings held at the cell's usual place move with it."""
    for meeting in await session.scalars(
        select(Meeting).where(
            Meeting.cell_id == cell_id, Meeting.starts_at > now, Meeting.kind.in_(REGULAR)
        )
    ):
        if meeting.place is None or meeting.place == old:
            meeting.place = new


@dataclass(frozen=True)
class ReminderOptions:
    """A cell's reminder settings; None leaves a setting as it is."""

    notice_days: int | None = None
    day_before: bool | None = None
    morning_of: bool | None = None
    reminder_time: time | None = None
    morning_time: time | None = None
    nudge_days: tuple[int, ...] | None = None
    nudge_working_away: bool | None = None
    nudge_exempt: bool | None = None


async def configure_reminders(
    session: AsyncSession, cell_id: int, options: ReminderOptions, now: datetime
) -> CellSchedule:
    """Change when a cell's reminders and nudges go out, and to whom."""
    schedule = await session.get(CellSchedule, cell_id)
    if schedule is None:
        raise NotFoundError(N_("Set the cell's regular meetings first."))
    if options.nudge_days is not None and any(
        d == 0 or not -28 <= d <= 31 for d in options.nudge_days
    ):
        raise InvalidInputError(N_("Nudge days are 1 to 31, or -1 (last day) to -28."))
    for column, value in (
        ("notice_days", options.notice_days),
        ("remind_day_before", options.day_before),
        ("remind_morning", options.morning_of),
        ("reminder_time", options.reminder_time),
        ("morning_time", options.morning_time),
        ("nudge_days", list(options.nudge_days) if options.nudge_days is not None else None),
        ("nudge_working_away", options.nudge_working_away),
        ("nudge_exempt", options.nudge_exempt),
    ):
        if value is not None:
            setattr(schedule, column, value)
    schedule.updated_at = now
    await session.flush()
    return schedule


async def plan_cell(
    session: AsyncSession, cell_id: int, now: datetime, tz: ZoneInfo
) -> list[Meeting]:
    """Make sure the cell's regular meetings of the coming months exist and follow its rules
    (see `planning.plan_meetings`). Returns the cell's meetings still to come."""
    schedule = await session.get(CellSchedule, cell_id)
    if schedule is not None:
        periods = [period for _, period in planned_periods(now, tz)]
        meetings = await session.scalars(
            select(Meeting).where(
                Meeting.cell_id == cell_id,
                or_(
                    Meeting.starts_at > now,
                    Meeting.kind.in_(REGULAR) & Meeting.period.in_(periods),
                ),
            )
        )
        session.add_all(plan_meetings(cell_id, schedule, meetings, now, tz))
        await session.flush()
    return await upcoming(session, cell_id, now)


async def upcoming(
    session: AsyncSession, cell_id: int, now: datetime, include_cancelled: bool = False
) -> list[Meeting]:
    """The cell's meetings from now on, soonest first."""
    query = select(Meeting).where(Meeting.cell_id == cell_id, Meeting.starts_at > now)
    if not include_cancelled:
        query = query.where(Meeting.status == MeetingStatus.PLANNED)
    return list(await session.scalars(query.order_by(Meeting.starts_at)))


async def recent(
    session: AsyncSession, cell_id: int, now: datetime, limit: int = 3
) -> list[Meeting]:
    """The cell's latest meetings that have begun, most recent first."""
    return list(
        await session.scalars(
            select(Meeting)
            .where(
                Meeting.cell_id == cell_id,
                Meeting.starts_at <= now,
                Meeting.status == MeetingStatus.PLANNED,
            )
            .order_by(Meeting.starts_at.desc())
            .limit(limit)
        )
    )


async def usual_place(session: AsyncSession, cell_id: int) -> str | None:
    """Where the cell's regular meetings are held, if its rules say."""
    schedule = await session.get(CellSchedule, cell_id)
    return schedule.place if schedule is not None else None


async def managed_meeting(session: AsyncSession, actor: Member | None, meeting_id: int) -> Meeting:
    """The meeting, if the actor leads its cell (secretary, deputy, or a committee above).
    `actor` None is the operator at the command line, who may manage every cell."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFoundError(N_("That meeting does not exist."))
    await _require_leader(session, actor, meeting.cell_id)
    return meeting


async def _require_leader(session: AsyncSession, actor: Member | None, cell_id: int) -> None:
    if actor is not None and cell_id not in {
        c.id for c in await overseen_cells(session, actor.id)
    }:
        raise AccessDeniedError(N_("Only the cell's secretary or committee can change it."))


def _audit(
    session: AsyncSession, actor: Member | None, action: str, meeting: Meeting, now: datetime
) -> None:
    record_audit(
        session,
        at=now,
        actor_member_id=actor.id if actor else None,
        action=action,
        subject_type="meeting",
        subject_id=meeting.id,
    )


async def set_agenda(
    session: AsyncSession, actor: Member | None, meeting_id: int, agenda: str, now: datetime
) -> Meeting:
    """Set the expected content of a meeting (sent with its notice)."""
    meeting = await managed_meeting(session, actor, meeting_id)
    meeting.agenda = agenda
    _audit(session, actor, "meeting_agenda_set", meeting, now)
    return meeting


async def set_place(
    session: AsyncSession, actor: Member | None, meeting_id: int, place: str, now: datetime
) -> Meeting:
    """Set where one meeting is held (shown in its notice and reminders)."""
    meeting = await managed_meeting(session, actor, meeting_id)
    meeting.place = clean_place(place)
    _audit(session, actor, "meeting_place_set", meeting, now)
    return meeting


def check_move(meeting: Meeting, starts_at: datetime, now: datetime) -> None:
    """Refuse a move that cannot be made: to the past, or to the time it already has."""
    if starts_at <= now:
        raise InvalidInputError(N_("The new time must be in the future."))
    if starts_at == meeting.starts_at and meeting.status is MeetingStatus.PLANNED:
        raise InvalidInputError(N_("The meeting is already at that time; nothing to change."))


def check_cancel(meeting: Meeting, now: datetime) -> None:
    """Refuse cancelling a meeting already cancelled (nobody is told twice) or past."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvalidInputError(N_("That meeting is already cancelled; nobody is told again."))
    if meeting.starts_at <= now:
        raise InvalidInputError(N_("That meeting has already taken place or was cancelled."))


async def move_meeting(
    session: AsyncSession,
    actor: Member | None,
    meeting_id: int,
    starts_at: datetime,
    now: datetime,
) -> Meeting:
    """Move one occurrence (Tết, a funeral in the village...); the rules stay as they are."""
    meeting = await managed_meeting(session, actor, meeting_id)
    check_move(meeting, starts_at, now)
    meeting.starts_at = starts_at.astimezone(UTC)
    meeting.moved = True
    meeting.status = MeetingStatus.PLANNED
    _audit(session, actor, "meeting_moved", meeting, now)
    return meeting


async def cancel_meeting(
    session: AsyncSession, actor: Member | None, meeting_id: int, now: datetime
) -> Meeting:
    """Cancel one occurrence; its pending reminders are dropped at the next sync."""
    meeting = await managed_meeting(session, actor, meeting_id)
    check_cancel(meeting, now)
    meeting.status = MeetingStatus.CANCELLED
    meeting.moved = True  # planning must not bring it back
    _audit(session, actor, "meeting_cancelled", meeting, now)
    return meeting


async def add_meeting(
    session: AsyncSession,
    *,
    actor: Member | None,
    cell_id: int,
    starts_at: datetime,
    agenda: str | None,
    now: datetime,
    place: str | None = None,
    usual_place_if_none: bool = True,
) -> Meeting:
    """A one-off meeting of the actor's cell, at `place`; without one, at the cell's usual
    place (or nowhere yet, when `usual_place_if_none` is False: "not decided yet")."""
    await _require_leader(session, actor, cell_id)
    if starts_at <= now:
        raise InvalidInputError(N_("The new time must be in the future."))
    meeting = Meeting(
        cell_id=cell_id,
        kind=MeetingKind.EXTRA,
        period=f"extra-{starts_at.astimezone(UTC):%Y%m%d%H%M}",
        starts_at=starts_at.astimezone(UTC),
        status=MeetingStatus.PLANNED,
        moved=False,
        agenda=agenda,
        place=clean_place(place)
        if place
        else await usual_place(session, cell_id)
        if usual_place_if_none
        else None,
        created_at=now,
    )
    session.add(meeting)
    await session.flush()
    _audit(session, actor, "meeting_added", meeting, now)
    return meeting
