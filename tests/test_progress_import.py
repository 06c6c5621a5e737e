"""Household progress by import: the households sheet's toilet, incinerator and floor columns."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import translator
from bot.services.roster.importer import import_roster
from bot.services.roster.plan import ImportPlan
from bot.services.roster.report import problems_text
from models import Household, HouseholdProgress
from tests.factories import Cell, FakeClock
from tests.roster_files import HOUSEHOLD_HEADINGS, HOUSEHOLDS, roster

TODAY = date(2026, 11, 15)
FLAGS = ["Nhà tiêu hợp vệ sinh", "Lò đốt rác", "Nền nhà cứng"]


def _book(progress: dict[str, list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Hộ gia đình"
    sheet.append([*HOUSEHOLD_HEADINGS, *FLAGS])
    for row in HOUSEHOLDS:
        sheet.append([*row, *progress.get(str(row[0]), ["", "", ""])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _import(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, content: bytes
) -> ImportPlan:
    file = roster(("ho.xlsx", content), today=TODAY)
    async with sessionmaker() as session, session.begin():
        return await import_roster(
            session, roster=file, actor_member_id=None, now=clock.now(), today=TODAY, note=""
        )


async def _recorded(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> list[tuple[str, str, bool, date]]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Household.code, HouseholdProgress)
            .join(HouseholdProgress, HouseholdProgress.household_id == Household.id)
            .order_by(HouseholdProgress.id)
        )
        return [(code, p.flag.value, p.achieved, p.changed_on) for code, p in rows]


async def test_progress_columns_record_flags_with_their_dates_once(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    content = _book(
        {
            "PK-01": ["có", datetime(2026, 10, 15), ""],  # a real date cell, as Excel keeps it
            "PK-02": ["x", "không", "15/09/2026"],
        }
    )
    plan = await _import(sessionmaker, clock, content)
    assert not plan.problems
    assert await _recorded(sessionmaker) == [
        ("PK-01", "sanitary_toilet", True, TODAY),
        ("PK-01", "waste_incinerator", True, date(2026, 10, 15)),
        ("PK-02", "sanitary_toilet", True, TODAY),
        ("PK-02", "waste_incinerator", False, TODAY),
        ("PK-02", "hardened_floor", True, date(2026, 9, 15)),
    ]
    again = await _import(sessionmaker, clock, content)  # the same file: nothing new
    assert not again.problems and len(await _recorded(sessionmaker)) == 5
    later = _book({"PK-01": ["không", "", ""]})  # the toilet broke down: recorded, dated
    await _import(sessionmaker, clock, later)
    assert (await _recorded(sessionmaker))[-1] == ("PK-01", "sanitary_toilet", False, TODAY)


async def test_unreadable_or_impossible_progress_is_a_problem_and_nothing_is_written(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    plan = await _import(
        sessionmaker,
        clock,
        _book({"PK-01": ["có lẽ", "20/12/2026", ""], "PK-03": ["", "", "31/02/2026"]}),
    )
    text = problems_text(translator("vi"), plan.problems)
    assert "“có lẽ” không phải" in text
    assert "Ngày không được ở tương lai." in text
    assert "“31/02/2026” không phải" in text
    assert await _recorded(sessionmaker) == []
