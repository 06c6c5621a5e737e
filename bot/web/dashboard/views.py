"""What each dashboard page shows, read through bot/reports (the same summaries, figures
and report details as /tonghop and the workbooks) for the part of the viewer's scope asked
for. A page outside the scope is None: the routes answer 404, the same as for an id that
does not exist."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.reports import figures as q
from bot.reports.aggregates import CellSummary, Figures, Node
from bot.reports.digest import leader_scope
from bot.reports.export_detail import CellDetail, MemberLine, details
from bot.reports.quiet import QuietHousehold, quiet_households
from bot.reports.scope import Scope
from bot.reports.summary import ScopeSummary, summarise, week_start
from bot.services.meetings.rules import add_months
from models import Member

HISTORY_MONTHS = 12


@dataclass(frozen=True)
class Line:
    """One organisation's reporting rate over the months of a chart."""

    org_id: int
    name: str
    rates: tuple[float, ...]


@dataclass(frozen=True)
class OrgPage:
    """An organisation of the scope (or the whole scope): its month and its history."""

    scope: Scope  # the viewer's whole scope (for the way back)
    summary: ScopeSummary
    node: Node[Figures]
    months: tuple[date, ...]
    lines: tuple[Line, ...]  # its children's (or its own, for a cell) last 12 months
    detail: CellDetail | None  # a cell's members this month
    quiet: tuple[QuietHousehold, ...]  # a cell's households nobody helped for 3 months

    @property
    def cells(self) -> list[CellSummary]:
        """The cells on the page, lagging first."""
        return sorted(self.summary.cells, key=lambda c: (c.report_rate, c.name))


@dataclass(frozen=True)
class MemberPage:
    """A member's year: deeds per month, meetings, households helped."""

    scope: Scope
    cell: Node[Figures]
    member: MemberLine
    months: tuple[date, ...]
    meetings: int  # held in the cell this year


async def viewer_scope(session: AsyncSession, member_id: int) -> Scope:
    """What the viewer may see: everything under the organisations where they hold a role
    (a secretary: their cell; a committee member: their whole subtree, not only the cells
    they follow; others: nothing)."""
    return await leader_scope(session, member_id, whole=True)


class PastCounts:
    """The months before this one change little (a late report, a status change): a
    dashboard keeps their counts for `seconds`, so drilling down and coming back costs one
    month's query instead of a year's. At most `kept` scopes, the oldest dropped first."""

    def __init__(self, seconds: float = 600.0, kept: int = 256) -> None:
        self.seconds = seconds
        self.kept = kept
        self._counts: dict[tuple[tuple[int, ...], date], tuple[float, dict[Any, int]]] = {}

    async def get(
        self, session: AsyncSession, part: Scope, first: date, last: date
    ) -> dict[tuple[int, date], int]:
        """Reporters per (cell, month) of [first, last], kept or queried."""
        key = (tuple(sorted(cell.id for cell in part.cells)), last)
        found = self._counts.get(key)
        if found is not None and time.monotonic() - found[0] < self.seconds:
            return found[1]
        counts = await q.monthly_reporters(session, part, first, last)
        self._counts.pop(key, None)
        self._counts[key] = (time.monotonic(), counts)
        while len(self._counts) > self.kept:
            del self._counts[next(iter(self._counts))]
        return counts


async def history(
    session: AsyncSession,
    part: Scope,
    node: Node[Figures],
    month: date,
    past: PastCounts | None = None,
) -> tuple[tuple[date, ...], tuple[Line, ...]]:
    """The reporting rate of each child of `node` (of the cell itself) for the 12 months to
    `month`, against the members expected to report now (this month's counts queried, the
    11 before by `past` if given)."""
    months = tuple(add_months(month, offset - HISTORY_MONTHS + 1) for offset in range(12))
    expected = {
        cell: count.expected for cell, count in (await q.headcounts(session, part)).items()
    }
    counts = {
        **await (past or PastCounts()).get(session, part, months[0], months[-2]),
        **await q.monthly_reporters(session, part, month, month),
    }
    reported = [
        {cell: count for (cell, at), count in counts.items() if at == one} for one in months
    ]
    groups = [node] if node.org.is_cell else list(node.children)
    lines = []
    for group in groups:
        ids = [cell.org.id for cell in group.cells()]
        owed = sum(expected.get(cell, 0) for cell in ids)
        rates = tuple(
            (sum(done.get(cell, 0) for cell in ids) / owed) if owed else 1.0 for done in reported
        )
        lines.append(Line(group.org.id, group.org.name, rates))
    return months, tuple(lines)


async def org_page(
    session: AsyncSession,
    scope: Scope,
    org_id: int | None,
    month: date,
    now: datetime,
    tz: ZoneInfo,
    past: PastCounts | None = None,
) -> OrgPage | None:
    """The page of `org_id` (the whole scope if None), or None if it is not in scope."""
    part = scope.narrow(org_id) if org_id is not None else scope
    if part is None or not part.cells:
        return None
    single = part.root.is_cell
    summary = await summarise(
        session, part, month, now, week_start=week_start(now, tz), with_names=single
    )
    months, lines = await history(session, part, summary.tree, month, past)
    detail = None
    quiet: tuple[QuietHousehold, ...] = ()
    if single:
        found = await details(session, part, month, month, tz, now)
        detail = found[0] if found else None
        quiet = await quiet_households(session, part.root.id, month)
    return OrgPage(scope, summary, summary.tree, months, lines, detail, quiet)


async def member_page(
    session: AsyncSession, scope: Scope, member_id: int, month: date, now: datetime, tz: ZoneInfo
) -> MemberPage | None:
    """A member's year to `month`, or None if their cell is not in scope."""
    cell_id = await session.scalar(select(Member.cell_id).where(Member.id == member_id))
    if cell_id is None or cell_id not in {cell.id for cell in scope.cells}:
        return None
    part = scope.narrow(cell_id)
    assert part is not None
    first = month.replace(month=1)
    found = await details(session, part, first, month, tz, now)
    if not found:
        return None
    member = next((line for line in found[0].members if line.id == member_id), None)
    if member is None:
        return None
    months = tuple(add_months(first, offset) for offset in range(month.month))
    node = Node(part.root, Figures())
    return MemberPage(scope, node, member, months, len(found[0].meetings))
