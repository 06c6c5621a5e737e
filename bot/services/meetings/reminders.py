"""Reminders: keep the planned ones in step with the calendar, and send those that are due.

A reminder's cause names the meeting, the kind and the meeting's time ("meeting:12:notice:
202611241230"): moving a meeting makes new reminders and cancels the old pending ones. The
cause is also the outbox cause, so each reminder reaches each member at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import format_month
from bot.delivery.outbox import enqueue
from bot.services.meetings.calendar import plan_cell
from bot.services.meetings.planning import reconcile, wanted_reminders
from bot.services.meetings.texts import change_message, meeting_message, nudge_message
from models import (
    CellSchedule,
    DeedReport,
    Meeting,
    MeetingStatus,
    Member,
    MemberStatus,
    ReminderStatus,
    ScheduledReminder,
)

CLAIM_BATCH = 200


async def sync_cell(session: AsyncSession, cell_id: int, now: datetime, tz: ZoneInfo) -> None:
    """Plan the cell's meetings, then add missing reminders and cancel ones no longer wanted."""
    meetings = await plan_cell(session, cell_id, now, tz)
    schedule = await session.get(CellSchedule, cell_id)
    wanted = wanted_reminders(cell_id, schedule, meetings, now, tz)
    pending = await session.scalars(
        select(ScheduledReminder).where(
            ScheduledReminder.cell_id == cell_id,
            ScheduledReminder.status == ReminderStatus.PENDING,
        )
    )
    known = {
        r.cause: r
        for r in await session.scalars(
            select(ScheduledReminder).where(ScheduledReminder.cause.in_(list(wanted)))
        )
    }
    session.add_all(reconcile(cell_id, wanted, list(pending), known, now))
    await session.flush()


@dataclass(frozen=True)
class ReminderRun:
    """What one pass over due reminders did."""

    sent: int = 0
    missed: int = 0
    messages: int = 0


async def process_due(
    session: AsyncSession, now: datetime, grace: timedelta, tz: ZoneInfo, language: str
) -> ReminderRun:
    """Send the reminders that are due; those overdue by more than `grace` (the bot was down)
    are recorded as missed rather than sent late and out of context."""
    due = await session.scalars(
        select(ScheduledReminder)
        .where(ScheduledReminder.status == ReminderStatus.PENDING, ScheduledReminder.due_at <= now)
        .order_by(ScheduledReminder.due_at)
        .limit(CLAIM_BATCH)
        .with_for_update(skip_locked=True)
    )
    sent = missed = messages = 0
    for reminder in list(due):
        reminder.processed_at = now
        if now - reminder.due_at > grace:
            reminder.status = ReminderStatus.MISSED
            missed += 1
            continue
        messages += await _send(session, reminder, now, tz, language)
        reminder.status = ReminderStatus.SENT
        sent += 1
    await session.flush()
    return ReminderRun(sent, missed, messages)


async def _send(
    session: AsyncSession,
    reminder: ScheduledReminder,
    now: datetime,
    tz: ZoneInfo,
    language: str,
) -> int:
    if reminder.kind == "nudge":
        month = date.fromisoformat(reminder.cause.split(":")[2] + "-01")
        people = await nudge_recipients(session, reminder.cell_id, month)
        for person in people:
            await enqueue(
                session,
                cause=reminder.cause,
                member_id=person.id,
                text=nudge_message(
                    person.language or language, person.full_name, format_month(month)
                ),
                choices=(),
                now=now,
            )
        return len(people)
    meeting = await session.get(Meeting, reminder.meeting_id)
    assert meeting is not None
    people = await meeting_recipients(session, meeting.cell_id, reminder.kind)
    for person in people:
        text, choices = meeting_message(
            person.language or language,
            reminder.kind,
            meeting,
            tz,
            ask_rsvp=person.status is MemberStatus.ACTIVE and reminder.kind != "morning",
        )
        await enqueue(
            session, cause=reminder.cause, member_id=person.id, text=text, choices=choices, now=now
        )
    return len(people)


