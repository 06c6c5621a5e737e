"""The documents as files: query -> plain contents -> .docx bytes rendered in a worker thread,
each export written to the audit log. What the chat and the command line call."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.core.text import fold
from bot.reports.documents.cell_report import render_cell_report
from bot.reports.documents.committee import render_committee_summary
from bot.reports.documents.minutes import load_minutes, render_minutes
from bot.reports.documents.sources import issuer_of
from bot.reports.documents.yearbook import load_yearbook, render_yearbook
from bot.reports.export_data import period_report
from bot.reports.period import Period
from bot.reports.scope import load_scope
from bot.services.audit import record_audit
from bot.services.errors import InvalidInputError
from bot.services.meetings.calendar import managed_meeting
from bot.services.meetings.rules import add_months
from bot.services.pledges import cell_pledges
from models import MeetingStatus, Member, Organisation, OrgKind

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_YEARBOOK_CELLS = 60  # one page per member: a commune's cells, not a district's


def slug(name: str) -> str:
    """ "Chi bộ bản Nà Lụng" -> "chi-bo-ban-na-lung"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def _audit(
    session: AsyncSession,
    now: datetime,
    actor_id: int | None,
    action: str,
    subject_type: str,
    subject_id: int,
    **details: str | int | None,
) -> None:
    record_audit(
        session,
        at=now,
        actor_member_id=actor_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        format="docx",
        **details,
    )


async def build_minutes(
    session: AsyncSession, meeting_id: int, actor: Member | None, tz: ZoneInfo, now: datetime
) -> tuple[str, bytes]:
    """The draft minutes of a meeting the actor leads (None: the operator)."""
    meeting = await managed_meeting(session, actor, meeting_id)
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvalidInputError(N_("That meeting was cancelled: it has no minutes."))
    if meeting.starts_at > now:
        raise InvalidInputError(N_("The minutes can be drafted once the meeting has begun."))
    minutes = await load_minutes(session, meeting, tz, now)
    _audit(session, now, actor.id if actor else None, "exported_minutes", "meeting", meeting.id)
    content = await asyncio.to_thread(render_minutes, minutes, tz)
    day = meeting.starts_at.astimezone(tz).date()
    return f"bien-ban-{slug(minutes.issuer.name)}-{day:%Y-%m-%d}.docx", content


async def build_report_document(
    session: AsyncSession,
    org: Organisation,
    period: Period,
    tz: ZoneInfo,
    actor_id: int | None,
    now: datetime,
) -> tuple[str, bytes]:
    """A cell's report (for a cell) or a committee's summary (for anything above)."""
    is_cell = org.kind is OrgKind.CELL
    report = await period_report(
        session, org, period.first, period.last, period.label, tz, now, detail=is_cell
    )
    issuer = await issuer_of(session, org)
    _audit(
        session,
        now,
        actor_id,
        "exported",
        "organisation",
        org.id,
        period=period.slug,
        cells=report.tree.figures.cells,
    )
    today = now.astimezone(tz).date()
    if is_cell:
        proposals = tuple(await cell_pledges(session, org.id, add_months(period.last, 1)))
        content = await asyncio.to_thread(render_cell_report, report, issuer, proposals, today, tz)
    else:
        content = await asyncio.to_thread(render_committee_summary, report, issuer, today)
    return f"bao-cao-{slug(org.name) or org.id}-{period.slug}.docx", content


async def build_yearbook(
    session: AsyncSession,
    org: Organisation,
    year: int,
    tz: ZoneInfo,
    actor_id: int | None,
    now: datetime,
) -> tuple[str, bytes]:
    """Every member's year record under `org`, one page each."""
    cells = len((await load_scope(session, [org])).cells)
    if cells > MAX_YEARBOOK_CELLS:
        raise InvalidInputError(
            N_("{org} has {count} cells: make the year records of one commune at a time."),
            org=org.name,
            count=cells,
        )
    book = await load_yearbook(session, org, year, tz, now)
    _audit(session, now, actor_id, "exported_yearbook", "organisation", org.id, year=year)
    content = await asyncio.to_thread(render_yearbook, book, tz)
    return f"so-theo-doi-{slug(org.name) or org.id}-{year}.docx", content
