"""The right period: one parser for months, quarters and years on the command line and in
chat; the month just closed one tap away (and shown by default on the 1st-3rd); the first
digest of a month carrying the closed month's final figures. Every date comes from a clock
the test sets, at month and year boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.scheduler import digest_tick
from bot.core.config import Settings
from bot.dispatcher.dispatch import Dispatcher
from bot.reports.period import Period, PeriodKind, parse_period, read_period
from bot.services.errors import InvalidInputError
from models import OutboxMessage
from tests import factories
from tests.cli import chibo
from tests.dialog import Chat, report_deed
from tests.factories import Cell, FakeClock

NOVEMBER = date(2026, 11, 1)
JANUARY = date(2027, 1, 1)


def hanoi(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """`hour` o'clock in Hà Nội (UTC+7) on that day."""
    return datetime(year, month, day, hour - 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("11/2026", "2026-11"),
        ("2026-11", "2026-11"),
        ("1/2026", "2026-01"),
        ("tháng 11/2026", "2026-11"),
        ("Thang 11 / 2026", "2026-11"),
        ("Q4/2026", "2026-Q4"),
        ("2026-Q4", "2026-Q4"),
        ("2026-q4", "2026-Q4"),
        ("quý 4/2026", "2026-Q4"),
        ("quý IV năm 2026", "2026-Q4"),
        ("2026", "2026"),
        ("năm 2026", "2026"),
    ],
)
def test_every_written_form_names_its_period(typed: str, slug: str) -> None:
    assert parse_period(typed).slug == slug
    assert parse_period(typed, NOVEMBER).slug == slug


