"""Evidence kept against reports after the fact (photos sent later), voice reports a
secretary listens to and confirms, and reports a secretary enters on a member's behalf."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.i18n import N_
from bot.services.audit import record_audit
from bot.services.deeds import own_open_report
from bot.services.errors import AccessDeniedError, NotFoundError
from bot.services.oversight import led_cells
from models import DeedPhoto, DeedReport, EvidenceKind, Household, Member, MemberStatus

NOT_YOUR_CELL = N_("Only the secretary or deputy secretary of the member's cell can do this.")


async def latest_report(
    session: AsyncSession, member_id: int, month: date, since: datetime
) -> DeedReport | None:
    """The member's newest report of `month` made since `since` (not withdrawn)."""
    return await session.scalar(
        select(DeedReport)
        .where(
            DeedReport.member_id == member_id,
            DeedReport.month == month,
            DeedReport.withdrawn_at.is_(None),
            DeedReport.created_at >= since,
        )
        .order_by(DeedReport.created_at.desc(), DeedReport.id.desc())
        .limit(1)
    )


async def add_evidence(
    session: AsyncSession,
    member_id: int,
    report_id: int,
    files: tuple[tuple[str, str, str], ...],
    month: date,
    now: datetime,
) -> int:
    """Keep photos or voice notes ((channel, file reference, kind)) sent after one of the
    member's own reports of `month`; the number of files the report has now."""
    report = await own_open_report(session, member_id, report_id, month)
    for channel, file_ref, kind in files:
        session.add(
            DeedPhoto(
                deed_id=report.id, channel=channel, file_ref=file_ref, kind=EvidenceKind(kind)
            )
        )
    await session.flush()
    record_audit(
        session,
        at=now,
        actor_member_id=member_id,
        action="deed_evidence_added",
        subject_type="deed_report",
        subject_id=report.id,
        files=len(files),
    )
    count = await session.scalar(
        select(func.count()).select_from(DeedPhoto).where(DeedPhoto.deed_id == report.id)
    )
    return count or 0


async def reportable_members(session: AsyncSession, leader_id: int) -> list[Member]:
    """The members a secretary or deputy may report for: the active members of the cells
    they lead (not themselves), by name."""
    cells = [cell.id for cell in await led_cells(session, leader_id)]
    if not cells:
        raise AccessDeniedError(NOT_YOUR_CELL)
    return list(
        await session.scalars(
            select(Member)
            .where(
                Member.cell_id.in_(cells),
                Member.id != leader_id,
                Member.status != MemberStatus.TRANSFERRED_OUT,
            )
            .order_by(Member.full_name, Member.id)
        )
    )


async def require_reportable(session: AsyncSession, leader_id: int, member_id: int) -> Member:
    """The member, if the leader may report for them now (checked again on sending)."""
    member = await session.get(Member, member_id)
    cells = {cell.id for cell in await led_cells(session, leader_id)}
    if member is None or member.cell_id not in cells or member.id == leader_id:
        raise AccessDeniedError(NOT_YOUR_CELL)
    return member


@dataclass(frozen=True)
class VoiceReport:
    """A report of the month with voice notes, as listed to the secretary."""

    id: int
    member: str
    household: str | None
    text: str
    created_at: datetime
    confirmed: bool
    voices: tuple[tuple[str, str, str], ...]  # (channel, file reference, kind)


async def voice_reports(session: AsyncSession, leader_id: int, month: date) -> list[VoiceReport]:
    """The reports of `month` with voice notes in the cells the member leads, those not
    confirmed yet first."""
    cells = [cell.id for cell in await led_cells(session, leader_id)]
    rows = await session.execute(
        select(DeedReport, Member.full_name, Household.head_name)
        .join(Member, Member.id == DeedReport.member_id)
        .outerjoin(Household, Household.id == DeedReport.household_id)
        .where(
            Member.cell_id.in_(cells),
            DeedReport.month == month,
            DeedReport.withdrawn_at.is_(None),
            DeedReport.id.in_(
                select(DeedPhoto.deed_id).where(DeedPhoto.kind != EvidenceKind.PHOTO)
            ),
        )
        .order_by(DeedReport.confirmed_at.is_not(None), DeedReport.created_at)
    )
    found = [(report, name, head) for report, name, head in rows]
    sounds: dict[int, list[tuple[str, str, str]]] = {}
    if found:
        for deed_id, channel, ref, kind in await session.execute(
            select(DeedPhoto.deed_id, DeedPhoto.channel, DeedPhoto.file_ref, DeedPhoto.kind)
            .where(
                DeedPhoto.deed_id.in_([r.id for r, _, _ in found]),
                DeedPhoto.kind != EvidenceKind.PHOTO,
            )
            .order_by(DeedPhoto.id)
        ):
            sounds.setdefault(deed_id, []).append((channel, ref, kind.value))
    return [
        VoiceReport(
            report.id,
            name,
            head,
            report.text,
            report.created_at,
            report.confirmed_at is not None,
            tuple(sounds.get(report.id, ())),
        )
        for report, name, head in found
    ]


async def confirm_report(
    session: AsyncSession, leader_id: int, report_id: int, now: datetime
) -> DeedReport:
    """The secretary has listened to a voice report and confirms it."""
    report = await session.get(DeedReport, report_id)
    member = None if report is None else await session.get(Member, report.member_id)
    cells = {cell.id for cell in await led_cells(session, leader_id)}
    if report is None or member is None or report.withdrawn_at is not None:
        raise NotFoundError(N_("That report is no longer there."))
    if member.cell_id not in cells:
        raise AccessDeniedError(NOT_YOUR_CELL)
    if report.confirmed_at is None:
        report.confirmed_at = now
        report.confirmed_by_member_id = leader_id
        record_audit(
            session,
            at=now,
            actor_member_id=leader_id,
            action="deed_confirmed",
            subject_type="deed_report",
            subject_id=report.id,
        )
    return report


@dataclass(frozen=True)
class EntryCounts:
    """How a scope's reports of a month were made: entered on behalf, told by voice."""

    on_behalf: int
    voice: int
    voice_unconfirmed: int


async def entry_counts(session: AsyncSession, cell_ids: list[int], month: date) -> EntryCounts:
    """Reports of `month` in these cells entered on a member's behalf, and told by voice
    (and of those, not yet confirmed by a secretary)."""
    voiced = select(DeedPhoto.deed_id).where(DeedPhoto.kind != EvidenceKind.PHOTO)
    row = (
        await session.execute(
            select(
                func.count(DeedReport.entered_by_member_id),
                func.count(DeedReport.id).filter(DeedReport.id.in_(voiced)),
                func.count(DeedReport.id).filter(
                    DeedReport.id.in_(voiced), DeedReport.confirmed_at.is_(None)
                ),
            )
            .join(Member, Member.id == DeedReport.member_id)
            .where(
                Member.cell_id.in_(cell_ids),
                DeedReport.month == month,
                DeedReport.withdrawn_at.is_(None),
            )
        )
    ).one()
    return EntryCounts(row[0] or 0, row[1] or 0, row[2] or 0)