async def meeting_recipients(session: AsyncSession, cell_id: int, kind: str) -> list[Member]:
    """Active members get every reminder; members working away get the notice (agenda) for
    their information; exempt and transferred members none."""
    statuses = [MemberStatus.ACTIVE]
    if kind == "notice":
        statuses.append(MemberStatus.WORKING_AWAY)
    return list(
        await session.scalars(
            select(Member)
            .where(Member.cell_id == cell_id, Member.status.in_(statuses))
            .order_by(Member.id)
        )
    )


async def nudge_recipients(session: AsyncSession, cell_id: int, month: date) -> list[Member]:
    """Members of the cell who owe `month`'s good-deed report, as the cell's rules say."""
    schedule = await session.get(CellSchedule, cell_id)
    statuses = [MemberStatus.ACTIVE]
    if schedule is None or schedule.nudge_working_away:
        statuses.append(MemberStatus.WORKING_AWAY)
    if schedule is not None and schedule.nudge_exempt:
        statuses.append(MemberStatus.EXEMPT)
    reported = select(DeedReport.member_id).where(
        DeedReport.month == month, DeedReport.withdrawn_at.is_(None)
    )
    return list(
        await session.scalars(
            select(Member)
            .where(
                Member.cell_id == cell_id, Member.status.in_(statuses), Member.id.not_in(reported)
            )
            .order_by(Member.id)
        )
    )


async def announce_change(
    session: AsyncSession,
    *,
    meeting: Meeting,
    change: str,
    now: datetime,
    tz: ZoneInfo,
    language: str,
    was: datetime | None = None,
) -> int:
    """Tell the cell at once that a meeting was moved (from `was`), cancelled or added; a
    moved or added meeting asks active members whether they will attend."""
    # The change's own time is in the cause: moving X -> Y -> X -> Y announces twice.
    stamp = f"{meeting.starts_at.astimezone(UTC):%Y%m%d%H%M}@{now:%Y%m%d%H%M%S}"
    people = await meeting_recipients(session, meeting.cell_id, "notice")
    for person in people:
        text, choices = change_message(
            person.language or language,
            change,
            meeting,
            tz,
            was=was,
            ask_rsvp=change != "cancelled" and person.status is MemberStatus.ACTIVE,
        )
        await enqueue(
            session,
            cause=f"meeting:{meeting.id}:{change}:{stamp}",
            member_id=person.id,
            text=text,
            choices=choices,
            now=now,
        )
    return len(people)


@dataclass(frozen=True)
class RuleChange:
    """A coming meeting the cell's new rules moved (from `was`) or cancelled."""

    meeting: Meeting
    change: str  # "moved" or "cancelled"
    was: datetime


async def sync_and_tell(
    session: AsyncSession, cell_id: int, now: datetime, tz: ZoneInfo, language: str
) -> list[RuleChange]:
    """`sync_cell` after the cell's rules changed: each coming meeting they re-dated or
    cancelled is announced to the cell once, and returned for the one who changed them."""
    before = {
        m.id: (m.starts_at, m.status)
        for m in await session.scalars(
            select(Meeting).where(Meeting.cell_id == cell_id, Meeting.starts_at > now)
        )
    }
    await sync_cell(session, cell_id, now, tz)
    changes: list[RuleChange] = []
    for meeting_id, (was, status) in before.items():
        meeting = await session.get(Meeting, meeting_id)
        if meeting is None or status is not MeetingStatus.PLANNED:
            continue
        if meeting.status is MeetingStatus.CANCELLED:
            changes.append(RuleChange(meeting, "cancelled", was))
        elif meeting.starts_at != was:
            changes.append(RuleChange(meeting, "moved", was))
    for change in sorted(changes, key=lambda c: c.was):
        await announce_change(
            session,
            meeting=change.meeting,
            change=change.change,
            now=now,
            tz=tz,
            language=language,
            was=change.was,
        )
    return sorted(changes, key=lambda c: c.was)
