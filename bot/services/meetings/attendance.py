"""Members' answers before a meeting (RSVP, opinions) and the record after it (attendance)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError, NotFoundError
from bot.services.meetings.calendar import managed_meeting
from models import (
    AgendaOpinion,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Member,
    MemberStatus,
    Rsvp,
)


async def _own_upcoming(
    session: AsyncSession, member: Member, meeting_id: int, now: datetime
) -> Meeting:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or meeting.cell_id != member.cell_id:
        raise NotFoundError(N_("That meeting is not one of your cell's."))
    if meeting.status is MeetingStatus.CANCELLED or meeting.starts_at <= now:
        raise InvalidInputError(N_("That meeting has already taken place or was cancelled."))
    return meeting


async def answer_rsvp(
    session: AsyncSession,
    *,
    member: Member,
    meeting_id: int,
    attending: bool,
    reason: str | None,
    now: datetime,
) -> Meeting:
    """Record (or change) the member's answer for a coming meeting of their cell."""
    meeting = await _own_upcoming(session, member, meeting_id, now)
    rsvp = await session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.member_id == member.id)
    )
    if rsvp is None:
        rsvp = Rsvp(
            meeting_id=meeting.id, member_id=member.id, attending=attending, answered_at=now
        )
        session.add(rsvp)
    rsvp.attending = attending
    rsvp.reason = None if attending else reason
    rsvp.answered_at = now
    rsvp.for_starts_at = meeting.starts_at
    await session.flush()
    return meeting


def for_current_time(rsvp: Rsvp, meeting: Meeting) -> bool:
    """Whether an answer was given for the meeting's time as it stands (not before a move)."""
    return rsvp.for_starts_at is None or rsvp.for_starts_at == meeting.starts_at


async def my_rsvp(session: AsyncSession, member_id: int, meeting_id: int) -> Rsvp | None:
    """The member's answer for the meeting, if any (perhaps for its time before a move)."""
    return await session.scalar(
        select(Rsvp).where(Rsvp.meeting_id == meeting_id, Rsvp.member_id == member_id)
    )


async def add_opinion(
    session: AsyncSession, member: Member, meeting_id: int, text: str, now: datetime
) -> None:
    """A member's opinion on the agenda of a coming meeting of their cell."""
    meeting = await _own_upcoming(session, member, meeting_id, now)
    session.add(
        AgendaOpinion(meeting_id=meeting.id, member_id=member.id, text=text, created_at=now)
    )


@dataclass(frozen=True)
class RsvpList:
    """Who said what for a meeting."""

    attending: list[str]
    absent: list[tuple[str, str | None]]  # name, reason
    silent: list[str]  # no answer for the current time (those in `earlier` included)
    earlier: list[tuple[str, bool, datetime]] = field(default_factory=list)
    # name, attending, the time it was for: answers given before the meeting was moved


async def rsvp_list(
    session: AsyncSession, actor: Member, meeting_id: int
) -> tuple[Meeting, RsvpList]:
    """Answers for a meeting, for its cell's leaders; members who owe one are listed too."""
    meeting = await managed_meeting(session, actor, meeting_id)
    answers = {
        r.member_id: r
        for r in await session.scalars(select(Rsvp).where(Rsvp.meeting_id == meeting.id))
    }
    people = await session.scalars(
        select(Member)
        .where(Member.cell_id == meeting.cell_id, Member.status == MemberStatus.ACTIVE)
        .order_by(Member.full_name)
    )
    result = RsvpList([], [], [])
    for person in people:
        answer = answers.get(person.id)
        if answer is None:
            result.silent.append(person.full_name)
        elif not for_current_time(answer, meeting):
            assert answer.for_starts_at is not None
            result.silent.append(person.full_name)
            result.earlier.append((person.full_name, answer.attending, answer.for_starts_at))
        elif answer.attending:
            result.attending.append(person.full_name)
        else:
            result.absent.append((person.full_name, answer.reason))
    return meeting, result


async def opinions(
    session: AsyncSession, actor: Member, meeting_id: int
) -> tuple[Meeting, list[tuple[str, str]]]:
    """(name, opinion) for a meeting, oldest first, for its cell's leaders."""
    meeting = await managed_meeting(session, actor, meeting_id)
    rows = await session.execute(
        select(Member.full_name, AgendaOpinion.text)
        .join(Member, Member.id == AgendaOpinion.member_id)
        .where(AgendaOpinion.meeting_id == meeting.id)
        .order_by(AgendaOpinion.created_at, AgendaOpinion.id)
    )
    return meeting, [(name, text) for name, text in rows]


async def attendance_roll(session: AsyncSession, actor: Member, meeting_id: int) -> list[Member]:
    """Members expected at the meeting (active ones), for recording attendance."""
    meeting = await managed_meeting(session, actor, meeting_id)
    return list(
        await session.scalars(
            select(Member)
            .where(Member.cell_id == meeting.cell_id, Member.status == MemberStatus.ACTIVE)
            .order_by(Member.full_name)
        )
    )


async def record_attendance(
    session: AsyncSession,
    *,
    actor: Member,
    meeting_id: int,
    absent: dict[int, bool],
    spoke: set[int],
    now: datetime,
) -> tuple[int, int, int]:
    """Record everyone on the roll: absent members (True = excused), the rest present; who
    spoke. Recording again replaces the earlier record. Returns (present, absent, spoke)."""
    meeting = await managed_meeting(session, actor, meeting_id)
    if meeting.starts_at > now:
        raise InvalidInputError(N_("Attendance can be recorded once the meeting has begun."))
    roll = await attendance_roll(session, actor, meeting_id)
    existing = {
        a.member_id: a
        for a in await session.scalars(
            select(Attendance).where(Attendance.meeting_id == meeting.id)
        )
    }
    for person in roll:
        status = (
            AttendanceStatus.PRESENT
            if person.id not in absent
            else AttendanceStatus.EXCUSED
            if absent[person.id]
            else AttendanceStatus.UNEXCUSED
        )
        row = existing.get(person.id)
        if row is None:
            row = Attendance(
                meeting_id=meeting.id, member_id=person.id, status=status, recorded_at=now
            )
            session.add(row)
        row.status = status
        row.spoke = person.id in spoke and status is AttendanceStatus.PRESENT
        row.recorded_at = now
        row.recorded_by_id = actor.id
    record_audit(
        session,
        at=now,
        actor_member_id=actor.id,
        action="attendance_recorded",
        subject_type="meeting",
        subject_id=meeting.id,
    )
    present = len(roll) - len([p for p in roll if p.id in absent])
    return (
        present,
        len(roll) - present,
        len([p for p in roll if p.id in spoke and p.id not in absent]),
    )
