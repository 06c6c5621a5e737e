"""Nothing planted: text a person typed goes into every workbook chibo writes as text, never
as a formula Excel would run (OWASP's leading = + - @ tab and carriage return)."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.reports.export import build_report
from bot.reports.invite_sheet import InviteLine, invites_workbook
from bot.reports.period import parse_period
from bot.services.roster.importer import import_roster
from models import Organisation
from tests.dialog import Chat, report_deed
from tests.factories import Cell, FakeClock
from tests.roster_files import (
    HOUSEHOLD_HEADINGS,
    HOUSEHOLDS,
    MEMBER_HEADINGS,
    MEMBERS,
    Rows,
    csv_text,
)
from tests.roster_files import roster as read

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PLANTED = [
    '=HYPERLINK("http://example.invalid/x","Bấm")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
]


def _formulas(content: bytes) -> list[str]:
    """Every formula element in the workbook's sheets."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    return [
        name
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
    ]


def _texts(content: bytes) -> dict[str, tuple[str, bool]]:
    """Each text cell's value -> (data type, quote prefix), over every sheet."""
    book = load_workbook(io.BytesIO(content))
    return {
        str(cell.value): (cell.data_type, bool(cell.quotePrefix))
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


async def test_planted_names_and_deeds_are_text_in_the_committees_report(
    xien: Chat,
    cell: Cell,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    members: Rows = [
        [1, "Chi bộ bản Test", PLANTED[0], "0912 345 678", "chính thức", ""],
        MEMBERS[1],
        [3, "Chi bộ bản Test", PLANTED[1], "0901234567", "", ""],
    ]
    households: Rows = [[*HOUSEHOLDS[0][:1], PLANTED[3], *HOUSEHOLDS[0][2:]], *HOUSEHOLDS[1:]]
    # CSV: a workbook cell typed "=..." is a formula already, and comes back as its value.
    files = (
        ("dv.csv", csv_text(MEMBER_HEADINGS, members).encode()),
        ("ho.csv", csv_text(HOUSEHOLD_HEADINGS, households).encode()),
    )
    async with sessionmaker() as session, session.begin():
        plan = await import_roster(
            session,
            roster=read(*files),
            actor_member_id=None,
            now=clock.now(),
            today=date(2026, 11, 15),
            note="",
        )
    assert not plan.problems
    assert "Đã ghi nhận" in await report_deed(xien, "1", PLANTED[4])
    async with sessionmaker() as session:
        org = await session.get(Organisation, cell.commune_id)
        assert org is not None
        _, content = await build_report(
            session, org, parse_period("2026-11"), HANOI, None, clock.now()
        )
    assert _formulas(content) == []
    texts = _texts(content)
    for planted in (PLANTED[0], PLANTED[1], PLANTED[3]):
        assert texts[planted] == ("s", True), planted
    assert any(PLANTED[4] in value for value in texts)  # the deed, after its date


def test_the_invite_sheet_writes_names_as_text() -> None:
    line = InviteLine(
        PLANTED[1], "Chi bộ Test", "ABC234", "https://t.me/x?start=A", date(2026, 12, 1)
    )
    content = invites_workbook("=1+1", "x", [line])
    assert _formulas(content) == []
    assert _texts(content)[PLANTED[1]] == ("s", True)
