"""The cell calendar: schedules, meetings, RSVPs, agenda opinions, attendance, reminders."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.org import enum_column


class MeetingKind(StrEnum):
    """Why a meeting is held."""

    MONTHLY = "monthly"  # sinh hoạt chi bộ thường kỳ
    THEMATIC = "thematic"  # sinh hoạt chuyên đề, once a quarter
    EXTRA = "extra"  # added by the secretary


class MeetingStatus(StrEnum):
    """A meeting is planned or cancelled; moving it keeps it planned (with `moved` set)."""

    PLANNED = "planned"
    CANCELLED = "cancelled"


class AttendanceStatus(StrEnum):
    """How a member stood at a meeting."""

    PRESENT = "present"
    EXCUSED = "excused"  # vắng có lý do
    UNEXCUSED = "unexcused"  # vắng không lý do


class ReminderStatus(StrEnum):
    """A planned reminder: pending -> sent | missed (too late after downtime) | cancelled."""

    PENDING = "pending"
    SENT = "sent"
    MISSED = "missed"
    CANCELLED = "cancelled"


class CellSchedule(Base):
    """A cell's rules: the monthly meeting on `monthly_day` (past the month's end: its last
    day) at `monthly_time`; the thematic one in `thematic_month` (1-3) of each quarter; when
    reminders and good-deed nudges go out (`nudge_days`: 20 = the 20th, -3 = third-to-last)."""

    __tablename__ = "cell_schedules"

    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    monthly_day: Mapped[int]
    monthly_time: Mapped[time] = mapped_column(Time)
    thematic_month: Mapped[int | None]
    thematic_day: Mapped[int | None]
    thematic_time: Mapped[time | None] = mapped_column(Time)
    notice_days: Mapped[int] = mapped_column(default=3)
    remind_day_before: Mapped[bool] = mapped_column(default=True)
    remind_morning: Mapped[bool] = mapped_column(default=True)
    reminder_time: Mapped[time] = mapped_column(Time, default=time(8, 0))
    morning_time: Mapped[time] = mapped_column(Time, default=time(7, 0))
    nudge_days: Mapped[list[Any]] = mapped_column(default=lambda: [20, -3])
    nudge_working_away: Mapped[bool] = mapped_column(default=True)
    nudge_exempt: Mapped[bool] = mapped_column(default=False)
    place: Mapped[str | None] = mapped_column(String(200))  # of regular meetings (địa điểm)
    updated_at: Mapped[datetime]


class Meeting(Base):
    """One occurrence. (`cell_id`, `kind`, `period`) is unique: "2026-11" for the monthly
    meeting of November, so planning twice adds nothing."""

    __tablename__ = "meetings"
    __table_args__ = (
        UniqueConstraint("cell_id", "kind", "period"),
        Index("ix_meetings_cell_starts", "cell_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, 16))
    period: Mapped[str] = mapped_column(String(40))
    starts_at: Mapped[datetime]
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus, 16))
    moved: Mapped[bool] = mapped_column(default=False)
    agenda: Mapped[str | None] = mapped_column(Text)
    place: Mapped[str | None] = mapped_column(String(200))  # địa điểm; None: not said yet
    created_at: Mapped[datetime]


class Rsvp(Base):
    """A member's answer to "will you attend?"; the latest answer counts, and only for the
    time it was given for (`for_starts_at`): after a move the member is asked again."""

    __tablename__ = "rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    attending: Mapped[bool]
    reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime]
    for_starts_at: Mapped[datetime | None]


class AgendaOpinion(Base):
    """What a member wants to say about the agenda before the meeting."""

    __tablename__ = "agenda_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class Attendance(Base):
    """Who came and who spoke, recorded by the secretary after the meeting."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus, 16))
    spoke: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))


class ScheduledReminder(Base):
    """One reminder to send at `due_at` (UTC). `cause` ("meeting:12:notice",
    "nudge:5:2026-11:20") is unique and becomes the outbox cause, so a reminder goes out once
    however many processes look at it."""

    __tablename__ = "scheduled_reminders"
    __table_args__ = (Index("ix_scheduled_reminders_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cause: Mapped[str] = mapped_column(String(64), unique=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    kind: Mapped[str] = mapped_column(String(16))  # notice, day_before, morning, nudge
    due_at: Mapped[datetime]
    status: Mapped[ReminderStatus] = mapped_column(enum_column(ReminderStatus, 16))
    processed_at: Mapped[datetime | None]
