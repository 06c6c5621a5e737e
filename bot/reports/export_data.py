"""What an organisation's report for a period holds, as plain aggregates (`PeriodReport`): the
roll-up of every cell's figures, the speaking rate by cell type, and per cell its members with
their deeds and attendance, and its households with their history. Workbooks and documents
render from it; every query is scoped by the organisation's path, never by a list of ids."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports import export_detail
from bot.reports import figures as q
from bot.reports.aggregates import Figures, Node, OrgRef, TypeRate, speaking_by_type
from bot.reports.export_detail import CellDetail
from bot.reports.scope import Scope, load_scope
from bot.services.meetings.rules import add_months
from models import Organisation

# Above this many cells a workbook has the summary only: a province's 4,000 sheets of members
# would be unreadable and slow; each district's or commune's report has the detail.
MAX_DETAIL_CELLS = 400


@dataclass(frozen=True)
class PeriodReport:
    """An organisation's report for the months [first, last]."""

    org: OrgRef
    first: date
    last: date
    label: str  # "tháng 11/2026", "quý IV/2026", "năm 2026"
    made_at: datetime
    tree: Node[Figures]  # children by name: organisations, then cells
    by_type: tuple[TypeRate, ...]  # over the meetings held in the period
    cells: tuple[CellDetail, ...]  # by name; empty when there are too many (see below)
    detail_left_out: bool = False  # more than MAX_DETAIL_CELLS cells: summary only


def by_name(node: Node[Figures]) -> tuple[bool, str]:
    """Export order: organisations (communes) before cells, each by name."""
    return (node.org.is_cell, node.org.name)


async def period_report(
    session: AsyncSession,
    org: Organisation,
    first: date,
    last: date,
    label: str,
    tz: ZoneInfo,
    now: datetime,
    detail: bool = True,
) -> PeriodReport:
    """The report of `org` (and everything under it) for the months [first, last]; without
    `detail`, the figures only (a committee's summary document lists no members)."""
    scope = await load_scope(session, [org])
    this_month = now.astimezone(tz).date().replace(day=1)
    months = q.Months.of(first, last, this_month)
    figures = await cell_figures(session, scope, months, this_month, tz, now)
    tree = scope.tree(figures, Figures, by_name)
    cells = scope.cells
    left_out = len(cells) > MAX_DETAIL_CELLS
    details = (
        ()
        if left_out or not detail
        else await export_detail.details(session, scope, first, last, tz, now)
    )
    return PeriodReport(
        scope.roots[0],
        first,
        last,
        label,
        now,
        tree,
        speaking_by_type((cell, figures[cell.id]) for cell in cells),
        details,
        left_out,
    )


async def cell_figures(
    session: AsyncSession,
    scope: Scope,
    months: q.Months,
    this_month: date,
    tz: ZoneInfo,
    now: datetime,
) -> dict[int, Figures]:
    """Every cell's figures for `months`: meetings held in them, households and their
    progress as of the period's end (or today), quiet households over its last 3 months."""
    start = datetime.combine(months.first, datetime.min.time(), tz)
    end = min(datetime.combine(add_months(months.last, 1), datetime.min.time(), tz), now)
    as_of_month = min(months.last, this_month)
    as_of_day = min(add_months(months.last, 1) - timedelta(days=1), now.astimezone(tz).date())
    members = await q.headcounts(session, scope)
    deed_counts = await q.deeds(session, scope, months)
    # The current flags for a period that reaches this month; the history for an older one.
    past = months.last < this_month
    household_counts = await q.households(session, scope, as_of_month, as_of_day if past else None)
    meetings = await q.held_meetings(session, scope, start, end)
    return {
        cell.id: q.cell_figures(cell.id, members, deed_counts, household_counts, meetings, months)
        for cell in scope.cells
    }