@pytest.mark.parametrize("typed", ["13/2026", "2026-13", "Q5/2026", "0/2026", "11-2026x", "", "x"])
def test_what_names_no_period_is_refused_in_one_line(typed: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_period(typed, NOVEMBER)
    assert "\n" not in refused.value.message


def test_relative_periods_across_the_new_year() -> None:
    """On a January day, last month is December of the year before, and a month or quarter
    named without a year is the latest that has begun."""
    assert read_period("tháng trước", JANUARY) == Period.month(2026, 12)
    assert read_period("thang nay", JANUARY) == Period.month(2027, 1)
    assert read_period("quý trước", JANUARY) == Period.quarter(2026, 4)
    assert read_period("năm trước", JANUARY) == Period.year(2026)
    assert read_period("tháng 12", JANUARY) == Period.month(2026, 12)
    assert read_period("tháng 1", JANUARY) == Period.month(2027, 1)
    assert read_period("quý 4", JANUARY) == Period.quarter(2026, 4)
    assert read_period("tháng trước") is None  # no clock, no relative words
    december = Period.of_month(date(2026, 12, 1), PeriodKind.QUARTER)
    assert (december.first, december.last, december.label) == (
        date(2026, 10, 1),
        date(2026, 12, 1),
        "quý IV/2026",
    )


def test_a_period_that_has_not_begun_is_refused() -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_period("1/2027", date(2026, 12, 1))
    assert refused.value.params == {"period": "tháng 01/2027"}
    assert parse_period("12/2026", date(2026, 12, 1)).slug == "2026-12"


def test_export_takes_the_forms_a_secretary_writes(demo: Path) -> None:
    for typed, slug in (("11/2026", "2026-11"), ("Q4/2026", "2026-Q4"), ("2026-10", "2026-10")):
        result = chibo(demo, "export", "--org", "Nà Lụng", "--period", typed)
        assert result.returncode == 0, result.stderr
        assert (demo / f"bao-cao-chi-bo-ban-na-lung-{slug}.xlsx").exists()
    refused = chibo(demo, "export", "--org", "Nà Lụng", "--period", "13/2026")
    assert refused.returncode == 2
    assert refused.stderr == (
        "Kỳ báo cáo là một tháng (11/2026), một quý (Q4/2026 hoặc quý 4/2026) hoặc một năm "
        "(2026).\n"
    )
    early = chibo(demo, "export", "--org", "Nà Lụng", "--period", "12/2026")  # on 15/11/2026
    assert early.returncode == 2
    assert early.stderr == "Kỳ tháng 12/2026 chưa bắt đầu: chưa có gì để báo cáo.\n"


def test_export_of_last_month_on_new_years_day(demo: Path) -> None:
    new_year = FakeClock(hanoi(2027, 1, 1, 8))
    result = chibo(demo, "export", "--org", "Nà Lụng", "--period", "thang truoc", clock=new_year)
    assert result.returncode == 0, result.stderr
    assert "bao-cao-chi-bo-ban-na-lung-2026-12.xlsx" in result.stdout


@pytest.fixture
async def reported(
    cell: Cell,
    xien: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> Cell:
    """Mai is the secretary; Xiên reported one deed in November (on 15/11)."""
    await report_deed(xien, "1", "Giúp sửa nhà")
    async with sessionmaker() as session, session.begin():
        await factories.role(session, cell.members["mai"], cell.cell_id)
    return cell


async def test_on_the_first_of_the_month_tonghop_opens_on_the_closed_month(
    dispatcher: Dispatcher, reported: Cell, clock: FakeClock
) -> None:
    clock.current = hanoi(2026, 12, 1, 8)
    mai = Chat(dispatcher, chat_id="chat-mai")
    reply = await mai.send("/tonghop")
    assert reply.startswith(
        "Chi bộ bản Test, tháng 11/2026:\n"
        "Tháng 11/2026 đã khép lại: đây là số liệu chốt.\n"
        "Đã báo cáo: 1/2 đảng viên (50%); 1 việc tốt.\n"
    )
    assert "Không báo cáo: Hà Thị Mai." in reply
    reply = await mai.tap("Tháng này (12/2026)")
    assert reply.startswith("Chi bộ bản Test, tháng 12/2026:\nĐã báo cáo: 0/2 đảng viên (0%)")
    assert "Chưa báo cáo: Hà Thị Mai, Lò Văn Xiên." in reply
    assert "Tháng trước (11/2026): số liệu chốt" in mai.labels()


async def test_from_the_fourth_the_new_month_with_last_month_one_tap_away(
    dispatcher: Dispatcher, reported: Cell, clock: FakeClock
) -> None:
    clock.current = hanoi(2026, 12, 4)
    mai = Chat(dispatcher, chat_id="chat-mai")
    assert (await mai.send("/tonghop")).startswith("Chi bộ bản Test, tháng 12/2026:")
    assert mai.labels()[-7:] == [
        "Tháng trước (11/2026): số liệu chốt",
        "Biểu đồ tỷ lệ báo cáo",
        "Báo cáo Word tháng 12/2026",
        "Xuất báo cáo Excel tháng 12/2026",
        "Xuất báo cáo Excel tháng 11/2026",
        "Xuất báo cáo Excel quý IV/2026",
        "Xuất báo cáo Excel năm 2026",
    ]
    reply = await mai.tap("Tháng trước")
    assert "Tháng 11/2026 đã khép lại" in reply and "1/2 đảng viên (50%)" in reply
    await mai.tap("Xuất báo cáo Excel tháng 11/2026")
    [sent] = mai.last
    assert sent.document is not None
    assert sent.document.file_name == "bao-cao-chi-bo-ban-test-2026-11.xlsx"


async def test_any_period_typed_in_the_summary(
    dispatcher: Dispatcher, reported: Cell, clock: FakeClock
) -> None:
    clock.current = hanoi(2027, 1, 2)  # new year: December is the month just closed
    mai = Chat(dispatcher, chat_id="chat-mai")
    assert (await mai.send("/tonghop")).startswith("Chi bộ bản Test, tháng 12/2026:")
    reply = await mai.send("11/2026")
    assert reply.startswith("Chi bộ bản Test, tháng 11/2026:\nTháng 11/2026 đã khép lại")
    await mai.send("quý 4/2026")
    [sent] = mai.last
    assert sent.document is not None
    assert sent.document.file_name == "bao-cao-chi-bo-ban-test-2026-Q4.xlsx"
    assert sent.text == "Báo cáo của Chi bộ bản Test, quý IV/2026."
    await mai.send("/tonghop")
    reply = await mai.send("2/2027")  # February 2027 has not begun
    assert reply.startswith("Kỳ tháng 02/2027 chưa bắt đầu: chưa có gì để báo cáo.\n")
    assert "Chi bộ bản Test, tháng 12/2026:" in reply  # the question again
    reply = await mai.send("tháng 2")  # without a year: the February that has begun
    assert reply.startswith("Chi bộ bản Test, tháng 02/2026:")
    await mai.send("/tonghop 2026")
    [sent] = mai.last
    assert sent.document is not None
    assert sent.document.file_name == "bao-cao-chi-bo-ban-test-2026.xlsx"


async def test_the_first_digest_of_a_month_carries_the_closed_months_final_figures(
    reported: Cell, sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    settings = Settings(_env_file=None)
    clock.current = hanoi(2026, 11, 30, 7)  # the last Monday of November: no closed month
    await digest_tick(sessionmaker, clock, settings)
    clock.current = hanoi(2026, 12, 7, 7)  # the first Monday of December
    await digest_tick(sessionmaker, clock, settings)
    clock.current = hanoi(2026, 12, 14, 7)  # the second
    await digest_tick(sessionmaker, clock, settings)
    async with sessionmaker() as session:
        rows = list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    texts = {row.cause: row.text for row in rows}
    assert "đã khép lại" not in texts["digest:2026-W49"]
    assert texts["digest-chart:2026-W49"] == "Tỷ lệ báo cáo việc tốt, tháng 11/2026."
    first = texts["digest:2026-W50"]
    assert first.startswith(
        "Bản tin tuần, tuần bắt đầu 30/11/2026:\n"
        "Chi bộ bản Test, tháng 11/2026:\n"
        "Tháng 11/2026 đã khép lại: đây là số liệu chốt.\n"
        "Đã báo cáo: 1/2 đảng viên (50%); 1 việc tốt.\n"
    )
    assert "\n\nChi bộ bản Test, tháng 12/2026:\nĐã báo cáo: 0/2 đảng viên (0%)" in first
    assert texts["digest-chart:2026-W50"] == "Tỷ lệ báo cáo việc tốt, tháng 11/2026."
    assert "đã khép lại" not in texts["digest:2026-W51"]
    assert texts["digest-chart:2026-W51"] == "Tỷ lệ báo cáo việc tốt, tháng 12/2026."
