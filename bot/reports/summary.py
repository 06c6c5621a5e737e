"""Summaries for secretaries and committees: a fixed number of grouped queries whatever the
number of cells, rolled up district -> commune -> cell (`ScopeSummary.tree`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports import figures as q
from bot.reports.aggregates import (
    CellSummary,
    Figures,
    NextMeeting,
    Node,
    OrgRef,
    TypeRate,
    Week,
    speaking_by_type,
)
from bot.reports.scope import Scope
from bot.reports.snapshots import slow_figures
from bot.services.meetings.rules import add_months
from bot.services.oversight import EXPECTED_TO_REPORT
from models import DeedReport, Meeting, MeetingStatus, Member, Rsvp

QUIET_MONTHS = q.QUIET_MONTHS


def lagging_first(node: Node[Figures]) -> tuple[float, str]:
    """Sort key: the lowest reporting rate first, then by name."""
    return (node.figures.report_rate, node.org.name)


@dataclass(frozen=True)
class ScopeSummary:
    """A month's summary of a scope: the roll-up tree, each cell's summary, the speaking rate
    by cell type."""

    month: date
    tree: Node[Figures]
    cells: tuple[CellSummary, ...]  # by name
    by_type: tuple[TypeRate, ...]
    # households and last meetings read from a snapshot this old (a scope of thousands of
    # cells); None: counted just now
    snapshot_age: timedelta | None = None

    def cell(self, cell_id: int) -> CellSummary:
        """The summary of one cell of the scope."""
        return next(c for c in self.cells if c.cell.id == cell_id)

    def under(self, node: Node[Figures]) -> list[CellSummary]:
        """The summaries of the cells under `node`."""
        ids = {cell.org.id for cell in node.cells()}
        return [c for c in self.cells if c.cell.id in ids]

    def week_of(self, node: Node[Figures]) -> Week:
        """The week's figures of the cells under `node`."""
        return Week.sum_of(cell.week for cell in self.under(node))

    def speaking_of(self, node: Node[Figures]) -> tuple[TypeRate, ...]:
        """The speaking rate by cell type of the cells under `node`."""
        return speaking_by_type((c.cell, c.figures) for c in self.under(node))


async def summarise(
    session: AsyncSession,
    scope: Scope,
    month: date,
    now: datetime,
    *,
    week_start: datetime,
    week_end: datetime | None = None,
    with_names: bool = False,
) -> ScopeSummary:
    """Figures of every cell in `scope` for `month`, and for the week from `week_start`
    (until `week_end`, or now); `with_names` adds who has not reported (for one cell)."""
    months = q.Months(month, month, 1)
    members = await q.headcounts(session, scope)
    deed_counts = await q.deeds(session, scope, months)
    slow = await slow_figures(session, scope, month, now)
    household_counts, last = slow.households, slow.last
    weekly = await q.week(session, scope, week_start, week_end or now, month)
    upcoming = await _next_meetings(session, scope, now)
    names = await _missing_names(session, scope, month) if with_names else {}
    cells = []
    for cell in scope.cells:
        held = last.get(cell.id)
        figures = q.cell_figures(
            cell.id,
            members,
            deed_counts,
            household_counts,
            {cell.id: (1, *held[1:])} if held else {},
            months,
        )
        reporters, deeds = weekly.get(cell.id, (0, 0))
        cells.append(
            CellSummary(
                cell,
                figures,
                Week(reporters, deeds),
                held[0] if held else None,
                upcoming.get(cell.id),
                tuple(names.get(cell.id, ())),
            )
        )
    tree = scope.tree({c.cell.id: c.figures for c in cells}, Figures, lagging_first)
    return ScopeSummary(
        month,
        tree,
        tuple(cells),
        speaking_by_type((c.cell, c.figures) for c in cells),
        # a long digest run's `now` may precede a snapshot taken meanwhile
        max(now - slow.taken_at, timedelta(0)) if slow.taken_at else None,
    )


async def _next_meetings(
    session: AsyncSession, scope: Scope, now: datetime
) -> dict[int, NextMeeting]:
    upcoming = (
        select(Meeting.cell_id, func.min(Meeting.starts_at).label("starts_at"))
        .where(
            scope.cell_filter(Meeting.cell_id),
            Meeting.starts_at > now,
            Meeting.status == MeetingStatus.PLANNED,
        )
        .group_by(Meeting.cell_id)
        .subquery()
    )
    rows = await session.execute(
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
        .outerjoin(
            Rsvp,
            (Rsvp.meeting_id == Meeting.id)
            # answers given before a move are for another time: they do not count
            & (Rsvp.for_starts_at.is_(None) | (Rsvp.for_starts_at == Meeting.starts_at)),
        )
        .where(Meeting.status == MeetingStatus.PLANNED)
        .group_by(Meeting.cell_id, Meeting.starts_at)
    )
    return {
        cell: NextMeeting(starts, int(yes or 0), int(answered or 0) - int(yes or 0))
        for cell, starts, yes, answered in rows
    }


async def _missing_names(session: AsyncSession, scope: Scope, month: date) -> dict[int, list[str]]:
    reported = exists().where(
        DeedReport.member_id == Member.id,
        DeedReport.month == month,
        DeedReport.withdrawn_at.is_(None),
    )
    names: dict[int, list[str]] = {}
    for cell, name in await session.execute(
        select(Member.cell_id, Member.full_name)
        .where(
            scope.cell_filter(Member.cell_id),
            Member.status.in_(EXPECTED_TO_REPORT),
            ~reported,
        )
        .order_by(Member.full_name)
    ):
        names.setdefault(cell, []).append(name)
    return names


async def monthly_rates(
    session: AsyncSession, cell: OrgRef, month: date, count: int = 6
) -> list[tuple[date, float]]:
    """The cell's reporting rate for the `count` months up to `month`, against the members
    expected to report now (one query)."""
    first = add_months(month, -(count - 1))
    expected = await session.scalar(
        select(func.count()).where(
            Member.cell_id == cell.id, Member.status.in_(EXPECTED_TO_REPORT)
        )
    )
    reported = {
        row_month: reporters
        for row_month, reporters in await session.execute(
            select(DeedReport.month, func.count(distinct(DeedReport.member_id)))
            .join(Member, Member.id == DeedReport.member_id)
            .where(
                Member.cell_id == cell.id,
                Member.status.in_(EXPECTED_TO_REPORT),
                DeedReport.withdrawn_at.is_(None),
                DeedReport.month >= first,
                DeedReport.month <= month,
            )
            .group_by(DeedReport.month)
        )
    }
    return [
        (past, reported.get(past, 0) / expected if expected else 1.0)
        for past in (add_months(first, offset) for offset in range(count))
    ]


def week_start(now: datetime, tz: ZoneInfo) -> datetime:
    """Monday 00:00 local of the week containing `now`, as an aware datetime."""
    local = now.astimezone(tz)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return monday


__all__ = ["CellSummary", "ScopeSummary", "lagging_first", "monthly_rates", "summarise"]
