"""Nothing in an import happens silently: a member moved from another cell is listed and
needs asking for; a cell name with other tone marks than the real one is not taken for it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.services.roster.importer import check_roster, import_roster
from bot.services.roster.report import plan_text, problems_text
from models import Assignment, Member, Organisation, OrgKind
from tests import factories
from tests.factories import Cell, FakeClock
from tests.roster_files import MEMBERS, Rows, cell_workbook, workbook
from tests.roster_files import roster as read

VI = translator("vi")
TODAY = date(2026, 11, 15)


async def _other_cell(sessionmaker: async_sessionmaker[AsyncSession], cell: Cell) -> int:
    async with sessionmaker() as session, session.begin():
        commune = await session.get(Organisation, cell.commune_id)
        other = await factories.org(session, "Chi bộ bản Nà Lụng", OrgKind.CELL, commune)
        return other.id


async def test_moving_a_member_of_another_cell_is_listed_and_needs_the_flag(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    other = await _other_cell(sessionmaker, cell)
    moved: Rows = [MEMBERS[0], [2, "Nà Lụng", "Hà Thị Mai", "0987654321", "chính thức", ""]]
    file = ("ds.xlsx", workbook(moved))  # members only: households keep their cell
    async with sessionmaker() as session:
        preview = await check_roster(session, read(file))
    text = plan_text(VI, preview, applied=False)
    assert "Chuyển sang chi bộ khác (1): Hà Thị Mai: Chi bộ bản Test → Chi bộ bản Nà Lụng" in text
    async with sessionmaker() as session, session.begin():
        refused = await import_roster(
            session, roster=read(file), actor_member_id=None, now=clock.now(), today=TODAY, note=""
        )
    assert "--move-members" in problems_text(VI, refused.problems)
    async with sessionmaker() as session:
        mai = await session.get(Member, cell.members["mai"])
        assert mai is not None and mai.cell_id == cell.cell_id  # nothing moved
    async with sessionmaker() as session, session.begin():
        done = await import_roster(
            session,
            roster=read(file, allow_moves=True),
            actor_member_id=None,
            now=clock.now(),
            today=TODAY,
            note="",
        )
    assert not done.problems
    async with sessionmaker() as session:
        mai = await session.get(Member, cell.members["mai"])
        assert mai is not None and mai.cell_id == other
        # Her households stay hers: the list said nothing of them.
        held = await session.scalars(
            select(Assignment.household_id).where(
                Assignment.member_id == mai.id, Assignment.ended_on.is_(None)
            )
        )
        assert len(list(held)) == 2


async def test_a_cell_name_with_other_tone_marks_is_not_taken_for_it(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await _other_cell(sessionmaker, cell)
    newcomer: list[object] = [3, "Nà Lũng", "Nguyễn Văn Đức", "0901234567", "", ""]
    async with sessionmaker() as session:
        plan = await check_roster(
            session, read(("ds.xlsx", cell_workbook(members=[*MEMBERS, newcomer])))
        )
    assert problems_text(VI, plan.problems).endswith(
        "không có chi bộ hay tổ chức nào tên “Nà Lũng”: Chi bộ bản Nà Lụng khác ở dấu thanh. "
        "Đồng chí ghi đúng tên, hoặc ghi không dấu."
    )
    for spelled in ("Na Lung", "nà lụng", "CHI BỘ BẢN NÀ LỤNG"):
        newcomer[1] = spelled
        async with sessionmaker() as session:
            plan = await check_roster(
                session, read(("ds.xlsx", cell_workbook(members=[*MEMBERS, newcomer])))
            )
        assert not plan.problems, spelled
        assert "Đảng viên mới (1): Nguyễn Văn Đức" in plan_text(VI, plan, applied=False)
