"""Good-deed reports and monthly pledges: record, edit, withdraw, list — own data only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import cast

from sqlalchemy import Table, and_, bindparam, exists, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.db import execute_core
from bot.core.i18n import N_
from bot.services.audit import record_audit, write_audit
from bot.services.batch_reads import change_read, read_together
from bot.services.errors import AccessDeniedError, InvalidInputError, NotFoundError
from bot.services.households import NOT_YOURS, HouseholdRef, own_household
from models import (
    Assignment,
    Attendance,
    AttendanceStatus,
    DeedCategory,
    DeedPhoto,
    DeedReport,
    EvidenceKind,
    Household,
    Meeting,
)


@dataclass(frozen=True)
class DeedDraft:
    """A report as the member composed it in chat."""

    month: date
    household_id: int | None
    category: DeedCategory
    text: str  # may be empty when a voice note tells the deed
    photos: tuple[tuple[str, str], ...] = ()  # (channel, file reference)
    voices: tuple[tuple[str, str, str], ...] = ()  # (channel, file reference, kind)
    entered_by: int | None = None  # a secretary or deputy entering it on the member's behalf


@dataclass(frozen=True)
class DeedView:
    """A report as shown back to its author."""

    id: int
    month: date
    household_id: int | None
    household_label: str | None
    category: DeedCategory
    text: str
    photo_count: int
    created_at: datetime
    edited_at: datetime | None
    voice_count: int = 0


_EMPTY_DEED = N_("Please write a few words about the good deed.")


def require_text(
    text: str, limit: int, empty_message: str = _EMPTY_DEED, empty: bool = False
) -> str:
    """The text stripped; refused when empty (unless `empty` may be) or over `limit`."""
    text = text.strip()
    if not text and not empty:
        raise InvalidInputError(empty_message)
    if len(text) > limit:
        raise InvalidInputError(
            N_("That text is {length} characters long; please keep it under {limit}."),
            length=len(text),
            limit=limit,
        )
    return text


@dataclass(frozen=True)
class RecordedDeed:
    """A report just stored, and how many the member now has for its month."""

    id: int
    month_count: int


# A report is stored in three statements, each built once (building one costs SQLAlchemy
# more than running it): the household check with the month's count so far, the report,
# its audit entry.
_LIVE_IN_MONTH = and_(
    DeedReport.member_id == bindparam("member_id"),
    DeedReport.month == bindparam("month"),
    DeedReport.withdrawn_at.is_(None),
)
_COUNT = select(func.count()).select_from(DeedReport).where(_LIVE_IN_MONTH)
_COUNT_AND_OWN = select(
    _COUNT.scalar_subquery(),
    exists().where(
        Assignment.household_id == bindparam("household_id"),
        Assignment.member_id == bindparam("member_id"),
        Assignment.ended_on.is_(None),
    ),
)
# The month's counts of a batch's members, read together (bot/services/batch_reads.py).
_COUNTS = (
    select(DeedReport.member_id, func.count())
    .where(
        DeedReport.member_id.in_(bindparam("member_ids", expanding=True)),
        DeedReport.month == bindparam("month"),
        DeedReport.withdrawn_at.is_(None),
    )
    .group_by(DeedReport.member_id)
)
_REPORTS = cast(Table, DeedReport.__table__)
_INSERT = insert(_REPORTS).returning(_REPORTS.c.id)


async def record_deed(
    session: AsyncSession,
    *,
    member_id: int,
    draft: DeedDraft,
    source_key: str,
    now: datetime,
    max_length: int,
) -> RecordedDeed:
    """Store the report (refused unless its household is the member's now). `source_key`
    (the message that confirmed it) is unique, so storing the same message twice fails with
    IntegrityError instead of making a second report. A voice note may stand for the
    description."""
    text = require_text(draft.text, max_length, empty=bool(draft.voices))
    keys = {"member_id": member_id, "month": draft.month}
    together = await _counted_together(session, member_id, draft.month)
    if together is not None:  # a batch: its households and counts are read once for all
        before = together
        if draft.household_id is not None and not await own_household(
            session, member_id, draft.household_id
        ):
            raise AccessDeniedError(NOT_YOURS)
    elif draft.household_id is None:
        before = (await execute_core(session, _COUNT, keys)).scalar() or 0
    else:
        checked = await execute_core(
            session, _COUNT_AND_OWN, {**keys, "household_id": draft.household_id}
        )
        before, own = checked.one()
        if not own:
            raise AccessDeniedError(NOT_YOURS)
    report_id: int = (
        await execute_core(
            session,
            _INSERT,
            {
                "member_id": member_id,
                "month": draft.month,
                "household_id": draft.household_id,
                "category": draft.category,
                "text": text,
                "source_key": source_key,
                "created_at": now,
                "entered_by_member_id": draft.entered_by,
            },
        )
    ).scalar_one()
    # Stored past the ORM: the batch's count kept true, not read again.
    change_read(session, ("month count", draft.month), member_id, lambda count: count + 1)
    for channel, file_ref in draft.photos:
        session.add(DeedPhoto(deed_id=report_id, channel=channel, file_ref=file_ref))
    for channel, file_ref, kind in draft.voices:
        session.add(
            DeedPhoto(
                deed_id=report_id, channel=channel, file_ref=file_ref, kind=EvidenceKind(kind)
            )
        )
    on_behalf = draft.entered_by is not None
    await write_audit(
        session,
        at=now,
        actor_member_id=draft.entered_by if on_behalf else member_id,
        action="deed_reported_on_behalf" if on_behalf else "deed_reported",
        subject_type="deed_report",
        subject_id=report_id,
        household_id=draft.household_id,
        **({"member_id": member_id} if on_behalf else {}),
    )
    return RecordedDeed(report_id, int(before) + 1)


async def own_open_report(
    session: AsyncSession, member_id: int, report_id: int, month: date
) -> DeedReport:
    report = await session.get(DeedReport, report_id)
    if (
        report is None
        or report.member_id != member_id
        or report.withdrawn_at is not None
        or report.month != month
    ):
        raise NotFoundError(
            N_("That report cannot be changed: only your own reports of this month can.")
        )
    return report


async def edit_deed(
    session: AsyncSession,
    *,
    member_id: int,
    report_id: int,
    text: str,
    month: date,
    now: datetime,
    max_length: int,
) -> DeedReport:
    """Replace the description of one of the member's reports of `month`."""
    report = await own_open_report(session, member_id, report_id, month)
    report.text = require_text(text, max_length)
    report.edited_at = now
    record_audit(
        session,
        at=now,
        actor_member_id=member_id,
        action="deed_edited",
        subject_type="deed_report",
        subject_id=report.id,
    )
    return report


async def withdraw_deed(
    session: AsyncSession, member_id: int, report_id: int, month: date, now: datetime
) -> DeedReport:
    """Withdraw one of the member's reports of `month` (the row stays, marked withdrawn)."""
    report = await own_open_report(session, member_id, report_id, month)
    report.withdrawn_at = now
    record_audit(
        session,
        at=now,
        actor_member_id=member_id,
        action="deed_withdrawn",
        subject_type="deed_report",
        subject_id=report.id,
    )
    return report


async def month_reports(session: AsyncSession, member_id: int, month: date) -> list[DeedView]:
    """The member's reports of `month` that are not withdrawn, oldest first."""
    rows = await session.execute(
        select(DeedReport, Household)
        .outerjoin(Household, Household.id == DeedReport.household_id)
        .where(
            DeedReport.member_id == member_id,
            DeedReport.month == month,
            DeedReport.withdrawn_at.is_(None),
        )
        .order_by(DeedReport.created_at, DeedReport.id)
    )
    pairs = [(report, household) for report, household in rows]
    photo_counts: dict[int, int] = {}
    voice_counts: dict[int, int] = {}
    if pairs:
        for deed_id, kind in await session.execute(
            select(DeedPhoto.deed_id, DeedPhoto.kind).where(
                DeedPhoto.deed_id.in_([r.id for r, _ in pairs])
            )
        ):
            counts = photo_counts if kind is EvidenceKind.PHOTO else voice_counts
            counts[deed_id] = counts.get(deed_id, 0) + 1
    return [
        DeedView(
            id=report.id,
            month=report.month,
            household_id=report.household_id,
            household_label=None if household is None else household_label(household),
            category=report.category,
            text=report.text,
            photo_count=photo_counts.get(report.id, 0),
            created_at=report.created_at,
            edited_at=report.edited_at,
            voice_count=voice_counts.get(report.id, 0),
        )
        for report, household in pairs
    ]


async def count_month_reports(session: AsyncSession, member_id: int, month: date) -> int:
    """How many reports the member has for `month`, withdrawn ones not counted."""
    together = await _counted_together(session, member_id, month)
    if together is not None:
        return together
    counted = await execute_core(session, _COUNT, {"member_id": member_id, "month": month})
    return counted.scalar() or 0


async def _counted_together(session: AsyncSession, member_id: int, month: date) -> int | None:
    """The member's live reports for `month` from one count of the batch's members."""

    async def count_all(member_ids: list[int]) -> dict[int, int]:
        rows = await execute_core(session, _COUNTS, {"member_ids": member_ids, "month": month})
        counted = {member: 0 for member in member_ids}
        counted.update((member, count) for member, count in rows)
        return counted

    return await read_together(session, ("month count", month), member_id, count_all)


def household_label(household: Household | HouseholdRef) -> str:
    """How a household is named in chat: head of household and code."""
    return f"{household.head_name} ({household.code})"


@dataclass(frozen=True)
class MemberYear:
    """A member's year: the evidence for the year-end rating."""

    deeds_by_month: dict[int, int]  # month number -> deeds
    households_helped: int
    meetings_present: int
    meetings_recorded: int


async def member_year(
    session: AsyncSession, member_id: int, year: int, tz: tzinfo = UTC
) -> MemberYear:
    """Deeds per month, households helped and meetings attended in `year` (three queries)."""
    first, last = date(year, 1, 1), date(year, 12, 1)
    live = (
        DeedReport.member_id == member_id,
        DeedReport.month >= first,
        DeedReport.month <= last,
        DeedReport.withdrawn_at.is_(None),
    )
    by_month = {
        month.month: count
        for month, count in await session.execute(
            select(DeedReport.month, func.count()).where(*live).group_by(DeedReport.month)
        )
    }
    helped = await session.scalar(
        select(func.count(func.distinct(DeedReport.household_id))).where(
            *live, DeedReport.household_id.is_not(None)
        )
    )
    rows = (
        await session.execute(
            select(Attendance.status)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(
                Attendance.member_id == member_id,
                Meeting.starts_at >= datetime(year, 1, 1, tzinfo=tz),
                Meeting.starts_at < datetime(year + 1, 1, 1, tzinfo=tz),
            )
        )
    ).all()
    present = sum(1 for (status,) in rows if status is AttendanceStatus.PRESENT)
    return MemberYear(by_month, helped or 0, present, len(rows))
