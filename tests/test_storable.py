"""What a person sends is stored as it is on both databases, or refused before anything is
written: NUL and lone surrogates never reach a table, names never outgrow their column."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.console import parse_line
from bot.core.i18n import translator
from bot.core.messages import InboundMessage
from bot.services.roster.importer import import_roster
from bot.services.roster.report import problems_text
from models import DeedReport, Member
from tests.dialog import Chat, report_deed
from tests.factories import Cell, FakeClock
from tests.roster_files import MEMBER_HEADINGS, MEMBERS, csv_text
from tests.roster_files import roster as read

VI = translator("vi")


async def test_nul_and_overlong_names_are_refused_before_writing(
    cell: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    rows = [
        *MEMBERS,
        [3, "Chi bộ bản Test", "Lò\x00Văn Nul", "0901234567", "", ""],
        [4, "Chi bộ bản Test", "Nguyễn " * 30, "0901234568", "", ""],
    ]
    file = ("dv.csv", csv_text(MEMBER_HEADINGS, rows).encode())
    async with sessionmaker() as session, session.begin():
        plan = await import_roster(
            session,
            roster=read(file),
            actor_member_id=None,
            now=clock.now(),
            today=date(2026, 11, 15),
            note="",
        )
    text = problems_text(VI, plan.problems)
    assert "dòng 4, cột C (Họ và tên): ô này có ký tự không phải chữ (ký tự điều khiển)" in text
    assert "dòng 5, cột C (Họ và tên): “Nguyễn Nguyễn Nguyễn Nguyễn N…” dài quá 120 ký tự" in text
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 2


async def test_a_lone_surrogate_never_reaches_the_report(
    xien: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    assert "Đã ghi nhận" in await report_deed(xien, "1", "Giúp sửa nhà \ud800 cho bà")
    async with sessionmaker() as session:
        report = await session.scalar(select(DeedReport))
    assert report is not None and report.text == "Giúp sửa nhà  cho bà"


def test_every_adapter_gets_storable_text_from_the_message_type() -> None:
    typed = parse_line("xin chào \ud800\x00\x07!\n", "c1", "m\udc00")
    assert typed is not None
    assert typed.text == "xin chào !" and typed.message_id == "m"
    built = InboundMessage(channel="zalo", chat_id="z\ud801", message_id="1", display_name="A\x00")
    assert (built.chat_id, built.display_name) == ("z", "A")
