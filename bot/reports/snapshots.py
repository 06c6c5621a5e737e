"""The slow figures of large scopes, kept per cell and taken every few minutes.

Three of a summary's figures walk every household assignment and a year of attendance: the
households in the members' charge with their progress flags, those nobody helped for three
months, and each cell's last meeting. For a province (3,990 cells, 449,000 households) that is
about 0.7 s of PostgreSQL's time on two cores, most of a `/tonghop` or a digest. Those figures
change slowly, so a scope of more than SNAPSHOT_CELLS cells reads them from `cell_snapshots`,
which `chibo run` takes every SNAPSHOT_EVERY (a read, then one short transaction per CHUNK
cells), and the summary says how old they are. Smaller scopes, and any cell whose snapshot is
missing or older than SNAPSHOT_STALE (a new cell, a stopped scheduler), are counted live: a
snapshot only ever saves time, it never hides a cell.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import month_start
from bot.core.db import reading
from bot.reports import figures as q
from bot.reports.aggregates import OrgRef, Progress
from bot.reports.scope import Scope
from bot.services.meetings.rules import add_months
from models import CellSnapshot, Organisation, OrgKind

log = logging.getLogger(__name__)

SNAPSHOT_CELLS = 1000  # a scope with more cells than this reads the snapshot
SNAPSHOT_EVERY = timedelta(minutes=10)
SNAPSHOT_STALE = timedelta(minutes=30)  # an older snapshot is not used
CHUNK = 1000  # cells counted and written per transaction

Households = dict[int, tuple[Progress, int]]
LastMeetings = dict[int, tuple[datetime, int, int, int]]


@dataclass(frozen=True)
class Slow:
    """The slow figures of a scope's cells; `taken_at` is when the oldest snapshot used was
    taken (None: all counted just now)."""

    households: Households
    last: LastMeetings
    taken_at: datetime | None = None


async def slow_figures(session: AsyncSession, scope: Scope, month: date, now: datetime) -> Slow:
    """Households and progress, households nobody helped, last meetings of `scope`'s cells for
    `month`: from the snapshot for a large scope, counted live otherwise."""
    if len(scope.cells) <= SNAPSHOT_CELLS:
        return await _live(session, scope, month, now)
    rows = await session.execute(
        select(
            CellSnapshot.cell_id,
            CellSnapshot.taken_at,
            CellSnapshot.households,
            CellSnapshot.sanitary_toilet,
            CellSnapshot.waste_incinerator,
            CellSnapshot.hardened_floor,
            CellSnapshot.quiet,
            CellSnapshot.last_meeting_at,
            CellSnapshot.last_listed,
            CellSnapshot.last_present,
            CellSnapshot.last_spoke,
        ).where(
            scope.cell_filter(CellSnapshot.cell_id),
            CellSnapshot.month == month,
            CellSnapshot.taken_at >= now - SNAPSHOT_STALE,
        )
    )
    households: Households = {}
    last: LastMeetings = {}
    taken: dict[int, datetime] = {}
    for cell, taken_at, count, toilet, incinerator, floor, nobody, held, *attendance in rows:
        taken[cell] = taken_at
        if count:
            households[cell] = (Progress(count, toilet, incinerator, floor), nobody)
        if held is not None:
            last[cell] = (held, *attendance)
    missing = tuple(cell for cell in scope.cells if cell.id not in taken)
    if missing:
        live = await _live(session, Scope(missing, missing), month, now)
        households.update(live.households)
        last.update(live.last)
    return Slow(households, last, min(taken.values()) if taken else None)


async def _live(session: AsyncSession, scope: Scope, month: date, now: datetime) -> Slow:
    return Slow(
        await q.households(session, scope, month), await q.last_meetings(session, scope, now)
    )


async def take_snapshots(
    sessionmaker: async_sessionmaker[AsyncSession], now: datetime, tz: ZoneInfo
) -> int:
    """Take every cell's snapshot for this month and the one before (a committee reads the
    closed month for weeks), when the database has a scope large enough to read them; returns
    how many cells were taken."""
    async with reading(sessionmaker) as session:
        cells = [
            OrgRef(cell_id, "", OrgKind.CELL, "")
            for cell_id in await session.scalars(
                select(Organisation.id)
                .where(Organisation.kind == OrgKind.CELL)
                .order_by(Organisation.id)
            )
        ]
    if len(cells) <= SNAPSHOT_CELLS:
        return 0
    this_month = month_start(now.astimezone(tz).date())
    months = (add_months(this_month, -1), this_month)
    for first in range(0, len(cells), CHUNK):
        chunk = tuple(cells[first : first + CHUNK])
        part = Scope(chunk, chunk)
        async with reading(sessionmaker) as session:  # no write lock held while counting
            progress = await q.assigned(session, part)
            nobody = {month: await q.quiet(session, part, month) for month in months}
            last = await q.last_meetings(session, part, now)
        rows = [
            _row(cell.id, month, now, progress.get(cell.id), nobody[month], last.get(cell.id))
            for cell in chunk
            for month in months
        ]
        async with sessionmaker() as session, session.begin():
            # An upsert, not delete-then-insert: two `chibo run` processes taking the same
            # cells at once must both succeed, and the figures counted last are kept
            # whichever commits last.
            insert = (
                pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
            )
            statement = insert(CellSnapshot)
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[CellSnapshot.cell_id, CellSnapshot.month],
                    set_={
                        name: statement.excluded[name]
                        for name in rows[0]
                        if name not in ("cell_id", "month")
                    },
                    where=CellSnapshot.taken_at <= statement.excluded.taken_at,
                ),
                rows,
            )
    async with sessionmaker() as session, session.begin():  # only two months are ever read
        await session.execute(delete(CellSnapshot).where(CellSnapshot.month < months[0]))
    log.info("snapshots: %d cells taken", len(cells))
    return len(cells)


def _row(
    cell_id: int,
    month: date,
    now: datetime,
    progress: Progress | None,
    nobody: dict[int, int],
    held: tuple[datetime, int, int, int] | None,
) -> dict[str, object]:
    progress = progress or Progress()
    at, listed, present, spoke = held or (None, 0, 0, 0)
    return {
        "cell_id": cell_id,
        "month": month,
        "taken_at": now,
        "households": progress.households,
        "sanitary_toilet": progress.sanitary_toilet,
        "waste_incinerator": progress.waste_incinerator,
        "hardened_floor": progress.hardened_floor,
        "quiet": nobody.get(cell_id, 0),
        "last_meeting_at": at,
        "last_listed": listed,
        "last_present": present,
        "last_spoke": spoke,
    }
